/**
 * The worker's message handling in-process (test/integration/worker-process.test.ts runs the
 * same code as a real child, where in-process coverage does not see it): one job at a time,
 * a slot per upstream call, text before outcome, aborts, and input that does not parse.
 */
import { describe, expect, it } from 'vitest';
import type { Job, WorkerToMain } from '../../src/shared/worker-protocol.ts';
import { snapshotOf } from '../../src/worker/openclaw-session.ts';
import { UpstreamError } from '../../src/worker/upstream-error.ts';
import type { CompletionOutcome, StreamChatOptions } from '../../src/worker/v1-client.ts';
import { createWorker } from '../../src/worker/worker.ts';

type Play = (options: StreamChatOptions) => Promise<CompletionOutcome>;

const job = (taskId = 't1', attempt = 1): Job => ({
  taskId,
  attempt,
  text: 'hi',
  sessionKey: 's',
  gateway: { url: 'http://127.0.0.1:9', token: 'sk-very-secret', agentId: 'main' },
  timeouts: { headersMs: 5_000, stallMs: 5_000, totalMs: 10_000 },
});

const ok: CompletionOutcome = { usage: { totalTokens: 3 }, finishReason: 'stop', toolCalls: [] };

/** Resolves on the first message `pick` accepts; `sent` keeps everything in order. */
function harness(play: Play, opts: { grant?: boolean } = {}) {
  const sent: WorkerToMain[] = [];
  const logs: string[] = [];
  const waiters: { pick: (m: WorkerToMain) => boolean; resolve: (m: WorkerToMain) => void }[] = [];
  let shutdowns = 0;
  const worker = createWorker({
    // Long enough that only an explicit flush, never the timer, sends text in these tests.
    deltaBatchMs: 60_000,
    log: (line) => logs.push(line),
    onShutdown: () => shutdowns++,
    streamChat: (_job, options) => play(options),
    send: (m) => {
      sent.push(m);
      if (m.type === 'acquire' && opts.grant !== false) {
        const { taskId, attempt, callId } = m;
        queueMicrotask(() => worker.receive({ type: 'granted', taskId, attempt, callId }));
      }
      for (const w of waiters.splice(0)) {
        if (w.pick(m)) w.resolve(m);
        else waiters.push(w);
      }
    },
  });
  const next = (pick: (m: WorkerToMain) => boolean): Promise<WorkerToMain> => {
    const seen = sent.find(pick);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ pick, resolve }));
  };
  const end = (taskId = 't1') =>
    next((m) => (m.type === 'succeeded' || m.type === 'failed') && m.taskId === taskId);
  return { worker, sent, logs, next, end, shutdowns: () => shutdowns };
}

/**
 * A streamChat that stays open until `finish` or an abort (as the real one does); `called`
 * resolves once the worker has really started the upstream call.
 */
function held() {
  let finish: (o: CompletionOutcome) => void = () => undefined;
  let started: () => void = () => undefined;
  const called = new Promise<void>((resolve) => (started = resolve));
  const play: Play = (options) =>
    new Promise((resolve, reject) => {
      finish = resolve;
      options.signal?.addEventListener('abort', () =>
        reject(new UpstreamError({ code: 'aborted', message: 'aborted', retryable: false })),
      );
      started();
    });
  return { play, called, finish: (o: CompletionOutcome) => finish(o) };
}

describe('worker: a plain chat', () => {
  it('asks for a slot, sends the text before giving the slot back, then succeeds', async () => {
    const h = harness(async (options) => {
      for (const t of ['Hel', 'lo', '', ' there']) options.onDelta(t);
      return ok;
    });
    h.worker.receive({ type: 'run', job: job() });
    await h.end();
    expect(h.sent.map((m) => m.type)).toEqual(['acquire', 'delta', 'release', 'succeeded']);
    expect(h.sent[1]).toMatchObject({ taskId: 't1', attempt: 1, text: 'Hello there' });
    expect(h.sent[2]).toMatchObject({ callId: 0, outcome: { kind: 'ok' } });
    expect(h.sent[3]).toEqual({
      type: 'succeeded',
      taskId: 't1',
      attempt: 1,
      usage: { totalTokens: 3 },
      finishReason: 'stop',
    });
  });

  it('keeps the text that came before a failure and reports the failure to the limiter', async () => {
    const h = harness(async (options) => {
      options.onDelta('partial');
      throw new UpstreamError({
        code: 'rate_limited',
        message: 'slow down',
        retryable: true,
        status: 429,
        retryAfterMs: 5_000,
      });
    });
    h.worker.receive({ type: 'run', job: job() });
    const failed = await h.end();
    expect(h.sent.map((m) => m.type)).toEqual(['acquire', 'delta', 'release', 'failed']);
    expect(h.sent[2]).toMatchObject({ outcome: { kind: 'rate_limited', retryAfterMs: 5_000 } });
    expect(failed).toEqual({
      type: 'failed',
      taskId: 't1',
      attempt: 1,
      error: { code: 'rate_limited', message: 'slow down' },
      retryable: true,
      status: 429,
      retryAfterMs: 5_000,
      outage: false,
    });
  });

  it('turns an unexpected exception into a non-retryable internal failure', async () => {
    const h = harness(() => Promise.reject(new TypeError('x is not a function')));
    h.worker.receive({ type: 'run', job: job() });
    const failed = await h.end();
    expect(failed).toMatchObject({
      error: { code: 'internal', message: 'worker error: x is not a function' },
      retryable: false,
      status: null,
    });
    // A bug of ours says nothing about the gateway: the breaker must not count it.
    expect(h.sent.find((m) => m.type === 'release')).toMatchObject({
      outcome: { kind: 'aborted' },
    });
  });
});

describe('worker: one job at a time', () => {
  it('refuses a second job at once, retryably, and keeps running the first', async () => {
    const call = held();
    const h = harness(call.play);
    h.worker.receive({ type: 'run', job: job('t1') });
    await call.called;
    h.worker.receive({ type: 'run', job: job('t2') });
    const refused = await h.end('t2');
    expect(refused).toMatchObject({
      type: 'failed',
      error: { code: 'internal', message: 'worker is busy with task t1; job refused' },
      retryable: true,
    });
    call.finish(ok);
    expect(await h.end('t1')).toMatchObject({ type: 'succeeded' });
  });

  it('takes the next job once the previous one has ended', async () => {
    const h = harness(async () => ok);
    h.worker.receive({ type: 'run', job: job('t1') });
    await h.end('t1');
    // `running` is cleared in a finally after the outcome is sent; let it settle.
    await new Promise((resolve) => setImmediate(resolve));
    h.worker.receive({ type: 'run', job: job('t2') });
    expect(await h.end('t2')).toMatchObject({ type: 'succeeded' });
  });
});

describe('worker: aborts', () => {
  it('ends a run waiting for its slot without ever calling the gateway', async () => {
    let called = false;
    const h = harness(
      () => {
        called = true;
        return Promise.resolve(ok);
      },
      { grant: false },
    );
    h.worker.receive({ type: 'run', job: job() });
    const acquire = await h.next((m) => m.type === 'acquire');
    h.worker.receive({ type: 'abort', taskId: 't1', attempt: 1 });
    expect(await h.end()).toMatchObject({ type: 'failed', error: { code: 'aborted' } });
    expect(called).toBe(false);
    // No slot was taken, so none is given back.
    expect(h.sent.some((m) => m.type === 'release')).toBe(false);
    // The limiter's grant may still be on its way; it must not start anything.
    if (acquire.type !== 'acquire') throw new Error('unreachable');
    h.worker.receive({ type: 'granted', taskId: 't1', attempt: 1, callId: acquire.callId });
    expect(h.logs.join('\n')).toMatch(/grant for t1#1 ignored: nobody waits for it/);
    expect(called).toBe(false);
  });

  it('ignores an abort meant for another attempt and says so', async () => {
    const call = held();
    const h = harness(call.play);
    h.worker.receive({ type: 'run', job: job('t1', 2) });
    await call.called;
    h.worker.receive({ type: 'abort', taskId: 't1', attempt: 1 });
    expect(h.logs.join('\n')).toMatch(/abort for t1#1 ignored: not running here/);
    call.finish(ok);
    expect(await h.end()).toMatchObject({ type: 'succeeded', attempt: 2 });
  });

  it('stop() aborts the run in flight and resolves only after its outcome was sent', async () => {
    const call = held();
    const h = harness(call.play);
    h.worker.receive({ type: 'run', job: job() });
    await call.called;
    await h.worker.stop();
    expect(h.sent.at(-1)).toMatchObject({ type: 'failed', error: { code: 'aborted' } });
    expect(h.sent.find((m) => m.type === 'release')).toMatchObject({
      outcome: { kind: 'aborted' },
    });
  });

  it('stop() with nothing running resolves without sending anything', async () => {
    const h = harness(held().play);
    await h.worker.stop();
    expect(h.sent).toEqual([]);
  });
});

describe('worker: input from main', () => {
  it('drops a message that does not parse, naming the field but never a value', () => {
    const h = harness(held().play);
    const { sessionKey: _dropped, ...broken } = job();
    h.worker.receive({ type: 'run', job: broken });
    h.worker.receive('not even an object');
    expect(h.sent).toEqual([]);
    const log = h.logs.join('\n');
    expect(log).toMatch(/ignored a message that does not parse: .*job\.sessionKey/);
    expect(log).toMatch(/\(root\)/);
    expect(log).not.toContain('sk-very-secret');
  });

  it('hands a shutdown request to its host', () => {
    const h = harness(held().play);
    h.worker.receive({ type: 'shutdown' });
    expect(h.shutdowns()).toBe(1);
  });
});

describe('worker: a cut turn (issue 12)', () => {
  /** A harness whose worker reads this transcript instead of a real gateway's. */
  function recovering(snapshot: unknown, play: Play) {
    const sent: WorkerToMain[] = [];
    let done: (m: WorkerToMain) => void = () => undefined;
    const end = new Promise<WorkerToMain>((resolve) => (done = resolve));
    const worker = createWorker({
      deltaBatchMs: 60_000,
      log: () => {},
      onShutdown: () => {},
      streamChat: (_job, options) => play(options),
      openSession: async () => ({ history: async () => snapshotOf(snapshot), close: () => {} }),
      send: (m) => {
        sent.push(m);
        if (m.type === 'acquire') {
          const { taskId, attempt, callId } = m;
          queueMicrotask(() => worker.receive({ type: 'granted', taskId, attempt, callId }));
        }
        if (m.type === 'succeeded' || m.type === 'failed') done(m);
      },
    });
    const cut: Job = { ...job('t1', 2), resume: { since: 1_000, runIds: ['chatcmpl_1'] } };
    worker.receive({ type: 'run', job: cut });
    return { sent, end };
  }

  it("takes OpenClaw's answer to the cut turn instead of sending it again", async () => {
    const snapshot = {
      messages: [
        { role: 'user', content: 'hi', timestamp: 1_500 },
        {
          role: 'assistant',
          content: [{ type: 'text', text: 'answered meanwhile' }],
          stopReason: 'stop',
        },
      ],
      sessionInfo: { status: 'done', hasActiveRun: false },
    };
    const h = recovering(snapshot, () => Promise.reject(new Error('must not be called')));
    expect(await h.end).toMatchObject({ type: 'succeeded', usage: null });
    expect(h.sent.map((m) => m.type)).toEqual(['delta', 'succeeded']);
    expect(h.sent[0]).toMatchObject({ type: 'delta', text: 'answered meanwhile' });
  });

  it('sends the turn when OpenClaw never recorded it, and reports the acceptance', async () => {
    const snapshot = { messages: [], sessionInfo: { status: 'done' } };
    const h = recovering(snapshot, async (options) => {
      options.onAccepted?.('chatcmpl_2');
      options.onDelta('fresh');
      return ok;
    });
    expect(await h.end).toMatchObject({ type: 'succeeded' });
    expect(h.sent.map((m) => m.type)).toEqual([
      'acquire',
      'accepted',
      'delta',
      'release',
      'succeeded',
    ]);
    expect(h.sent[1]).toMatchObject({ type: 'accepted', runId: 'chatcmpl_2' });
  });
});
