import type { Lane } from '../../shared/task.ts';
import { SqlStore } from './database.ts';

/**
 * What a task's runs left behind apart from their state (issue 12): whether OpenClaw accepted
 * the turn (so a later run looks in its transcript first), how often a worker died under it,
 * and how long it has waited for an absent gateway or the provider's rate limit.
 */
export class RunLedger extends SqlStore {
  /**
   * OpenClaw accepted this run's request: from now on the turn may be in its session. Kept
   * from the first acceptance on (the transcript is searched from its end); run ids gathered.
   */
  accepted(taskId: string, attempt: number, runId: string | null, at: number): void {
    this.prepare(
      `UPDATE tasks SET sent_at = COALESCE(sent_at, ?),
           run_ids = CASE WHEN ? IS NULL THEN run_ids ELSE json_insert(run_ids, '$[#]', ?) END
         WHERE id = ? AND state = 'running' AND attempts = ?`,
    ).run(at, runId, runId, taskId, attempt);
  }

  /** Worker deaths under this task's runs since the user last retried it. */
  crashes(taskId: string): number {
    const row = this.prepare('SELECT crashes FROM tasks WHERE id = ?').get(taskId) as
      { crashes: number } | undefined;
    return row?.crashes ?? 0;
  }

  /** Time this task has spent on the provider's rate limit so far. */
  rateWaitMs(taskId: string): number {
    const row = this.prepare('SELECT rate_wait_ms AS ms FROM tasks WHERE id = ?').get(taskId) as
      { ms: number } | undefined;
    return row?.ms ?? 0;
  }

  /** Since when this task has waited for an absent gateway, if it has. */
  outageSince(taskId: string): number | null {
    const row = this.prepare('SELECT outage_since AS t FROM tasks WHERE id = ?').get(taskId) as
      { t: number | null } | undefined;
    return row?.t ?? null;
  }

  /**
   * While the gateway has been away since `since`: the queued tasks of `lane` that have waited
   * for it longer than `capMs` — since a run of theirs first found it away, or since they were
   * queued during this outage.
   */
  overdueForGateway(since: number, lane: Lane, capMs: number): string[] {
    const rows = this.prepare(
      `SELECT id FROM tasks
       WHERE state = 'queued' AND lane = ? AND ? - COALESCE(outage_since, MAX(?, updated_at)) > ?
       ORDER BY id`,
    ).all(lane, this.now(), since, capMs) as { id: string }[];
    return rows.map((r) => r.id);
  }
}
