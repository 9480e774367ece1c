import { monotonicFactory } from 'ulid';
import type { Lane, TaskError, TaskState, TaskView, Usage } from '../../shared/task.ts';
import type { Db } from './database.ts';
import { SqlStore } from './database.ts';
import { ConversationStore } from './conversation-store.ts';
import { TaskQueries } from './task-queries.ts';
import type { ClaimedTask } from './task-queue.ts';
import { TaskQueue } from './task-queue.ts';
import { RunLedger } from './task-runs.ts';
import type { TaskRow } from './task-rows.ts';
import { TERMINAL_SQL, UNFINISHED_SQL, taskView } from './task-rows.ts';
import { canTransition, IllegalTransitionError } from './task-state.ts';

export type { ClaimedTask } from './task-queue.ts';

export interface OutputBatchItem {
  taskId: string;
  attempt: number;
  text: string;
  /** The run's first text: it replaces what an earlier run left. */
  replace?: boolean;
}

export interface NewTask {
  conversationId: string;
  prompt: string;
  lane: Lane;
  agentId: string;
  maxAttempts: number;
}

export interface TransitionPatch {
  error?: TaskError | null;
  usage?: Usage | null;
  finishReason?: string | null;
  notBefore?: number;
  /** This run failed (error, crash, interruption): it spends one of the automatic attempts. */
  countFailure?: boolean;
  /** A user's retry: the task gets its automatic attempts back. */
  resetFailures?: boolean;
  /** The run's worker died under it: counted apart from failures (issue 13). */
  countCrash?: boolean;
  /**
   * The gateway was away for this run (issue 12): the task has waited for it since then (the
   * first such time is kept). A real answer, success or failure, or a user's retry clears it.
   */
  outageSince?: number;
  /** Time this run spent on the provider's rate limit (OpenClaw's own retries included). */
  addRateWaitMs?: number;
}

/** Refusals of a submit, with the sentence to show the user. */
export class SubmitRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmitRefused';
  }
}

const LANE_PRIORITY: Record<Lane, number> = { interactive: 0, short: 1, long: 2 };
const FINISHED: readonly TaskState[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];

/**
 * One state change's UPDATE. A run that ends any other way than with its answer leaves its text
 * marked interrupted; counters reset or grow as the patch says.
 */
const TRANSITION_SQL = `UPDATE tasks SET state = ?, updated_at = ?, finished_at = ?,
         error_code = ?, error_message = ?,
         usage_json = COALESCE(?, usage_json), finish_reason = COALESCE(?, finish_reason),
         not_before = ?,
         failures = CASE WHEN ? THEN 0 ELSE failures + ? END,
         crashes = CASE WHEN ? THEN 0 ELSE crashes + ? END,
         rate_wait_ms = CASE WHEN ? THEN 0 ELSE rate_wait_ms + ? END,
         outage_since = CASE WHEN ? IS NOT NULL THEN COALESCE(outage_since, ?)
           WHEN ? = 'succeeded' OR ? OR ? THEN NULL ELSE outage_since END,
         output_interrupted = CASE WHEN ? = 'succeeded' THEN 0
           WHEN state = 'running' AND output <> '' THEN 1 ELSE output_interrupted END
       WHERE id = ?`;

/** The parameters of TRANSITION_SQL, in its order. */
function transitionParams(id: string, to: TaskState, t: number, patch: TransitionPatch): unknown[] {
  return [
    to,
    t,
    FINISHED.includes(to) ? t : null,
    patch.error?.code ?? null,
    patch.error?.message ?? null,
    patch.usage ? JSON.stringify(patch.usage) : null,
    patch.finishReason ?? null,
    patch.notBefore ?? 0,
    patch.resetFailures ? 1 : 0,
    patch.countFailure ? 1 : 0,
    patch.resetFailures ? 1 : 0,
    patch.countCrash ? 1 : 0,
    patch.resetFailures ? 1 : 0,
    Math.max(0, Math.round(patch.addRateWaitMs ?? 0)),
    patch.outageSince ?? null,
    patch.outageSince ?? null,
    to,
    patch.resetFailures ? 1 : 0,
    patch.countFailure ? 1 : 0,
    to,
    id,
  ];
}

/**
 * All SQL of tasks and conversations, behind a typed interface. Each state change is one
 * transaction that checks the current state first, so an illegal transition throws instead
 * of overwriting (DESIGN.md "Tasks").
 */
export class TaskStore extends SqlStore {
  readonly conversations: ConversationStore;
  private readonly newId = monotonicFactory();

  readonly queries: TaskQueries;
  readonly queue: TaskQueue;
  readonly runs: RunLedger;

  constructor(db: Db, now: () => number = Date.now) {
    super(db, now);
    this.conversations = new ConversationStore(db, now, this.newId);
    this.queries = new TaskQueries(db, now);
    this.queue = new TaskQueue(db, now);
    this.runs = new RunLedger(db, now);
  }

  /**
   * Inserts a queued task; returns only after the transaction has committed. Refused (and
   * nothing written) when `maxUnfinished` tasks are already waiting or running.
   */
  submit(task: NewTask, maxUnfinished = Number.POSITIVE_INFINITY): TaskView {
    const id = this.newId();
    const t = this.now();
    this.db.transaction(() => {
      const conversation = this.conversations.get(task.conversationId);
      if (!conversation)
        throw new SubmitRefused(`conversation ${task.conversationId} does not exist`);
      const unfinished = this.countUnfinished();
      if (unfinished >= maxUnfinished) {
        throw new SubmitRefused(
          `the queue is full: ${unfinished} tasks are unfinished (limit ${maxUnfinished}); ` +
            'wait for some to finish or cancel some',
        );
      }
      this.prepare(
        `INSERT INTO tasks (id, conversation_id, lane, priority, state, prompt, agent_id, session_key,
             max_attempts, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        task.conversationId,
        task.lane,
        LANE_PRIORITY[task.lane],
        task.prompt,
        task.agentId,
        conversation.sessionKey,
        task.maxAttempts,
        t,
        t,
      );
      this.conversations.touch(task.conversationId, t);
    })();
    return this.get(id) as TaskView;
  }

  countUnfinished(): number {
    const row = this.db
      // Listing the unfinished states (not excluding the finished ones) lets SQLite use the
      // queue index instead of scanning every finished task kept for the retention period.
      .prepare(`SELECT COUNT(*) AS n FROM tasks WHERE state IN ${UNFINISHED_SQL}`)
      .get() as { n: number };
    return row.n;
  }

  get(id: string): TaskView | undefined {
    const row = this.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
    return row && taskView(row);
  }

  listByConversation(conversationId: string): TaskView[] {
    const rows = this.prepare('SELECT * FROM tasks WHERE conversation_id = ? ORDER BY id').all(
      conversationId,
    ) as TaskRow[];
    return rows.map(taskView);
  }

  hasRunnable(): boolean {
    return this.queue.hasRunnable();
  }

  claimNext(focusedConversation: string | null = null): ClaimedTask | undefined {
    return this.queue.claimNext(focusedConversation);
  }

  nextWakeAt(): number | undefined {
    return this.queue.nextWakeAt();
  }

  /**
   * Streamed text checkpoint: appends, guarded by attempt so a stale worker writes nothing. A
   * run's first text (`replace`) takes the place of what an earlier, cut run left.
   */
  appendOutput(batch: ReadonlyArray<OutputBatchItem>): void {
    const stmt = this.prepare(
      `UPDATE tasks SET output = CASE WHEN ? THEN ? ELSE output || ? END,
           output_interrupted = CASE WHEN ? THEN 0 ELSE output_interrupted END, updated_at = ?
       WHERE id = ? AND state = 'running' AND attempts = ?`,
    );
    this.db.transaction(() => {
      const t = this.now();
      for (const { taskId, attempt, text, replace } of batch) {
        const first = replace ? 1 : 0;
        stmt.run(first, text, text, first, t, taskId, attempt);
      }
    })();
  }

  /**
   * One state change in one transaction. `expect` guards against stale actors: when given, the
   * task must currently be in that state and (for running tasks) on that run, or nothing
   * happens and undefined is returned. Otherwise an illegal move throws and changes nothing.
   */
  transition(
    id: string,
    to: TaskState,
    patch: TransitionPatch = {},
    expect?: { state: TaskState; attempt?: number },
  ): TaskView | undefined {
    return this.db.transaction(() => {
      const row = this.prepare('SELECT state, attempts FROM tasks WHERE id = ?').get(id) as
        { state: TaskState; attempts: number } | undefined;
      if (!row) throw new Error(`task ${id} does not exist`);
      const stale =
        expect &&
        (row.state !== expect.state ||
          (expect.attempt !== undefined && row.attempts !== expect.attempt));
      if (stale) return undefined;
      if (!canTransition(row.state, to)) throw new IllegalTransitionError(id, row.state, to);
      const t = this.now();
      this.prepare(TRANSITION_SQL).run(...transitionParams(id, to, t, patch));
      return this.get(id);
    })();
  }

  /**
   * Whatever is running becomes `interrupted`, its text so far marked so: at a graceful
   * shutdown, or at start-up after ClawDesk itself died. Neither spends an attempt: it was not
   * the task's fault (issue 13).
   */
  interruptRunning(): string[] {
    return this.db.transaction(() => {
      const rows = this.prepare(`SELECT id FROM tasks WHERE state = 'running'`).all() as {
        id: string;
      }[];
      this.prepare(
        `UPDATE tasks SET state = 'interrupted', updated_at = ?,
             output_interrupted = CASE WHEN output <> '' THEN 1 ELSE output_interrupted END
           WHERE state = 'running'`,
      ).run(this.now());
      return rows.map((r) => r.id);
    })();
  }

  /**
   * Start-up: what was running when ClawDesk stopped goes back in line, first of its
   * conversation as before. A run OpenClaw had accepted is looked up in its transcript before
   * anything is sent again (see TaskQueue.claimNext).
   */
  recoverInterrupted(): void {
    this.interruptRunning();
    for (const { id } of this.listInterrupted()) this.transition(id, 'queued');
  }

  /** Interrupted tasks, oldest first, with whether they have automatic attempts left. */
  listInterrupted(): { id: string; attemptsLeft: boolean }[] {
    const rows = this.prepare(
      `SELECT id, failures < max_attempts AS has_left FROM tasks WHERE state = 'interrupted' ORDER BY id`,
    ).all() as { id: string; has_left: number }[];
    return rows.map((r) => ({ id: r.id, attemptsLeft: r.has_left === 1 }));
  }

  /** True while failures (this one included, once counted) stay under max attempts. */
  attemptsLeft(id: string, pendingFailure = 0): boolean {
    const row = this.prepare('SELECT failures, max_attempts FROM tasks WHERE id = ?').get(id) as
      { failures: number; max_attempts: number } | undefined;
    return row !== undefined && row.failures + pendingFailure < row.max_attempts;
  }

  /** Deletes finished tasks older than `before` (DESIGN.md: results kept 7 days). */
  sweepFinished(before: number): number {
    return this.prepare(
      `DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ? AND state IN ${TERMINAL_SQL}`,
    ).run(before).changes;
  }
}
