import type { Lane } from '../../shared/task.ts';
import { LaneSchema } from '../../shared/task.ts';
import type { GatewayHealth } from './gateway-health.ts';
import type { CoreSettings } from './settings.ts';
import type { StorageGuard } from './storage-guard.ts';
import type { TaskStore } from './task-store.ts';

export interface GatewayWaitDeps {
  store: TaskStore;
  storage: StorageGuard;
  settings: () => CoreSettings;
  health: () => GatewayHealth;
  emitTask: (taskId: string) => void;
  log: (line: string) => void;
}

/**
 * What an outage does to the tasks waiting it out (issue 12): they spend no attempt, and one
 * that has waited longer than its lane's cap fails with the reason. Called by the gateway's
 * health probe after each look that found it still away.
 */
export function failOverdueForGateway(deps: GatewayWaitDeps, since: number): void {
  const caps = deps.settings().waitCaps.gatewayMs;
  for (const lane of LaneSchema.options) failOverdue(deps, since, lane, caps[lane]);
}

function failOverdue(deps: GatewayWaitDeps, since: number, lane: Lane, capMs: number): void {
  const { store, storage } = deps;
  const ids = storage.attempt(() => store.runs.overdueForGateway(since, lane, capMs)) ?? [];
  if (ids.length === 0) return;
  const { origin, reason } = deps.health().status();
  const message = gatewayGaveUp(origin, capMs, reason);
  for (const id of ids) {
    const error = { code: 'gateway_unreachable' as const, message };
    const failed = storage.attempt(() =>
      store.transition(id, 'failed', { error }, { state: 'queued' }),
    );
    if (failed) deps.emitTask(id);
  }
  deps.log(`${ids.length} ${lane} task(s) failed after waiting ${hours(capMs)} for the gateway`);
}

/** Why a task stopped waiting for the gateway, and what to do. */
export function gatewayGaveUp(origin: string, capMs: number, reason: string | null): string {
  return (
    `the gateway at ${origin} did not answer for ${hours(capMs)}` +
    `${reason ? ` (${reason})` : ''}; no attempt was spent on it. ` +
    'Start OpenClaw (or check the gateway URL in Settings), then press Retry.'
  );
}

/** "1 h", "90 min", "24 h": caps are whole minutes. */
function hours(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}
