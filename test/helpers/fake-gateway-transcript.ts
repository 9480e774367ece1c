/**
 * The shapes of the fake gateway's transcripts: what OpenClaw 2026.9.6's `chat.history` returns
 * for a session (messages, pendingInputs, sessionInfo, inFlightRun), trimmed to the fields a
 * client reads. Measured in test/openclaw/observe-*.test.ts; see docs/openclaw-behaviour.md.
 */
import { randomUUID } from 'node:crypto';

export interface TranscriptMessage {
  role: 'user' | 'assistant';
  content: unknown;
  timestamp: number;
  idempotencyKey?: string;
  stopReason?: string;
  provenance?: Record<string, unknown>;
  __openclaw?: Record<string, unknown>;
}

export interface PendingInput {
  id: string;
  acceptedAt: number;
  state: 'queued';
  message: {
    role: 'user';
    content: string;
    timestamp: number;
    provenance: Record<string, unknown>;
    __openclaw: Record<string, unknown>;
  };
  runId: string;
}

export interface SessionState {
  key: string;
  sessionId: string;
  messages: TranscriptMessage[];
  status?: 'running' | 'done' | 'failed' | 'killed';
  abortedLastRun: boolean;
  activeRunIds: string[];
  lastRunId?: string;
  startedAt?: number;
  endedAt?: number;
  updatedAt?: number;
  inFlight?: { runId: string; startedAt: number };
  pending: PendingInput[];
  /** The user text of the turn now running (what a recovery run answers after a crash). */
  cutText?: string;
  /** Resolves when the last turn queued on this session has ended. */
  tail: Promise<void>;
  /** A turn runs or waits. */
  busy: boolean;
  /** A crash cut its running turn; the next start runs a recovery. */
  cut: boolean;
}

export const RECOVERY_TOOL = 'main_session_restart_recovery';

/** The message OpenClaw's restart recovery adds to a cut session (verbatim, 2026.9.6). */
export const RECOVERY_TEXT =
  "[System] Your previous turn was interrupted by a gateway restart while OpenClaw was waiting on tool/model work. The restart did not cancel the user's task. Continue from the existing transcript: check the current state, recover interrupted work, and finish the task without asking the user to repeat the request. Interrupted subagents are not automatically relaunched. Inspect their saved results and current status; continue a retained child session or start a replacement when needed, after confirming the previous execution has stopped. Treat a tool result marked interrupted or missing as having an unknown outcome; verify what happened before repeating an action. If a tool failed, say so; never claim completion or success.";

export function recoveryPending(key: string, runId: string): PendingInput {
  const id = randomUUID();
  const now = Date.now();
  const provenance = { kind: 'internal_system', sourceSessionKey: key, sourceTool: RECOVERY_TOOL };
  return {
    id,
    acceptedAt: now,
    state: 'queued',
    message: {
      role: 'user',
      content: RECOVERY_TEXT,
      timestamp: now,
      provenance,
      __openclaw: { senderIsOwner: false, id: `pending:${id}` },
    },
    runId,
  };
}

/** The `chat.history` payload. */
export function sessionView(key: string, session: SessionState | undefined, limit: number) {
  const messages = session?.messages ?? [];
  const shown = limit > 0 ? messages.slice(-limit) : [];
  const base = {
    key,
    kind: 'direct',
    agentId: key.split(':')[1] ?? 'main',
    hasActiveRun: (session?.activeRunIds.length ?? 0) > 0,
    activeRunIds: [...(session?.activeRunIds ?? [])],
  };
  const sessionInfo = session?.status
    ? {
        ...base,
        sessionId: session.sessionId,
        updatedAt: session.updatedAt ?? null,
        status: session.status,
        abortedLastRun: session.abortedLastRun,
        startedAt: session.startedAt,
        endedAt: session.status === 'running' ? undefined : session.endedAt,
        lastRunId: session.lastRunId,
      }
    : { ...base, updatedAt: null };
  return {
    sessionKey: key,
    ...(session?.status ? { sessionId: session.sessionId } : {}),
    messages: shown,
    pendingInputs: { items: [...(session?.pending ?? [])], total: session?.pending.length ?? 0 },
    hasMore: shown.length < messages.length,
    totalMessages: messages.length,
    sessionInfo,
    ...(session?.inFlight
      ? { inFlightRun: { ...session.inFlight, text: '', sessionAbortable: true } }
      : {}),
  };
}
