import type { Lane } from '../../shared/task.ts';
import { LaneSchema } from '../../shared/task.ts';
import { SqlStore } from './database.ts';
import type { TaskRow } from './task-rows.ts';

/** What a worker needs to run a task, read in the same transaction that claims it. */
export interface ClaimedTask {
  id: string;
  conversationId: string;
  lane: Lane;
  prompt: string;
  agentId: string;
  sessionKey: string;
  attempt: number;
  /**
   * OpenClaw accepted an earlier run of this turn (epoch ms) and gave it these run ids: the
   * turn may be in its transcript already, so the worker looks there before sending it again.
   */
  resume?: { since: number; runIds: string[] };
}

/**
 * A queued task may start only when its conversation has nothing before it: OpenClaw runs one
 * turn per session at a time (a second request on a busy session is queued silently inside
 * OpenClaw or refused while starting), so a conversation's messages go one after the other, in
 * the order sent. Nothing else of its conversation may be running (a paused message resumed
 * later waits for the one that started meanwhile), and no earlier message may still be queued
 * or interrupted. Paused, failed and finished messages do not hold the line.
 *
 * `t` is the candidate's alias. The running conversations are a handful, looked up once per
 * query, which rules out the usual blocked candidates cheaply; the partial index
 * tasks_unfinished_turns answers the rest.
 */
const TURN_IS_FREE = `t.conversation_id NOT IN (SELECT conversation_id FROM tasks WHERE state = 'running')
  AND NOT EXISTS (
    SELECT 1 FROM tasks p
    WHERE p.conversation_id = t.conversation_id AND p.id < t.id
      AND p.state IN ('queued', 'running', 'interrupted'))`;

/** Runnable now, in lane order then age: walks tasks_queued_order and stops at the first. */
const NEXT = `SELECT * FROM tasks t INDEXED BY tasks_queued_order
  WHERE state = 'queued' AND not_before <= ? AND ${TURN_IS_FREE}
  ORDER BY priority, id LIMIT 1`;

/** The focused conversation's own runnable message, if it has one. */
const FOCUSED = `SELECT * FROM tasks t WHERE conversation_id = ? AND state = 'queued'
  AND not_before <= ? AND ${TURN_IS_FREE} ORDER BY id LIMIT 1`;

/** The queue: which task runs next, when to look again, where each one stands. */
export class TaskQueue extends SqlStore {
  hasRunnable(): boolean {
    return this.prepare(NEXT).get(this.now()) !== undefined;
  }

  /**
   * The next runnable task (by lane priority, the focused conversation first, then age) moves
   * to `running` with its run counted, in one transaction. The text of the previous run stays
   * until the new run's first text replaces it: a cut run's text is not lost from view.
   */
  claimNext(focusedConversation: string | null = null): ClaimedTask | undefined {
    return this.atomically(() => {
      const row = this.next(focusedConversation);
      if (!row) return undefined;
      const t = this.now();
      // Time in line after the provider's rate limit sent it back counts towards its cap.
      this.prepare(
        `UPDATE tasks SET state = 'running', attempts = attempts + 1, started_at = ?, updated_at = ?,
             rate_wait_ms = rate_wait_ms +
               CASE WHEN error_code = 'rate_limited' THEN MAX(0, ? - updated_at) ELSE 0 END
           WHERE id = ?`,
      ).run(t, t, t, row.id);
      return claimed(row);
    });
  }

  /**
   * The next runnable task: the first by lane priority then age, except that the focused
   * conversation's message goes first within its lane (two index walks, no sort of the queue).
   */
  private next(focused: string | null): (TaskRow & ResumeColumns) | undefined {
    const now = this.now();
    const first = this.prepare(NEXT).get(now) as (TaskRow & ResumeColumns) | undefined;
    if (!first || focused === null || first.conversation_id === focused) return first;
    const mine = this.prepare(FOCUSED).get(focused, now) as (TaskRow & ResumeColumns) | undefined;
    return mine && mine.priority <= first.priority ? mine : first;
  }

  /** Earliest `not_before` among queued tasks waiting for a back-off, if any. */
  nextWakeAt(): number | undefined {
    const row = this.prepare(
      `SELECT MIN(not_before) AS t FROM tasks WHERE state = 'queued' AND not_before > ?`,
    ).get(this.now()) as { t: number | null };
    return row.t ?? undefined;
  }

  /**
   * Place in line (1 = next) of each queued task given; others are left out. A task held by an
   * earlier message of its conversation also names the nearest one and how many are ahead.
   */
  queuePositions(taskIds: readonly string[]): QueuePlace[] {
    const place = this.prepare(
      `SELECT t.id AS taskId, t.conversation_id AS conversationId,
         1 + (SELECT COUNT(*) FROM tasks q WHERE q.state = 'queued'
           AND (q.priority < t.priority OR (q.priority = t.priority AND q.id < t.id))) AS position
       FROM tasks t WHERE t.id = ? AND t.state = 'queued'`,
    );
    const ahead = this.prepare(
      `SELECT p.id FROM tasks p
       WHERE p.conversation_id = ? AND p.id <> ? AND p.state IN ('queued', 'running', 'interrupted')
         AND (p.state = 'running' OR p.id < ?)
       ORDER BY p.id DESC`,
    );
    const slots: QueuePlace[] = [];
    for (const id of taskIds) {
      const row = place.get(id) as
        { taskId: string; conversationId: string; position: number } | undefined;
      if (!row) continue;
      const before = ahead.all(row.conversationId, id, id) as { id: string }[];
      const slot: QueuePlace = { taskId: row.taskId, position: row.position };
      if (before[0]) Object.assign(slot, { afterTaskId: before[0].id, turnAhead: before.length });
      slots.push(slot);
    }
    return slots;
  }
}

export interface QueuePlace {
  taskId: string;
  position: number;
  afterTaskId?: string;
  turnAhead?: number;
}

/** Columns of a claimed row beyond TaskRow: lane order and what OpenClaw already has. */
interface ResumeColumns {
  priority: number;
  sent_at: number | null;
  run_ids: string;
}

function claimed(row: TaskRow & ResumeColumns): ClaimedTask {
  const task: ClaimedTask = {
    id: row.id,
    conversationId: row.conversation_id,
    lane: LaneSchema.parse(row.lane),
    prompt: row.prompt,
    agentId: row.agent_id,
    sessionKey: row.session_key,
    attempt: row.attempts + 1,
  };
  if (row.sent_at !== null) task.resume = { since: row.sent_at, runIds: runIdsOf(row.run_ids) };
  return task;
}

/** The stored JSON list of run ids; anything else (a hand-edited file) counts as none. */
export function runIdsOf(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
