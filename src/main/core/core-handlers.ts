import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type { ApiHandlers } from './api-dispatcher.ts';
import { ApiRefusal } from './api-dispatcher.ts';
import { chatHandlers } from './chat-handlers.ts';
import type { Upstream } from './core-upstream.ts';
import { gatewayHandlers } from './gateway-handlers.ts';
import { monitorHandlers, resourceProbe } from './monitor-handlers.ts';
import type { ResourceGuard } from './resource-guard.ts';
import type { Scheduler } from './scheduler.ts';
import type { SettingsDeps } from './settings-handlers.ts';
import { settingsHandlers } from './settings-handlers.ts';
import type { CoreSettings } from './settings.ts';
import type { StorageGuard } from './storage-guard.ts';
import { applyTaskAction } from './task-actions.ts';
import type { TaskStore } from './task-store.ts';

/** What the command table reaches: the core's parts, made by createCore. */
export interface HandlerDeps {
  store: TaskStore;
  scheduler: Scheduler;
  settings: CoreSettings;
  settingsDeps: SettingsDeps;
  upstream: Pick<Upstream, 'gate' | 'limiter'>;
  storage: StorageGuard;
  guard: ResourceGuard;
  dataDir: string;
  emit: (event: TaskEvent) => void;
  now: () => number;
}

/** The command table of the IPC contract: one handler per method, most from their modules. */
export function coreHandlers(deps: HandlerDeps): ApiHandlers {
  const { store, scheduler, settings } = deps;
  const { gate, limiter } = deps.upstream;
  return {
    ...chatHandlers({ store, scheduler, settings, emit: deps.emit, now: deps.now }),
    'tasks.pause': ({ taskId }) => applyTaskAction(store, scheduler, 'pause', taskId),
    'tasks.resume': ({ taskId }) => applyTaskAction(store, scheduler, 'resume', taskId),
    'tasks.cancel': ({ taskId }) => applyTaskAction(store, scheduler, 'cancel', taskId),
    'tasks.retry': ({ taskId }) => applyTaskAction(store, scheduler, 'retry', taskId),
    'tasks.approve': ({ taskId, toolCallId, approved }) => {
      scheduler.approve(taskId, toolCallId, approved);
      const task = store.get(taskId);
      if (!task) throw new ApiRefusal('not_found', `task ${taskId} does not exist`);
      return scheduler.live(task);
    },
    'upstream.status': () => gate.status(),
    'queue.positions': ({ taskIds }) => {
      const ahead = gate.status().limiter.waiting;
      return store.queue.queuePositions(taskIds).map((place) => ({
        ...place,
        etaMs: limiter.etaMs(ahead + place.position),
      }));
    },
    'ui.focus': ({ conversationId }) => {
      scheduler.focus(conversationId);
      return {};
    },
    ...monitorHandlers(store, scheduler),
    ...settingsHandlers(deps.settingsDeps),
    ...gatewayHandlers(settings),
    'system.resources': resourceProbe(deps.dataDir, scheduler, deps.guard),
    'storage.status': () => ({ problem: deps.storage.problem() }),
  };
}
