import type { TaskSummary } from '../../shared/monitor.ts';
import type { Lane, TaskState, TaskView } from '../../shared/task.ts';
import { LaneSchema, TaskStateSchema } from '../../shared/task.ts';
import { SqlStore } from './database.ts';
import type { TaskRow } from './task-rows.ts';
import { errorOf, taskView } from './task-rows.ts';

export interface TaskFilter {
  states?: TaskState[];
  lanes?: Lane[];
  agents?: string[];
  search?: string;
  before?: string;
  limit?: number;
}

interface SummaryRow {
  id: string;
  conversation_id: string;
  lane: string;
  state: string;
  agent_id: string;
  head: string;
  attempts: number;
  failures: number;
  max_attempts: number;
  output_chars: number;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  started_at: number | null;
  updated_at: number;
  finished_at: number | null;
}

const TITLE_CHARS = 160;

/** Reads over many tasks: the monitor's list, places in line, the response cache. */
export class TaskQueries extends SqlStore {
  /** Newest first, filtered; `total` counts every match, not only this page. */
  list(filter: TaskFilter): { tasks: TaskSummary[]; total: number } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.states?.length) {
      where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
      args.push(...filter.states);
    }
    if (filter.lanes?.length) {
      where.push(`lane IN (${filter.lanes.map(() => '?').join(', ')})`);
      args.push(...filter.lanes);
    }
    if (filter.agents?.length) {
      where.push(`agent_id IN (${filter.agents.map(() => '?').join(', ')})`);
      args.push(...filter.agents);
    }
    const search = filter.search?.trim();
    if (search) {
      const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(`(prompt LIKE ? ESCAPE '\\' OR output LIKE ? ESCAPE '\\')`);
      args.push(like, like);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (
      this.prepare(`SELECT COUNT(*) AS n FROM tasks ${clause}`).get(...args) as {
        n: number;
      }
    ).n;
    const page = filter.before ? [...where, 'id < ?'] : where;
    const pageArgs = filter.before ? [...args, filter.before] : args;
    const rows = this.prepare(
      `SELECT id, conversation_id, lane, state, agent_id, substr(prompt, 1, 400) AS head, attempts, failures,
         max_attempts, length(output) AS output_chars, error_code, error_message, created_at,
         started_at, updated_at, finished_at
       FROM tasks ${page.length ? `WHERE ${page.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT ?`,
    ).all(...pageArgs, filter.limit ?? 1000) as SummaryRow[];
    return { tasks: rows.map(summary), total };
  }

  /**
   * One page of a conversation, oldest first: its latest `limit` tasks, or the `limit` just
   * before task `before`. Walks the (conversation_id, id) index backwards from `before`, so a
   * page costs the same at the start of a long conversation as at its end.
   */
  historyPage(conversationId: string, page: { limit?: number; before?: string }): TaskView[] {
    const rows = (
      page.before === undefined
        ? this.prepare(
            'SELECT * FROM tasks WHERE conversation_id = ? ORDER BY id DESC LIMIT ?',
          ).all(conversationId, page.limit ?? -1)
        : this.prepare(
            'SELECT * FROM tasks WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?',
          ).all(conversationId, page.before, page.limit ?? -1)
    ) as TaskRow[];
    return rows.reverse().map(taskView);
  }

  /** The conversation a task belongs to; undefined when there is no such task. */
  conversationOf(taskId: string): string | undefined {
    const row = this.prepare('SELECT conversation_id FROM tasks WHERE id = ?').get(taskId) as
      { conversation_id: string } | undefined;
    return row?.conversation_id;
  }

  /** When runs started since `since` (what the rate window still counts after a restart). */
  startsSince(since: number): number[] {
    const rows = this.prepare('SELECT started_at AS t FROM tasks WHERE started_at > ?').all(
      since,
    ) as {
      t: number;
    }[];
    return rows.map((r) => r.t);
  }

  /** Ids of the tasks in these states (bulk actions). */
  idsIn(states: readonly TaskState[]): string[] {
    const rows = this.prepare(
      `SELECT id FROM tasks WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY id`,
    ).all(...states) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * Answers a just-submitted task from an identical finished one (same agent, session and
   * message, finished after `since`): queued → running → succeeded in one transaction.
   */
  answerFromCache(taskId: string, since: number): TaskView | undefined {
    return this.atomically(() => {
      const hit = this.prepare(
        `SELECT c.output, c.id FROM tasks t JOIN tasks c
           ON c.agent_id = t.agent_id AND c.session_key = t.session_key AND c.prompt = t.prompt
         WHERE t.id = ? AND t.state = 'queued' AND c.id <> t.id AND c.state = 'succeeded'
           AND c.finished_at >= ?
         ORDER BY c.finished_at DESC LIMIT 1`,
      ).get(taskId, since) as { output: string; id: string } | undefined;
      if (!hit) return undefined;
      const t = this.now();
      this.prepare(
        `UPDATE tasks SET state = 'succeeded', output = ?, finish_reason = 'cached',
           started_at = ?, finished_at = ?, updated_at = ?
         WHERE id = ?`,
      ).run(hit.output, t, t, t, taskId);
      return this.get(taskId);
    });
  }

  private get(id: string): TaskView | undefined {
    const row = this.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
    return row && taskView(row);
  }
}

function summary(row: SummaryRow): TaskSummary {
  const line = row.head.trim().split('\n')[0] ?? '';
  return {
    id: row.id,
    conversationId: row.conversation_id,
    lane: LaneSchema.parse(row.lane),
    state: TaskStateSchema.parse(row.state),
    agentId: row.agent_id,
    title: line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line,
    attempts: row.attempts,
    failures: row.failures,
    maxAttempts: row.max_attempts,
    outputChars: row.output_chars,
    error: errorOf(row.error_code, row.error_message),
    createdAt: row.created_at,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}
