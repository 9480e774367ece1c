import type { Job, MainToWorker, WorkerToMain } from '../shared/worker-protocol.ts';
import { MainToWorkerSchema } from '../shared/worker-protocol.ts';
import { callOutcomeOf } from './call-outcome.ts';
import { DeltaBatcher } from './delta-batcher.ts';
import { GrantGate } from './grant-gate.ts';
import { UpstreamError } from './upstream-error.ts';
import type { streamChat } from './v1-client.ts';

export interface WorkerDeps {
  send: (message: WorkerToMain) => void;
  streamChat: typeof streamChat;
  /** Diagnostics for stderr. Never given a job, so never given a token. */
  log: (line: string) => void;
  /** Main asked this process to end; the host (index.ts) calls stop() and exits. */
  onShutdown: () => void;
  deltaBatchMs?: number;
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

export function createWorker(deps: WorkerDeps): Worker {
  let running: Running | null = null;
  const gate = new GrantGate(deps.send);

  function start(job: Job): void {
    if (running) {
      // Main sends one job at a time; answer at once rather than leave this one hanging.
      deps.send(failed(job, busy(running.job)));
      return;
    }
    const controller = new AbortController();
    const current: Running = { job, controller, done: Promise.resolve() };
    running = current;
    current.done = run(job, controller.signal).finally(() => {
      if (running === current) running = null;
    });
  }

  async function run(job: Job, signal: AbortSignal): Promise<void> {
    const { taskId, attempt } = job;
    const batcher = new DeltaBatcher(
      (text) => deps.send({ type: 'delta', taskId, attempt, text }),
      deps.deltaBatchMs,
    );
    let callId: number | null = null;
    try {
      // The shared budget first: the run's own timeouts start only once the call may go.
      callId = await gate.acquire(job, signal);
      const outcome = await deps.streamChat(job, { signal, onDelta: (t) => batcher.push(t) });
      batcher.flush();
      deps.send({ type: 'release', taskId, attempt, callId, outcome: { kind: 'ok' } });
      deps.send({ type: 'succeeded', taskId, attempt, ...outcome });
    } catch (err) {
      // Text that arrived before the failure is still the user's; send it first.
      batcher.flush();
      const error = asUpstreamError(err);
      if (callId !== null) {
        deps.send({ type: 'release', taskId, attempt, callId, outcome: callOutcomeOf(error) });
      }
      deps.send(failed(job, error));
    }
  }

  function handle(message: MainToWorker): void {
    switch (message.type) {
      case 'run':
        start(message.job);
        return;
      case 'granted':
        if (!gate.granted(message.taskId, message.attempt, message.callId)) {
          deps.log(`grant for ${message.taskId}#${message.attempt} ignored: nobody waits for it`);
        }
        return;
      case 'abort':
        if (running?.job.taskId === message.taskId && running.job.attempt === message.attempt) {
          running.controller.abort();
        } else {
          deps.log(`abort for ${message.taskId}#${message.attempt} ignored: not running here`);
        }
        return;
      case 'shutdown':
        deps.onShutdown();
        return;
    }
  }

  return {
    receive(raw) {
      const parsed = MainToWorkerSchema.safeParse(raw);
      if (!parsed.success) {
        // Issues name paths and expected types, not values: a bad job may still hold a token.
        const issues = parsed.error.issues.map(
          (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
        );
        deps.log(`ignored a message that does not parse: ${issues.join('; ')}`);
        return;
      }
      handle(parsed.data);
    },
    async stop() {
      const current = running;
      if (!current) return;
      current.controller.abort();
      await current.done;
    },
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
