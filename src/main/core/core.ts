import type { ApiMethod, ApiOutcome, TaskEvent } from '../../shared/ipc-contract.ts';
import type { ApiHandlers } from './api-dispatcher.ts';
import { dispatch } from './api-dispatcher.ts';
import { coreHandlers } from './core-handlers.ts';
import type { CoreOptions, CoreParts } from './core-parts.ts';
import { openCoreParts, startSweeps } from './core-parts.ts';
import type { SecretStore } from './secret-store.ts';
import { memorySecrets } from './secret-store.ts';
import type { SettingsDeps } from './settings-handlers.ts';
import { loadSettings } from './settings-handlers.ts';
import { guardWrites } from './storage-guard.ts';

export type { CoreOptions } from './core-parts.ts';

export interface ClawDeskCore {
  /** Validates method + params against apiContract and runs it; never throws. */
  dispatch(method: string, params: unknown): Promise<ApiOutcome<ApiMethod>>;
  onEvent(listener: (event: TaskEvent) => void): () => void;
  /** Graceful: stop scheduling, checkpoint, interrupt running tasks, end workers, close db. */
  close(): Promise<void>;
}
/** Where the user's settings are kept, and what a change of them reaches. */
function settingsDepsOf(core: CoreParts, secrets: SecretStore | undefined): SettingsDeps {
  const { settings, upstream } = core;
  return {
    settings,
    store: core.settingsStore,
    secrets: secrets ?? memorySecrets(settings.gateway.token || null),
    limiter: upstream.limiter,
    emit: core.events.emit,
    changed: (tokenChanged) => {
      core.prepareWorkspace();
      upstream.health.configChanged();
      if (tokenChanged) upstream.gate.tokenChanged();
      core.guard.check(); // new limits apply at once
      core.pump();
    },
  };
}

/** The handle hosts hold: the command table, the events, and a graceful close. */
function coreHandle(
  core: CoreParts,
  handlers: ApiHandlers,
  sweepTimer: NodeJS.Timeout,
  log: (line: string) => void,
): ClawDeskCore {
  let closing: Promise<void> | undefined;
  return {
    dispatch: (method, params) => dispatch(handlers, method, params, log),
    onEvent: core.events.onEvent,
    close() {
      clearInterval(sweepTimer);
      closing ??= core.scheduler.stop().finally(async () => {
        core.upstream.gate.stop();
        await core.upstream.limiter.closed(); // the shared budget's goodbye, a second at most
        core.guard.stop();
        core.storage.stop();
        core.db.close();
      });
      return closing;
    },
  };
}

/**
 * The main-process core, the same under Electron and plain Node: SQLite store, scheduler and
 * worker pool, behind the command table of the IPC contract.
 */
export function createCore(options: CoreOptions): ClawDeskCore {
  const log = options.log ?? ((line: string) => console.error(`[clawdesk] ${line}`));
  const now = options.now ?? Date.now;
  const core = openCoreParts(options, log, now);
  const { settings, store, scheduler, storage } = core;
  const settingsDeps = settingsDepsOf(core, options.secrets);
  loadSettings(settingsDeps, options.pinned);
  core.prepareWorkspace();
  core.upstream.limiter.restoreSpent(
    store.queries.startsSince(now() - settings.rateLimit.windowMs),
  );
  scheduler.recover();
  const sweepTimer = startSweeps(store, storage, settings, now, log);
  const handlers = coreHandlers({ ...core, settingsDeps, emit: core.events.emit, now });
  setImmediate(core.pump);
  // Commands that write are refused with the reason while ClawDesk cannot save (issue 7).
  return coreHandle(core, guardWrites(handlers, storage), sweepTimer, log);
}
