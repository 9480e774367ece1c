import type { Job } from '../shared/worker-protocol.ts';
import type { SessionReader, SessionSnapshot } from './openclaw-session.ts';
import { SessionReaderError } from './openclaw-session.ts';
import { UpstreamError, formatDuration } from './upstream-error.ts';

/**
 * Before a cut turn is sent again (issue 12): OpenClaw may hold it already. A turn cut by the
 * gateway's crash stays in its transcript and OpenClaw re-runs it by itself after the restart;
 * a stream cut on the way may belong to a run that finished. Sending it again would put it in
 * the session twice, with two answers. So the transcript decides:
 *
 * - the turn is not there (OpenClaw never started it): send it;
 * - the session is running (our run, or OpenClaw's re-run of it): wait, reading again;
 * - the turn has an answer: that answer is the result, nothing is sent;
 * - the turn is there without an answer and nothing runs: send it (the only duplicate left,
 *   where OpenClaw itself gave the turn up).
 */
export type Verdict = { kind: 'send' } | { kind: 'wait' } | { kind: 'answer'; text: string };

/** How far before the first acceptance a turn's timestamp may lie (clocks of two processes). */
const CLOCK_SLACK_MS = 60_000;
const POLL_MS = 2_000;

export function verdictOf(
  snapshot: SessionSnapshot,
  job: Pick<Job, 'text'> & { resume: NonNullable<Job['resume']> },
): Verdict {
  const { messages } = snapshot;
  const ours = new Set(job.resume.runIds);
  const text = job.text.trim();
  let turn = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!m || m.role !== 'user' || m.internal) continue;
    const recent = m.timestamp === null || m.timestamp >= job.resume.since - CLOCK_SLACK_MS;
    if (recent && m.text.includes(text)) {
      turn = i;
      break;
    }
  }
  if (snapshot.running) return { kind: 'wait' };
  const candidates = turn >= 0 ? answersAfter(snapshot, turn) : [];
  // Our own run's answer counts wherever it landed (its user turn may read differently).
  const byRunId = messages.filter((m) => m.role === 'assistant' && m.runId && ours.has(m.runId));
  const answer = [...candidates, ...byRunId].filter(isFinalText).at(-1);
  if (answer) return { kind: 'answer', text: answer.text };
  return { kind: 'send' };
}

/** The assistant messages after the turn, up to the next turn someone sent. */
function answersAfter(snapshot: SessionSnapshot, turn: number): SessionSnapshot['messages'] {
  const after: SessionSnapshot['messages'] = [];
  for (const m of snapshot.messages.slice(turn + 1)) {
    if (m.role === 'user' && !m.internal) break;
    if (m.role === 'assistant') after.push(m);
  }
  return after;
}

function isFinalText(m: SessionSnapshot['messages'][number]): boolean {
  return m.text.trim() !== '' && m.stopReason !== 'error' && m.stopReason !== 'aborted';
}

export interface RecoveryDeps {
  open: () => Promise<SessionReader>;
  signal: AbortSignal;
  log: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Reads the session until the transcript decides; resolves with OpenClaw's answer, or null
 * when the turn must be sent. A gateway that went away again is an outage (the task waits);
 * one that will not talk over its WebSocket (an older OpenClaw, a refused scope) means the
 * turn is sent again, as ClawDesk did before it could ask.
 */
export async function recoverTurn(job: Job, deps: RecoveryDeps): Promise<string | null> {
  const resume = job.resume;
  if (!resume) return null;
  let reader: SessionReader;
  try {
    reader = await deps.open();
  } catch (err) {
    if (err instanceof SessionReaderError && err.away) throw awayError(err.message);
    deps.log(`cannot read the OpenClaw session (${String(err)}); sending the turn again`);
    return null;
  }
  const deadline = Date.now() + job.timeouts.totalMs;
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  try {
    for (;;) {
      if (deps.signal.aborted) throw aborted();
      const snapshot = await reader.history(job.sessionKey).catch((err: unknown) => {
        throw awayError(err instanceof Error ? err.message : String(err));
      });
      const verdict = verdictOf(snapshot, { text: job.text, resume });
      if (verdict.kind === 'answer') return verdict.text;
      if (verdict.kind === 'send') return null;
      if (Date.now() > deadline) throw tooLong(job.timeouts.totalMs);
      await sleep(POLL_MS);
    }
  } finally {
    reader.close();
  }
}

function awayError(message: string): UpstreamError {
  return new UpstreamError({
    code: 'gateway_unreachable',
    message: `cannot ask OpenClaw about the interrupted turn: ${message}`,
    retryable: true,
    outage: true,
  });
}

function aborted(): UpstreamError {
  return new UpstreamError({ code: 'aborted', message: 'the run was cancelled', retryable: false });
}

function tooLong(ms: number): UpstreamError {
  return new UpstreamError({
    code: 'timeout',
    message: `OpenClaw was still running the interrupted turn after ${formatDuration(ms)}`,
    retryable: true,
  });
}
