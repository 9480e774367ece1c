import type { ConversationView, TaskError, TaskView } from '../../shared/task.ts';
import { ErrorCodeSchema, LaneSchema, TaskStateSchema } from '../../shared/task.ts';

/** Row shapes of migrations.ts, and their mapping to the views of the IPC contract. */
export interface TaskRow {
  id: string;
  conversation_id: string;
  lane: string;
  state: string;
  prompt: string;
  agent_id: string;
  session_key: string;
  attempts: number;
  failures: number;
  max_attempts: number;
  output: string;
  output_interrupted?: number;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface ConversationRow {
  id: string;
  title: string;
  session_key: string;
  /** Migration 6; NULL for conversations started before it (they use the settings' agent). */
  agent_id: string | null;
  created_at: number;
  updated_at: number;
}

export function conversationView(row: ConversationRow): ConversationView {
  return {
    id: row.id,
    title: row.title,
    agentId: row.agent_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The stored error columns as the contract's error, or null. */
export function errorOf(code: string | null, message: string | null): TaskError | null {
  const parsed = ErrorCodeSchema.safeParse(code);
  return parsed.success ? { code: parsed.data, message: message ?? '' } : null;
}

export function taskView(row: TaskRow): TaskView {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    lane: LaneSchema.parse(row.lane),
    state: TaskStateSchema.parse(row.state),
    agentId: row.agent_id,
    prompt: row.prompt,
    output: row.output,
    ...(row.output_interrupted ? { outputInterrupted: true } : {}),
    error: errorOf(row.error_code, row.error_message),
    attempts: row.attempts,
    failures: row.failures,
    maxAttempts: row.max_attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export const TERMINAL_SQL = `('succeeded', 'failed', 'cancelled', 'timed_out')`;

export const UNFINISHED_SQL = `('queued', 'running', 'paused', 'interrupted')`;
