import type { Job, MainToWorker, WorkerToMain } from '../shared/worker-protocol.ts';
import { MainToWorkerSchema } from '../shared/worker-protocol.ts';
import { abortedError, runAgentLoop } from './agent-loop.ts';
import type { UpstreamRequest } from './agent-loop.ts';
import { callOutcomeOf } from './call-outcome.ts';
import { DeltaBatcher } from './delta-batcher.ts';
import { GrantGate } from './grant-gate.ts';
import type { SessionReader } from './openclaw-session.ts';
import { openSessionReader } from './openclaw-session.ts';
import { chatWithToolsOff } from './tools-off.ts';
import { recoverTurn } from './turn-recovery.ts';
import { UpstreamError } from './upstream-error.ts';
import type { CompletionOutcome, streamChat } from './v1-client.ts';

export interface WorkerDeps {
  send: (message: WorkerToMain) => void;
  streamChat: typeof streamChat;
  /** Diagnostics for stderr. Never given a job, so never given a token. */
  log: (line: string) => void;
  /** Main asked this process to end; the host (index.ts) calls stop() and exits. */
  onShutdown: () => void;
  deltaBatchMs?: number;
  /** How OpenClaw's transcript is read before a cut turn is sent again (default: its WebSocket). */
  openSession?: (gateway: Job['gateway']) => Promise<SessionReader>;
}

export interface Worker {
  /** Handles one raw message from main; what does not parse is logged and dropped. */
  receive(raw: unknown): void;
  /** Aborts the job in flight and resolves once its outcome has been sent. */
  stop(): Promise<void>;
}

interface Running {
  job: Job;
  controller: AbortController;
  done: Promise<void>;
}

/** One worker's state: the job in flight (at most one), its grants and its approvals. */
interface WorkerState {
  deps: WorkerDeps;
  gate: GrantGate;
  approvals: ApprovalBook;
  running: Running | null;
}

export function createWorker(deps: WorkerDeps): Worker {
  const state: WorkerState = {
    deps,
    gate: new GrantGate(deps.send),
    approvals: new ApprovalBook(),
    running: null,
  };
  return {
    receive(raw) {
      const message = parseMessage(raw, deps.log);
      if (message) handle(state, message);
    },
    async stop() {
      const current = state.running;
      if (!current) return;
      current.controller.abort();
      await current.done;
    },
  };
}

function parseMessage(raw: unknown, log: (line: string) => void): MainToWorker | undefined {
  const parsed = MainToWorkerSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // Issues name paths and expected types, not values: a bad job may still hold a token.
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  log(`ignored a message that does not parse: ${issues.join('; ')}`);
  return undefined;
}

function handle(state: WorkerState, message: MainToWorker): void {
  const { deps, running } = state;
  switch (message.type) {
    case 'run':
      start(state, message.job);
      return;
    case 'granted':
      if (!state.gate.granted(message.taskId, message.attempt, message.callId)) {
        deps.log(`grant for ${message.taskId}#${message.attempt} ignored: nobody waits for it`);
      }
      return;
    case 'abort':
      if (running?.job.taskId === message.taskId && running.job.attempt === message.attempt) {
        running.controller.abort();
      } else deps.log(`abort for ${message.taskId}#${message.attempt} ignored: not running here`);
      return;
    case 'approval':
      if (!state.approvals.answer(message)) {
        deps.log(`approval for ${message.taskId}#${message.attempt} ignored: nobody waits for it`);
      }
      return;
    case 'shutdown':
      deps.onShutdown();
      return;
  }
}

function start(state: WorkerState, job: Job): void {
  if (state.running) {
    // Main sends one job at a time; answer at once rather than leave this one hanging.
    state.deps.send(failed(job, busy(state.running.job)));
    return;
  }
  const controller = new AbortController();
  const current: Running = { job, controller, done: Promise.resolve() };
  state.running = current;
  current.done = run(state, job, controller.signal).finally(() => {
    if (state.running === current) state.running = null;
  });
}

async function run(state: WorkerState, job: Job, signal: AbortSignal): Promise<void> {
  const { deps } = state;
  const { taskId, attempt } = job;
  const batcher = new DeltaBatcher(
    (text) => deps.send({ type: 'delta', taskId, attempt, text }),
    deps.deltaBatchMs,
  );
  const call = upstreamCall(state, job, signal, batcher);
  try {
    const recovered = await recoverTurn(job, {
      open: () => (deps.openSession ?? openSessionReader)(job.gateway),
      signal,
      log: deps.log,
    });
    if (recovered !== null) {
      // OpenClaw answered the cut turn itself: that is the result, nothing is sent again.
      batcher.push(recovered);
      batcher.flush();
      deps.send({ type: 'succeeded', taskId, attempt, usage: null, finishReason: 'stop' });
      return;
    }
    const tools = job.tools;
    const outcome = tools
      ? await runAgentLoop({
          job,
          tools,
          signal,
          send: deps.send,
          call,
          approval: (toolCallId) => state.approvals.wait(job, toolCallId, signal),
        })
      : await chatWithToolsOff({ job, send: deps.send, call });
    const { usage, finishReason } = outcome;
    deps.send({ type: 'succeeded', taskId, attempt, usage, finishReason });
  } catch (err) {
    batcher.flush();
    deps.send(failed(job, asUpstreamError(err)));
  }
}

/**
 * Each upstream call takes its own slot of the shared budget and gives it back with its
 * outcome; the run's own timeouts start only once the call may go.
 */
function upstreamCall(state: WorkerState, job: Job, signal: AbortSignal, batcher: DeltaBatcher) {
  const { deps } = state;
  const { taskId, attempt } = job;
  return async (request: UpstreamRequest): Promise<CompletionOutcome> => {
    const callId = await state.gate.acquire(job, signal);
    try {
      const outcome = await deps.streamChat(job, {
        signal,
        onDelta: (t) => batcher.push(t),
        onAccepted: (runId) =>
          deps.send({ type: 'accepted', taskId, attempt, runId, at: Date.now() }),
        ...request,
      });
      batcher.flush();
      deps.send({ type: 'release', taskId, attempt, callId, outcome: { kind: 'ok' } });
      return outcome;
    } catch (err) {
      // Text that arrived before the failure is still the user's; send it first.
      batcher.flush();
      const outcome = callOutcomeOf(asUpstreamError(err));
      deps.send({ type: 'release', taskId, attempt, callId, outcome });
      throw err;
    }
  };
}

function failed(job: Job, error: UpstreamError): WorkerToMain {
  return {
    type: 'failed',
    taskId: job.taskId,
    attempt: job.attempt,
    error: error.toTaskError(),
    retryable: error.retryable,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    outage: error.outage,
  };
}

function busy(current: Job): UpstreamError {
  return new UpstreamError({
    code: 'internal',
    message: `worker is busy with task ${current.taskId}; job refused`,
    retryable: true,
  });
}

function asUpstreamError(err: unknown): UpstreamError {
  if (err instanceof UpstreamError) return err;
  return new UpstreamError({
    code: 'internal',
    message: `worker error: ${err instanceof Error ? err.message : String(err)}`,
    retryable: false,
  });
}

/** Tool calls waiting for the user's Approve or Deny, by task, attempt and call id. */
class ApprovalBook {
  private readonly waiting = new Map<string, (approved: boolean) => void>();

  /** Resolves with main's answer; rejects with `aborted` when the run is stopped meanwhile. */
  wait(job: Job, toolCallId: string, signal: AbortSignal): Promise<boolean> {
    const key = keyOf(job.taskId, job.attempt, toolCallId);
    return new Promise<boolean>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiting.delete(key);
        reject(abortedError('the run was cancelled while waiting for approval'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(key, (approved) => {
        signal.removeEventListener('abort', onAbort);
        resolve(approved);
      });
    });
  }

  /** False when nobody waits for this answer (a stale or repeated one). */
  answer(message: { taskId: string; attempt: number; toolCallId: string; approved: boolean }) {
    const key = keyOf(message.taskId, message.attempt, message.toolCallId);
    const resolve = this.waiting.get(key);
    if (!resolve) return false;
    this.waiting.delete(key);
    resolve(message.approved);
    return true;
  }
}

function keyOf(taskId: string, attempt: number, toolCallId: string): string {
  return JSON.stringify([taskId, attempt, toolCallId]);
}
