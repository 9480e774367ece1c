/**
 * The chat's history in pages: it opens with the latest page, older pages go on top as the
 * user scrolls up, a short page is the start, live events keep working, and an export still
 * reads the whole conversation.
 */
import { describe, expect, test } from 'vitest';
import type { ApiParams } from '../../src/shared/ipc-contract.ts';
import type { TaskView } from '../../src/shared/task.ts';
import { applyBatch, emptyChatData } from '../../src/renderer/src/store/apply-batch.ts';
import { createChatStore } from '../../src/renderer/src/store/chat-store.ts';
import { HISTORY_PAGE } from '../../src/renderer/src/store/history-loader.ts';
import {
  conversation,
  delta,
  manualFrames,
  scriptedApi,
  settle,
  task,
} from '../helpers/renderer-scripted-api.ts';

/** Task n of c1: ids sort as the server's (ULIDs do), created in that order. */
const nth = (n: number, patch: Partial<TaskView> = {}): TaskView =>
  task(`t${String(n).padStart(3, '0')}`, {
    state: 'succeeded',
    createdAt: n,
    updatedAt: n,
    finishedAt: n,
    ...patch,
  });
const tasks = (from: number, to: number): TaskView[] =>
  Array.from({ length: to - from + 1 }, (_, i) => nth(from + i));
const ids = (from: number, to: number): string[] => tasks(from, to).map((t) => t.id);

describe('applyBatch with pages', () => {
  const opened = applyBatch(emptyChatData(), [
    { type: 'conversations', conversations: [conversation('c1')] },
    { type: 'history', conversationId: 'c1', tasks: tasks(11, 20), limit: 10 },
  ]).data;

  test('a full latest page lists only itself and marks where the next page ends', () => {
    expect(opened.order.c1).toEqual(ids(11, 20));
    expect(opened.earlier.c1).toBe('t011');
    expect(opened.loaded.c1).toBe(true);
  });

  test('an older page goes on top in order; a short one is the start', () => {
    const middle = applyBatch(opened, [
      { type: 'earlier', conversationId: 'c1', before: 't011', tasks: tasks(3, 10), limit: 8 },
    ]).data;
    expect(middle.order.c1).toEqual(ids(3, 20));
    expect(middle.earlier.c1).toBe('t003');
    const start = applyBatch(middle, [
      { type: 'earlier', conversationId: 'c1', before: 't003', tasks: tasks(1, 2), limit: 8 },
    ]).data;
    expect(start.order.c1).toEqual(ids(1, 20));
    expect(start.earlier.c1).toBeUndefined();
  });

  test('a page for a window that has moved since it was asked for is dropped', () => {
    const { data } = applyBatch(opened, [
      { type: 'earlier', conversationId: 'c1', before: 't015', tasks: tasks(5, 14), limit: 10 },
    ]);
    expect(data.order.c1).toEqual(ids(11, 20));
    expect(data.earlier.c1).toBe('t011');
  });

  test('a task before the window is kept but not listed, and its text asks for nothing', () => {
    const running = nth(5, { state: 'running', output: 'Hi', updatedAt: 30, finishedAt: null });
    const { data, refetch } = applyBatch(opened, [
      { type: 'task', task: running },
      delta('t005', 2, ' there'),
      // Text of a task before the window we do not hold: its page will bring it whole.
      delta('t004', 9, 'lost'),
    ]);
    expect(data.order.c1).toEqual(ids(11, 20));
    expect(data.tasks.t005?.output).toBe('Hi there');
    expect(refetch).toEqual([]);
    // Its page, read before the event, does not undo what the event said.
    const paged = applyBatch(data, [
      { type: 'earlier', conversationId: 'c1', before: 't011', tasks: tasks(1, 10), limit: 10 },
    ]).data;
    expect(paged.order.c1).toEqual(ids(1, 20));
    expect(paged.tasks.t005).toMatchObject({ state: 'running', output: 'Hi there' });
  });

  test('new tasks and gaps in the window work as before', () => {
    const { data, refetch } = applyBatch(opened, [
      { type: 'task', task: nth(21, { state: 'running', finishedAt: null }) },
      delta('t099', 3, 'gap'),
    ]);
    expect(data.order.c1).toEqual(ids(11, 21));
    expect(refetch).toEqual(['c1']);
  });

  test('a full latest page read again starts the window, keeping what came after it', () => {
    // Read again after many new tasks: what we held (11–20) may not join 31–40.
    const { data } = applyBatch(opened, [
      { type: 'task', task: nth(41, { state: 'queued', finishedAt: null }) },
      { type: 'history', conversationId: 'c1', tasks: tasks(31, 40), limit: 10 },
    ]);
    expect(data.order.c1).toEqual(ids(31, 41));
    expect(data.earlier.c1).toBe('t031');
    // A short one reaches the start: everything held stays, nothing is before it.
    const whole = applyBatch(opened, [
      { type: 'history', conversationId: 'c1', tasks: tasks(12, 20), limit: 10 },
    ]).data;
    expect(whole.order.c1).toEqual(ids(11, 20));
    expect(whole.earlier.c1).toBeUndefined();
  });

  test('deleting the conversation forgets its window and the views before it', () => {
    const held = applyBatch(opened, [{ type: 'task', task: nth(5, { updatedAt: 30 }) }]).data;
    const { data } = applyBatch(held, [{ type: 'conversation-deleted', conversationId: 'c1' }]);
    expect(data.earlier).toEqual({});
    expect(data.tasks).toEqual({});
  });
});

/** A server with `count` tasks in c1 that pages as main does; `fail` refuses older pages. */
function pagedServer(count: number) {
  const all = tasks(1, count);
  const state = { fail: false };
  const history = ({ limit, before }: ApiParams<'chat.history'>): TaskView[] => {
    if (before && state.fail) throw new Error(`task ${before} is not in conversation c1`);
    const end = before ? all.findIndex((t) => t.id === before) : all.length;
    return limit === undefined ? all.slice(0, end) : all.slice(Math.max(0, end - limit), end);
  };
  const scripted = scriptedApi({
    'conversations.list': () => [conversation('c1')],
    'chat.history': history,
  });
  const historyCalls = () =>
    scripted.calls.filter((c) => c.method === 'chat.history').map((c) => c.params);
  return { ...scripted, state, historyCalls };
}

async function openStore(server: ReturnType<typeof pagedServer>) {
  const frames = manualFrames();
  const store = createChatStore(server.api, frames.schedule);
  await settle();
  frames.frame();
  await settle();
  frames.frame();
  return { store, frames };
}

describe('chat store with pages', () => {
  test('opens with the latest page, then reads older ones until a short page', async () => {
    const server = pagedServer(250);
    const { store } = await openStore(server);
    expect(server.historyCalls()).toEqual([{ conversationId: 'c1', limit: HISTORY_PAGE }]);
    expect(store.getState().order.c1).toEqual(ids(151, 250));

    const loading = store.getState().loadEarlier('c1');
    expect(store.getState().earlierStatus.c1).toBe('loading');
    // Asked twice while on its way (scroll events come many a second): one request.
    await store.getState().loadEarlier('c1');
    await loading;
    expect(store.getState().earlierStatus.c1).toBeUndefined();
    expect(store.getState().order.c1).toEqual(ids(51, 250));

    await store.getState().loadEarlier('c1');
    expect(store.getState().order.c1).toEqual(ids(1, 250));
    expect(store.getState().earlier.c1).toBeUndefined();
    await store.getState().loadEarlier('c1'); // the start: nothing more to ask
    expect(server.historyCalls()).toEqual([
      { conversationId: 'c1', limit: 100 },
      { conversationId: 'c1', limit: 100, before: 't151' },
      { conversationId: 'c1', limit: 100, before: 't051' },
    ]);
  });

  test('a refused page says why and can be tried again', async () => {
    const server = pagedServer(150);
    const { store } = await openStore(server);
    server.state.fail = true;
    await store.getState().loadEarlier('c1');
    expect(store.getState().earlierStatus.c1).toBe('failed');
    expect(store.getState().notice).toEqual({
      key: 'loadMessages',
      detail: 'task t051 is not in conversation c1',
    });
    server.state.fail = false;
    await store.getState().loadEarlier('c1');
    expect(store.getState().earlierStatus.c1).toBeUndefined();
    expect(store.getState().order.c1).toEqual(ids(1, 150));
  });

  test('after a reconnect it reads again as much as it holds, keeping the window', async () => {
    const server = pagedServer(250);
    const { store, frames } = await openStore(server);
    await store.getState().loadEarlier('c1');
    server.calls.length = 0;
    server.resync();
    await settle();
    frames.frame();
    await settle();
    frames.frame();
    expect(server.historyCalls()).toEqual([{ conversationId: 'c1', limit: 200 }]);
    expect(store.getState().order.c1).toEqual(ids(51, 250));
    expect(store.getState().earlier.c1).toBe('t051');
  });

  test('an export reads the whole conversation, not the pages loaded', async () => {
    const server = pagedServer(250);
    const { store } = await openStore(server);
    const whole = await store.getState().readHistory('c1');
    expect(whole?.map((t) => t.id)).toEqual(ids(1, 250));
    expect(server.historyCalls().at(-1)).toEqual({ conversationId: 'c1' });
  });
});
