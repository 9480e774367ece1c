import { monotonicFactory } from 'ulid';
import type { Db } from './database.ts';
import { canTransition, IllegalTransitionError } from './task-state.ts';
import type {
  ConversationView,
  Lane,
  TaskError,
  TaskState,
  TaskView,
  Usage,
} from '../../shared/task.ts';
import { TaskStateSchema, LaneSchema, ErrorCodeSchema } from '../../shared/task.ts';

interface TaskRow {
  id: string;
  conversation_id: string;
  lane: string;
  state: string;
  prompt: string;
  agent_id: string;
  session_key: string;
  attempts: number;
  max_attempts: number;
  output: string;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

interface ConversationRow {
  id: string;
  title: string;
  session_key: string;
  created_at: number;
  updated_at: number;
}

/** What a worker needs to run a task, read in the same transaction that claims it. */
export interface ClaimedTask {
  id: string;
  conversationId: string;
  prompt: string;
  agentId: string;
  sessionKey: string;
  attempt: number;
}

export interface NewTask {
  conversationId: string;
  prompt: string;
  lane: Lane;
  agentId: string;
  maxAttempts: number;
}

const LANE_PRIORITY: Record<Lane, number> = { interactive: 0, short: 1, long: 2 };

/**
 * All SQL of tasks and conversations, behind a typed interface. Each state change is one
 * transaction that checks the current state first, so an illegal transition throws instead
 * of overwriting (DESIGN.md "Tasks").
 */
export class TaskStore {
  private readonly db: Db;
  private readonly newId = monotonicFactory();
  private readonly now: () => number;

  constructor(db: Db, now: () => number = Date.now) {
    this.db = db;
    this.now = now;
  }

  createConversation(title: string): ConversationView {
    const id = this.newId();
    const t = this.now();
    this.db
      .prepare(
        'INSERT INTO conversations (id, title, session_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(id, title, `clawdesk:${id}`, t, t);
    return { id, title, createdAt: t, updatedAt: t };
  }

  getConversation(id: string): (ConversationView & { sessionKey: string }) | undefined {
    const row = this.db.prepare('SELECT * FROM conversations WHERE id = ?').get(id) as
      ConversationRow | undefined;
    return row && { ...conversationView(row), sessionKey: row.session_key };
  }

  listConversations(): ConversationView[] {
    const rows = this.db
      .prepare('SELECT * FROM conversations ORDER BY updated_at DESC, id DESC')
      .all() as ConversationRow[];
    return rows.map(conversationView);
  }

  /** Inserts a queued task; returns only after the transaction has committed. */
  submit(task: NewTask): TaskView {
    const id = this.newId();
    const t = this.now();
    const conversation = this.getConversation(task.conversationId);
    if (!conversation) throw new Error(`conversation ${task.conversationId} does not exist`);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO tasks (id, conversation_id, lane, priority, state, prompt, agent_id, session_key,
             max_attempts, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`,
        )
        .run(
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
      this.db
        .prepare('UPDATE conversations SET updated_at = ? WHERE id = ?')
        .run(t, task.conversationId);
    })();
    return this.get(id) as TaskView;
  }

  get(id: string): TaskView | undefined {
    const row = this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
    return row && taskView(row);
  }

  listByConversation(conversationId: string): TaskView[] {
    const rows = this.db
      .prepare('SELECT * FROM tasks WHERE conversation_id = ? ORDER BY id')
      .all(conversationId) as TaskRow[];
    return rows.map(taskView);
  }

  /** The next runnable task moves to `running` with its attempt counted, in one transaction. */
  claimNext(): ClaimedTask | undefined {
    return this.db.transaction(() => {
      const row = this.db
        .prepare(
          `SELECT * FROM tasks WHERE state = 'queued' AND not_before <= ?
           ORDER BY priority, id LIMIT 1`,
        )
        .get(this.now()) as TaskRow | undefined;
      if (!row) return undefined;
      const t = this.now();
      this.db
        .prepare(
          `UPDATE tasks SET state = 'running', attempts = attempts + 1, output = '', started_at = ?,
             updated_at = ?
           WHERE id = ?`,
        )
        .run(t, t, row.id);
      return {
        id: row.id,
        conversationId: row.conversation_id,
        prompt: row.prompt,
        agentId: row.agent_id,
        sessionKey: row.session_key,
        attempt: row.attempts + 1,
      };
    })();
  }

  hasRunnable(): boolean {
    return (
      this.db
        .prepare(`SELECT 1 FROM tasks WHERE state = 'queued' AND not_before <= ? LIMIT 1`)
        .get(this.now()) !== undefined
    );
  }

  /** Earliest `not_before` among queued tasks waiting for a back-off, if any. */
  nextWakeAt(): number | undefined {
    const row = this.db
      .prepare(`SELECT MIN(not_before) AS t FROM tasks WHERE state = 'queued' AND not_before > ?`)
      .get(this.now()) as { t: number | null };
    return row.t ?? undefined;
  }

  /** Streamed text checkpoint: appends, guarded by attempt so a stale worker writes nothing. */
  appendOutput(batch: ReadonlyArray<{ taskId: string; attempt: number; text: string }>): void {
    const stmt = this.db.prepare(
      `UPDATE tasks SET output = output || ?, updated_at = ?
       WHERE id = ? AND state = 'running' AND attempts = ?`,
    );
    this.db.transaction(() => {
      const t = this.now();
      for (const { taskId, attempt, text } of batch) stmt.run(text, t, taskId, attempt);
    })();
  }

  /**
   * One state change in one transaction. `expect` guards against stale actors: when given, the
   * task must currently be in that state and (for running tasks) on that attempt, or nothing
   * happens and undefined is returned. Without a matching expectation an illegal move throws.
   */
  transition(
    id: string,
    to: TaskState,
    patch: TransitionPatch = {},
    expect?: { state: TaskState; attempt?: number },
  ): TaskView | undefined {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT state, attempts FROM tasks WHERE id = ?').get(id) as
        { state: TaskState; attempts: number } | undefined;
      if (!row) throw new Error(`task ${id} does not exist`);
      if (
        expect &&
        (row.state !== expect.state ||
          (expect.attempt !== undefined && row.attempts !== expect.attempt))
      ) {
        return undefined;
      }
      if (!canTransition(row.state, to)) throw new IllegalTransitionError(id, row.state, to);
      const t = this.now();
      const finished =
        to === 'succeeded' || to === 'failed' || to === 'cancelled' || to === 'timed_out';
      this.db
        .prepare(
          `UPDATE tasks SET state = ?, updated_at = ?, finished_at = ?,
             error_code = ?, error_message = ?,
             usage_json = COALESCE(?, usage_json), finish_reason = COALESCE(?, finish_reason),
             not_before = ?
           WHERE id = ?`,
        )
        .run(
          to,
          t,
          finished ? t : null,
          patch.error?.code ?? null,
          patch.error?.message ?? null,
          patch.usage ? JSON.stringify(patch.usage) : null,
          patch.finishReason ?? null,
          patch.notBefore ?? 0,
          id,
        );
      return this.get(id);
    })();
  }

  /** Start-up recovery: whatever was running when the process died is interrupted. */
  markRunningInterrupted(): string[] {
    return this.db.transaction(() => {
      const ids = (
        this.db.prepare(`SELECT id FROM tasks WHERE state = 'running'`).all() as { id: string }[]
      ).map((r) => r.id);
      this.db
        .prepare(`UPDATE tasks SET state = 'interrupted', updated_at = ? WHERE state = 'running'`)
        .run(this.now());
      return ids;
    })();
  }

  attemptsLeft(id: string): boolean {
    const row = this.db.prepare('SELECT attempts, max_attempts FROM tasks WHERE id = ?').get(id) as
      { attempts: number; max_attempts: number } | undefined;
    return row !== undefined && row.attempts < row.max_attempts;
  }
}

export interface TransitionPatch {
  error?: TaskError | null;
  usage?: Usage | null;
  finishReason?: string | null;
  notBefore?: number;
}

function conversationView(row: ConversationRow): ConversationView {
  return { id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at };
}

function taskView(row: TaskRow): TaskView {
  const code = ErrorCodeSchema.safeParse(row.error_code);
  return {
    id: row.id,
    conversationId: row.conversation_id,
    lane: LaneSchema.parse(row.lane),
    state: TaskStateSchema.parse(row.state),
    prompt: row.prompt,
    output: row.output,
    error: code.success ? { code: code.data, message: row.error_message ?? '' } : null,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}
