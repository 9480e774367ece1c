/**
 * OpenClaw's sessions, as the fake gateway imitates them (measured on openclaw 2026.9.6, see
 * docs/openclaw-behaviour.md): one turn at a time per session key, a transcript per session
 * (what `chat.history` returns), and after a crash that cut a turn, a recovery run that answers
 * it by itself.
 *
 * A turn: `begin` (waits while another turn of the session runs), `modelStarted` (the user
 * message enters the transcript only now, as on the real gateway), then exactly one of
 * `answered`, `toolCall`, `failed` (an error turn, status `failed`) or `aborted` (the client
 * hung up: no answer, status `killed`). `crash()` leaves running turns cut; `recover()` answers
 * each cut turn with a recovery run.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  recoveryPending,
  RECOVERY_TEXT,
  sessionView,
  type PendingInput,
  type SessionState,
  type TranscriptMessage,
} from './fake-gateway-transcript.ts';

export interface RecoveryTiming {
  /** The recovery message sits in `pendingInputs` this long. Real: 2-7 s. */
  pendingMs: number;
  /** Then the recovery run takes this long to answer. Real: about 20 s plus the model's time. */
  answerMs: number;
}

export class Turn {
  readonly runId: string;
  /** Set by a crash: whatever the request handler does next no longer reaches the transcript. */
  cut = false;
  private ended = false;
  private readonly book: SessionBook;
  private readonly session: SessionState;
  readonly release: () => void;

  constructor(book: SessionBook, session: SessionState, runId: string, release: () => void) {
    this.book = book;
    this.session = session;
    this.runId = runId;
    this.release = release;
  }

  /** The model call starts: the user message enters the transcript, the run is active. */
  modelStarted(text: string, receivedAt: number): void {
    if (this.cut || this.ended) return;
    this.running();
    this.session.startedAt = receivedAt;
    this.session.cutText = text;
    const idempotencyKey = `${randomUUID()}:user`;
    this.book.append(this.session, {
      role: 'user',
      content: text,
      timestamp: receivedAt,
      idempotencyKey,
    });
  }

  /**
   * The run is active; `inFlight` (chat.history's `inFlightRun`) once a message of it is in the
   * transcript (a recovery run is active before that).
   */
  running(inFlight = true): void {
    const s = this.session;
    s.status = 'running';
    if (!s.activeRunIds.includes(this.runId)) s.activeRunIds = [...s.activeRunIds, this.runId];
    if (inFlight) s.inFlight = { runId: this.runId, startedAt: Date.now() };
  }

  answered(text: string): void {
    this.end('done', { role: 'assistant', content: [{ type: 'text', text }], stopReason: 'stop' });
  }

  toolCall(name: string, args: string): void {
    const call = { type: 'toolCall', id: `call_${randomUUID()}`, name, arguments: parse(args) };
    this.end('done', { role: 'assistant', content: [call], stopReason: 'toolUse' });
  }

  failed(text: string): void {
    const idempotencyKey = `${this.runId}:terminal-error`;
    const content = [{ type: 'text', text }];
    this.end('failed', { role: 'assistant', content, stopReason: 'error', idempotencyKey });
  }

  /** The client went away (or the stream broke): OpenClaw aborts the run, no answer. */
  aborted(): void {
    this.end('killed');
  }

  private end(status: SessionState['status'], message?: Omit<TranscriptMessage, 'timestamp'>) {
    if (this.ended || this.cut) return;
    this.ended = true;
    const s = this.session;
    const wasRunning = s.activeRunIds.includes(this.runId);
    s.activeRunIds = s.activeRunIds.filter((id) => id !== this.runId);
    if (wasRunning) {
      if (message) this.book.append(s, { ...message, timestamp: Date.now() }, this.runId);
      s.status = status;
      s.lastRunId = this.runId;
      s.endedAt = Date.now();
      s.abortedLastRun = status === 'killed';
    }
    if (s.inFlight?.runId === this.runId) s.inFlight = undefined;
    if (s.activeRunIds.length === 0) s.cutText = undefined;
    this.release();
  }
}

export class SessionBook {
  private readonly sessions = new Map<string, SessionState>();
  private readonly turns = new Set<Turn>();

  /**
   * Starts a turn of `key`. `queue`: waits until no other turn of the session runs; `refuse`: a
   * busy session answers null at once (OpenClaw's SessionWorkStartChangedError when two turns
   * race); `parallel`: no waiting (the fake's behaviour before issue 12). Null too when `signal`
   * ended while it waited (the client left).
   */
  async begin(
    key: string,
    mode: 'queue' | 'refuse' | 'parallel',
    signal: AbortSignal,
    runId: string,
  ): Promise<Turn | null> {
    const session = this.session(key);
    if (mode === 'parallel') {
      const turn: Turn = new Turn(this, session, runId, () => void this.turns.delete(turn));
      return this.track(turn);
    }
    if (mode === 'refuse' && session.busy) return null;
    const previous = session.tail;
    let resolve!: () => void;
    const mine = new Promise<void>((done) => (resolve = done));
    session.tail = mine;
    session.busy = true;
    await previous;
    const release = (): void => {
      this.turns.delete(turn);
      if (session.tail === mine) session.busy = false;
      resolve();
    };
    const turn = new Turn(this, session, runId, release);
    if (signal.aborted) {
      release();
      return null;
    }
    return this.track(turn);
  }

  private track(turn: Turn): Turn {
    this.turns.add(turn);
    return turn;
  }

  keys(): string[] {
    return [...this.sessions.keys()];
  }

  /** The chat.history payload for `key` (an unknown session answers an empty one). */
  history(key: string, limit = 200): object {
    return sessionView(key, this.sessions.get(key), limit);
  }

  append(session: SessionState, message: TranscriptMessage, runId?: string): void {
    const seq = session.messages.length + 1;
    const meta = {
      id: randomUUID(),
      seq,
      ...(runId ? { runId } : {}),
      recordTimestampMs: Date.now(),
    };
    const idem = message.idempotencyKey ? { idempotencyKey: message.idempotencyKey } : {};
    session.messages.push({ ...message, __openclaw: { ...meta, ...idem } });
    session.updatedAt = Date.now();
  }

  /** A crash: every running turn is cut where it stands; nothing more reaches the transcript. */
  crash(): void {
    const turns = [...this.turns];
    for (const turn of turns) turn.cut = true;
    for (const session of this.sessions.values()) {
      if (session.status === 'running') session.cut = true;
      session.inFlight = undefined;
      session.activeRunIds = [];
      session.pending = [];
    }
    // Wake whoever waited behind a cut turn: their requests died with the crash too.
    for (const turn of turns) turn.release();
  }

  /** After a restart: each cut session gets a recovery run that answers its cut turn. */
  recover(timing: RecoveryTiming, reply: (text: string) => string, signal: AbortSignal): void {
    for (const session of this.sessions.values()) {
      if (!session.cut) continue;
      session.cut = false;
      void this.recoveryRun(session, timing, reply, signal);
    }
  }

  /** As measured: pending input first, then the "[System] …" message, then the answer. */
  private async recoveryRun(
    session: SessionState,
    timing: RecoveryTiming,
    reply: (text: string) => string,
    signal: AbortSignal,
  ): Promise<void> {
    const turn = await this.begin(session.key, 'queue', signal, randomUUID());
    if (!turn) return;
    const cutText = session.cutText ?? '';
    turn.running(false);
    session.abortedLastRun = true;
    const pending: PendingInput = recoveryPending(session.key, turn.runId);
    session.pending = [pending];
    const waited = await quietSleep(timing.pendingMs, signal);
    session.pending = [];
    session.abortedLastRun = false;
    if (!waited || turn.cut) return turn.aborted();
    this.append(session, {
      role: 'user',
      content: RECOVERY_TEXT,
      timestamp: pending.acceptedAt,
      idempotencyKey: `${turn.runId}:user`,
      provenance: pending.message.provenance,
    });
    turn.running();
    if (!(await quietSleep(timing.answerMs, signal)) || turn.cut) return turn.aborted();
    session.cutText = cutText;
    turn.answered(reply(cutText));
  }

  private session(key: string): SessionState {
    let session = this.sessions.get(key);
    if (!session) {
      session = {
        key,
        sessionId: randomUUID(),
        messages: [],
        abortedLastRun: false,
        activeRunIds: [],
        pending: [],
        tail: Promise.resolve(),
        busy: false,
        cut: false,
      };
      this.sessions.set(key, session);
    }
    return session;
  }
}

async function quietSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function parse(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}
