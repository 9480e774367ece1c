/**
 * What a message and the limiter strip say about the shared budget, and the store's task
 * actions, under Node with a scripted API: exact wording and refusals are easier to pin down
 * here than through a live server (limits.spec.ts covers the real thing).
 */
import { describe, expect, test } from 'vitest';
import { ApiCallError } from '../../src/shared/ipc-contract.ts';
import {
  clockTime,
  gatewayDownText,
  limiterLine,
  pauseText,
  queuedText,
  runningText,
} from '../../src/renderer/src/components/task-status.ts';
import { englishChat } from '../../src/renderer/src/i18n/index.ts';
import { noticeText } from '../../src/renderer/src/store/notice.ts';
import { queuedKey } from '../../src/renderer/src/store/queued-key.ts';
import { applyBatch, emptyChatData } from '../../src/renderer/src/store/apply-batch.ts';
import { createChatStore } from '../../src/renderer/src/store/chat-store.ts';
import {
  conversation,
  delta,
  manualFrames,
  scriptedApi,
  settle,
  task,
  upstreamStatus,
} from '../helpers/renderer-scripted-api.ts';

describe('what a message says', () => {
  const slot = (position: number, etaMs: number) => ({ taskId: 't1', position, etaMs });

  test('a queued message: place in line, a rounded ETA and the limit', () => {
    const idle = upstreamStatus();
    expect(queuedText(slot(37, 50_300), idle)).toBe('Queued — #37, starts in about 50 s (40/min)');
    expect(queuedText(slot(90, 150_000), idle)).toBe(
      'Queued — #90, starts in about 3 min (40/min)',
    );
    expect(queuedText(slot(1, 0), idle)).toBe('Queued — #1, starts now (40/min)');
    const tight = upstreamStatus({ perWindow: 2, windowMs: 4_000 });
    expect(queuedText(slot(2, 3_000), tight)).toBe('Queued — #2, starts in about 3 s (2 per 4 s)');
  });

  test('"now" is not promised while every slot is busy', () => {
    const busy = upstreamStatus({ running: 5, maxConcurrent: 5 });
    expect(queuedText(slot(1, 0), busy)).toBe(
      'Queued — #1, starts when a running request ends (40/min)',
    );
  });

  test('a refused token or an open circuit holds the queue whatever the window says', () => {
    const rejected = upstreamStatus({}, { auth: { state: 'rejected', retryAt: 1 } });
    expect(queuedText(slot(3, 0), rejected)).toBe(
      'Queued — #3 · Waiting for a valid gateway token',
    );
    const open = upstreamStatus(
      {},
      { breaker: { state: 'open', consecutiveFailures: 5, openedAt: 1, retryAt: 2 } },
    );
    expect(queuedText(slot(3, 0), open)).toBe('Queued — #3 · Waiting for the gateway to recover');
  });

  test('issue 12: a gateway that is down holds every queued message, with reason and next probe', () => {
    const nextProbeAt = new Date(2026, 0, 5, 14, 3, 7).getTime();
    const down = upstreamStatus(
      {},
      {
        gateway: {
          state: 'down',
          origin: 'http://127.0.0.1:18790',
          since: nextProbeAt - 30_000,
          nextProbeAt,
          reason: 'connection refused',
        },
      },
    );
    const words =
      'Waiting for the gateway at http://127.0.0.1:18790… (connection refused; next try at 14:03:07)';
    expect(queuedText(slot(4, 0), down)).toBe(`Queued — #4 · ${words}`);
    // Before its place is known too: the wait is what the user must learn.
    expect(queuedText(undefined, down)).toBe(`Queued · ${words}`);
    expect(gatewayDownText(down.gateway)).toBe(words);
  });

  test('issue 12: a provider pause says who paused and when it retries, to the minute', () => {
    const at = new Date(2026, 0, 5, 14, 5, 30).getTime();
    const now = at - 60_000;
    const provider = upstreamStatus({ pausedUntil: at, pauseCause: 'provider' });
    expect(queuedText(slot(2, 60_000), provider, englishChat, now)).toBe(
      'Queued — #2 · Rate-limited by the model provider, retrying at 14:05',
    );
    expect(pauseText(provider.limiter)).toBe(
      'Rate-limited by the model provider, retrying at 14:05',
    );
    const gateway = upstreamStatus({ pausedUntil: at, pauseCause: 'gateway' });
    expect(pauseText(gateway.limiter)).toBe('Paused until 14:05:30 after a 429');
    // The gateway's own Retry-After is counted in the ETA, which the message keeps saying.
    expect(queuedText(slot(2, 60_000), gateway, englishChat, now)).toBe(
      'Queued — #2, starts in about 1 min (40/min)',
    );
    // A pause that is over says nothing.
    expect(queuedText(slot(2, 0), provider, englishChat, at + 1)).toBe(
      'Queued — #2, starts now (40/min)',
    );
  });

  test('issue 12: a later message of a conversation waits for the earlier one, with its place', () => {
    const idle = upstreamStatus();
    expect(queuedText({ ...slot(3, 0), afterTaskId: 't0', turnAhead: 1 }, idle)).toBe(
      'Queued — #3 · Waits for the earlier message of this conversation',
    );
    expect(queuedText({ ...slot(5, 0), afterTaskId: 't0', turnAhead: 2 }, idle)).toBe(
      'Queued — #5 · Waits for the 2 earlier messages of this conversation',
    );
  });

  test('before its position is known a message is just "Queued"', () => {
    expect(queuedText(undefined, upstreamStatus())).toBe('Queued');
  });

  test('a running message says what it waits for, then that it streams', () => {
    expect(runningText(task('t1', { phase: 'waiting_for_rate_limit' }))).toBe(
      'Waiting for the rate limit…',
    );
    expect(runningText(task('t1', { phase: 'thinking' }))).toBe('Model thinking…');
    expect(runningText(task('t1', { phase: 'recovering' }))).toBe(
      'Checking OpenClaw for the interrupted answer…',
    );
    expect(runningText(task('t1', { output: 'Hel' }))).toBe('Streaming…');
    expect(runningText(task('t1'))).toBe('Starting…');
  });

  test('the limiter strip counts the window and the running calls', () => {
    const status = upstreamStatus({ startsInWindow: 12, running: 3, waiting: 2 });
    expect(limiterLine(status.limiter)).toBe(
      'Requests 12/40 in the last minute · running 3/5 · 2 waiting',
    );
    const tight = upstreamStatus({ startsInWindow: 2, perWindow: 2, windowMs: 4_000 });
    expect(limiterLine(tight.limiter)).toBe('Requests 2/2 in the last 4 s · running 0/5');
    expect(clockTime(new Date(2026, 0, 2, 9, 5, 7).getTime())).toMatch(/^09:05:07$/);
  });
});

describe('upstream status and phases in the store data', () => {
  test('an upstream event replaces the status; the latest of a batch wins', () => {
    const first = upstreamStatus({ startsInWindow: 1 });
    const second = upstreamStatus({ startsInWindow: 2 });
    const { data } = applyBatch(emptyChatData(), [
      { type: 'upstream', status: first },
      { type: 'upstream', status: second },
    ]);
    expect(data.upstream).toEqual(second);
  });

  test('streamed text ends the "waiting for the gateway" phase', () => {
    const base = applyBatch(emptyChatData(), [
      { type: 'conversations', conversations: [conversation('c1')] },
      {
        type: 'history',
        conversationId: 'c1',
        tasks: [task('t1', { phase: 'thinking' })],
      },
    ]).data;
    const { data } = applyBatch(base, [delta('t1', 0, 'Hi')]);
    expect(data.tasks.t1?.output).toBe('Hi');
    expect(data.tasks.t1?.phase).toBeUndefined();
  });

  test('only the open conversation’s queued messages are asked about', () => {
    const { data } = applyBatch(emptyChatData(), [
      { type: 'task', task: task('a', { state: 'succeeded', createdAt: 1 }) },
      { type: 'task', task: task('b', { state: 'queued', createdAt: 2 }) },
      { type: 'task', task: task('c', { state: 'running', createdAt: 3 }) },
      { type: 'task', task: task('d', { state: 'queued', createdAt: 4 }) },
      { type: 'task', task: task('x', { state: 'queued', conversationId: 'c2' }) },
    ]);
    const state = createChatStore(scriptedApi({}).api, manualFrames().schedule).getState();
    expect(queuedKey({ ...state, ...data, currentId: 'c1' })).toBe('b d');
    expect(queuedKey({ ...state, ...data, currentId: null })).toBe('');
  });
});

describe('store actions', () => {
  /** A store with conversation c1 open and its history loaded. */
  async function openStore(script: Parameters<typeof scriptedApi>[0]) {
    const scripted = scriptedApi({
      'conversations.list': () => [conversation('c1')],
      'chat.history': () => [task('t1', { state: 'failed', finishedAt: 11 })],
      'upstream.status': () => upstreamStatus({ startsInWindow: 7 }),
      'ui.focus': () => ({}),
      ...script,
    });
    const frames = manualFrames();
    const store = createChatStore(scripted.api, frames.schedule);
    for (let i = 0; i < 3; i++) {
      await settle();
      frames.frame();
    }
    return { ...scripted, store, frames };
  }

  test('loads the limiter status and tells main which conversation is on screen', async () => {
    const { store, calls } = await openStore({});
    expect(store.getState().upstream?.limiter.startsInWindow).toBe(7);
    const focused = () => calls.filter((c) => c.method === 'ui.focus').map((c) => c.params);
    expect(focused()).toEqual([{ conversationId: null }, { conversationId: 'c1' }]);
    store.getState().newChat();
    expect(focused().at(-1)).toEqual({ conversationId: null });
  });

  test('Retry shows the task main answers with, at once', async () => {
    const { store, calls } = await openStore({
      'tasks.retry': ({ taskId }) => task(taskId, { state: 'queued', updatedAt: 12 }),
    });
    await store.getState().act('retry', 't1');
    expect(calls.at(-1)).toEqual({ method: 'tasks.retry', params: { taskId: 't1' } });
    expect(store.getState().tasks.t1?.state).toBe('queued');
    expect(store.getState().notice).toBeNull();
  });

  test('a refusal becomes the notice, in main’s words', async () => {
    const { store } = await openStore({
      'tasks.cancel': () => {
        throw new ApiCallError({ code: 'refused', message: 'cannot cancel a succeeded task' });
      },
    });
    await store.getState().act('cancel', 't1');
    const notice = store.getState().notice;
    expect(notice).toEqual({ key: 'cancel', detail: 'cannot cancel a succeeded task' });
    expect(notice && noticeText(notice, englishChat)).toBe(
      'Could not cancel the message: cannot cancel a succeeded task',
    );
    expect(store.getState().tasks.t1?.state).toBe('failed');
  });

  test('positions: a late answer to an older request does not overwrite a newer one', async () => {
    const answers: Array<(slots: { taskId: string; position: number; etaMs: number }[]) => void> =
      [];
    const { store } = await openStore({
      'queue.positions': () => new Promise((resolve) => answers.push(resolve)),
    });
    const older = store.getState().refreshPositions(['t1']);
    const newer = store.getState().refreshPositions(['t1']);
    answers[1]?.([{ taskId: 't1', position: 1, etaMs: 0 }]);
    await newer;
    answers[0]?.([{ taskId: 't1', position: 9, etaMs: 9_000 }]);
    await older;
    expect(store.getState().positions.t1?.position).toBe(1);
    // Nothing queued any more: the old answer is forgotten without asking.
    await store.getState().refreshPositions([]);
    expect(store.getState().positions).toEqual({});
  });
});
