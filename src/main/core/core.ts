import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ApiMethod, ApiOutcome, TaskEvent } from '../../shared/ipc-contract.ts';
import type { UserSettings } from '../../shared/settings.ts';
import type { ApiHandlers } from './api-dispatcher.ts';
import { ApiRefusal, dispatch } from './api-dispatcher.ts';
import { chatHandlers } from './chat-handlers.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { Db } from './database.ts';
import { GatewayHealth } from './gateway-health.ts';
import type { HealthProbe } from './gateway-health.ts';
import { failOverdueForGateway } from './gateway-waits.ts';
import { gatewayHandlers } from './gateway-handlers.ts';
import { monitorHandlers, resourceProbe } from './monitor-handlers.ts';
import { openStorage } from './open-storage.ts';
import { makePrivate } from './private-data.ts';
import { installIdentity } from './budget-config.ts';
import { BudgetSwitch } from './budget-switch.ts';
import type { ResourceReader } from './resource-guard.ts';
import { ResourceGuard } from './resource-guard.ts';
import { Scheduler } from './scheduler.ts';
import type { SecretStore } from './secret-store.ts';
import { memorySecrets } from './secret-store.ts';
import type { SettingsDeps } from './settings-handlers.ts';
import { loadSettings, settingsHandlers } from './settings-handlers.ts';
import { SettingsStore } from './settings-store.ts';
import type { CoreSettings } from './settings.ts';
import { guardWrites, StorageGuard } from './storage-guard.ts';
import { applyTaskAction } from './task-actions.ts';
import { TaskStore } from './task-store.ts';
import type { SpawnWorker } from './worker-port.ts';
import { UpstreamGate } from './upstream-gate.ts';
import { ToolCallStore } from './tool-runs.ts';
import type { ToolSandboxStatus } from './tool-sandbox.ts';
import { toolSandbox } from './tool-sandbox.ts';

export interface ClawDeskCore {
  /** Validates method + params against apiContract and runs it; never throws. */
  dispatch(method: string, params: unknown): Promise<ApiOutcome<ApiMethod>>;
  onEvent(listener: (event: TaskEvent) => void): () => void;
  /** Graceful: stop scheduling, checkpoint, interrupt running tasks, end workers, close db. */
  close(): Promise<void>;
}

export interface CoreOptions {
  dbPath: string;
  settings: CoreSettings;
  spawnWorker: SpawnWorker;
  log?: (line: string) => void;
  /** The clock of retention sweeps; tests move it. */
  now?: () => number;
  /** Where the gateway token is kept; in memory (from `settings`) when not given. */
  secrets?: SecretStore;
  /** The OS sandbox for exec tools; probed on this machine (once per process) when not given. */
  toolSandbox?: ToolSandboxStatus;
  /** Settings given at launch (flags, environment): they win over saved ones. */
  pinned?: Partial<UserSettings>;
  /**
   * Tests only: sees each connection before anything is written, to simulate disk trouble
   * with SQLite itself (`max_page_count`, `query_only`), which root's permissions cannot.
   */
  onDatabaseOpen?: (db: Db) => void;
  /** Tests only: how the gateway's health is probed (default: GET /readyz, then /health). */
  healthProbe?: HealthProbe;
  /** Tests only: what the resource guard reads instead of the process and the disk. */
  resourceReader?: ResourceReader;
}

/** Upstream status changes with every grant; the UI needs a few updates a second at most. */
const UPSTREAM_EVENT_MS = 200;

/** Runs `fn` at most once per `ms`, trailing: the last change always gets through. */
function throttle(ms: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
    timer.unref();
  };
}

/**
 * The main-process core, the same under Electron and plain Node: SQLite store, scheduler and
 * worker pool, behind the command table of the IPC contract.
 */
export function createCore(options: CoreOptions): ClawDeskCore {
  const log = options.log ?? ((line: string) => console.error(`[clawdesk] ${line}`));
  const now = options.now ?? Date.now;
  const settings = options.settings;
  const dataDir = dirname(options.dbPath);
  // Before the saved settings load: whether exec tools may be "allow" depends on it.
  settings.tools.sandbox = options.toolSandbox ?? toolSandbox();
  settings.tools.hidden = [resolve(dataDir)];
  // Tools work in the data folder's `workspace` unless the user chose another folder.
  const prepareWorkspace = (): void => {
    settings.tools.workspace ||= join(dataDir, 'workspace');
    try {
      if (settings.tools.enabled) mkdirSync(settings.tools.workspace, { recursive: true });
    } catch (err) {
      // A read-only data folder must not stop the history from opening; the tools say so.
      log(`cannot create the tools workspace: ${String(err)}`);
    }
  };
  makePrivate(options.dbPath, log);
  const { db, readOnlyBecause } = openStorage(options.dbPath, options.onDatabaseOpen);
  const store = new TaskStore(db);
  const listeners = new Set<(event: TaskEvent) => void>();
  const emit = (event: TaskEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        log(`event listener failed: ${String(err)}`);
      }
    }
  };
  const settingsStore = new SettingsStore(db, now);
  // Shared through Redis once the saved settings (or the environment) say so (issue 15).
  const limiter = new BudgetSwitch({
    settings: settings.rateLimit,
    limiter: { providerPauseMs: settings.providerPauseMs },
    sharing: { ...settings.sharedBudget, enabled: false },
    install: installIdentity(resolve(dataDir)),
    lastSeenInstalls: settingsStore.lastSeenInstalls(),
    rememberInstalls: (count) => storage.attempt(() => settingsStore.rememberInstalls(count)),
    log,
  });
  const breaker = new CircuitBreaker(settings.breaker);
  // A unit back in the window or a slot freed may let a task start: look at once (coalesced).
  // The UI hears of it at most a few times a second. Both run later, once `scheduler` is set.
  let pumpQueued = false;
  const emitUpstream = throttle(UPSTREAM_EVENT_MS, () =>
    emit({ type: 'upstream', status: gate.status() }),
  );
  const upstreamChanged = (): void => {
    emitUpstream();
    if (pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      scheduler.pump();
    });
  };
  const storage = new StorageGuard({
    db,
    folder: dataDir,
    probeEveryMs: settings.storageProbeMs,
    emit,
    log,
    recovered: () => scheduler.pump(),
  });
  if (readOnlyBecause) storage.openedReadOnly(readOnlyBecause);
  else storage.checkAtStart();
  const guard = new ResourceGuard({
    folder: dataDir,
    limits: () => settings.guard,
    everyMs: settings.guardEveryMs,
    emit,
    log,
    now,
    ...(options.resourceReader ? { reader: options.resourceReader } : {}),
  });
  const waits = {
    store,
    storage,
    settings: () => settings,
    health: () => health,
    emitTask: (taskId: string) => scheduler.emitTask(taskId),
    log,
  };
  const health: GatewayHealth = new GatewayHealth({
    url: () => settings.gateway.url,
    ...(options.healthProbe ? { probe: options.healthProbe } : {}),
    onChange: upstreamChanged,
    onStillDown: (since) => failOverdueForGateway(waits, since),
    log,
    ...settings.healthProbe,
  });
  const gate = new UpstreamGate(
    { limiter, breaker, health },
    settings.authRetryMs,
    upstreamChanged,
  );
  limiter.onChange(upstreamChanged);
  breaker.onChange(upstreamChanged);
  const scheduler: Scheduler = new Scheduler({
    store,
    settings: () => settings,
    spawnWorker: options.spawnWorker,
    budget: gate,
    storage,
    toolCalls: new ToolCallStore(db, now),
    emit,
    log,
  });
  const settingsDeps: SettingsDeps = {
    settings,
    store: settingsStore,
    secrets: options.secrets ?? memorySecrets(settings.gateway.token || null),
    limiter,
    emit,
    changed: (tokenChanged) => {
      prepareWorkspace();
      health.configChanged();
      if (tokenChanged) gate.tokenChanged();
      guard.check(); // new limits apply at once
      scheduler.pump();
    },
  };
  loadSettings(settingsDeps, options.pinned);
  prepareWorkspace();
  limiter.restoreSpent(store.queries.startsSince(now() - settings.rateLimit.windowMs));
  scheduler.recover();

  const sweep = (): void => {
    // Skipped while the disk is in trouble (the next round sweeps); never worth a crash.
    const swept = storage.attempt(() => store.sweepFinished(now() - settings.retentionMs)) ?? 0;
    if (swept > 0) log(`swept ${swept} finished tasks older than the retention period`);
  };
  sweep();
  const sweepTimer = setInterval(sweep, settings.sweepEveryMs);
  sweepTimer.unref();

  const handlers: ApiHandlers = {
    ...chatHandlers({ store, scheduler, settings, emit, now }),
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
    ...settingsHandlers(settingsDeps),
    ...gatewayHandlers(settings),
    'system.resources': resourceProbe(dataDir, scheduler, guard),
    'storage.status': () => ({ problem: storage.problem() }),
  };

  // Commands that write are refused with the reason while ClawDesk cannot save (issue 7).
  const guarded = guardWrites(handlers, storage);

  setImmediate(() => scheduler.pump());
  let closing: Promise<void> | undefined;
  return {
    dispatch: (method, params) => dispatch(guarded, method, params, log),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      clearInterval(sweepTimer);
      closing ??= scheduler.stop().finally(async () => {
        gate.stop();
        await limiter.closed(); // the shared budget's goodbye, a second at most
        guard.stop();
        storage.stop();
        db.close();
      });
      return closing;
    },
  };
}
