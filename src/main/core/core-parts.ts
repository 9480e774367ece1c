import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type { UserSettings } from '../../shared/settings.ts';
import type { Upstream } from './core-upstream.ts';
import { createUpstream } from './core-upstream.ts';
import type { Db } from './database.ts';
import type { HealthProbe } from './gateway-health.ts';
import { openStorage } from './open-storage.ts';
import { makePrivate } from './private-data.ts';
import type { ResourceReader } from './resource-guard.ts';
import { ResourceGuard } from './resource-guard.ts';
import { Scheduler } from './scheduler.ts';
import type { SecretStore } from './secret-store.ts';
import type { CoreSettings } from './settings.ts';
import { SettingsStore } from './settings-store.ts';
import { StorageGuard } from './storage-guard.ts';
import { TaskStore } from './task-store.ts';
import type { SpawnWorker } from './worker-port.ts';
import { ToolCallStore } from './tool-runs.ts';
import type { ToolSandboxStatus } from './tool-sandbox.ts';
import { toolSandbox } from './tool-sandbox.ts';

/**
 * The core's parts and how they are wired, split from createCore (core.ts): storage, events,
 * the resource guard, the upstream side and the scheduler.
 */
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
  /** Tests only: how the gateway's health is probed (default: GET /startupz, then /health). */
  healthProbe?: HealthProbe;
  /** Tests only: what the resource guard reads instead of the process and the disk. */
  resourceReader?: ResourceReader;
}

/** The listeners of the core's events; one that throws is logged, the others still hear. */
function createEvents(log: (line: string) => void) {
  const listeners = new Set<(event: TaskEvent) => void>();
  return {
    emit(event: TaskEvent): void {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (err) {
          log(`event listener failed: ${String(err)}`);
        }
      }
    },
    onEvent(listener: (event: TaskEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The exec tools' sandbox and folders. Returns what makes the workspace: the data folder's
 * `workspace` unless the user chose another, made again whenever the settings change.
 */
function setUpTools(
  settings: CoreSettings,
  dataDir: string,
  sandbox: ToolSandboxStatus | undefined,
  log: (line: string) => void,
): () => void {
  // Before the saved settings load: whether exec tools may be "allow" depends on it.
  settings.tools.sandbox = sandbox ?? toolSandbox();
  settings.tools.hidden = [resolve(dataDir)];
  return () => {
    settings.tools.workspace ||= join(dataDir, 'workspace');
    try {
      if (settings.tools.enabled) mkdirSync(settings.tools.workspace, { recursive: true });
    } catch (err) {
      // A read-only data folder must not stop the history from opening; the tools say so.
      log(`cannot create the tools workspace: ${String(err)}`);
    }
  };
}

interface StorageDeps {
  db: Db;
  dataDir: string;
  readOnlyBecause: string | null;
  settings: CoreSettings;
  emit: (event: TaskEvent) => void;
  pump: () => void;
  log: (line: string) => void;
}

/** Watches the data folder's disk; a database opened read-only says so from the start. */
function startStorageGuard(deps: StorageDeps): StorageGuard {
  const storage = new StorageGuard({
    db: deps.db,
    folder: deps.dataDir,
    probeEveryMs: deps.settings.storageProbeMs,
    emit: deps.emit,
    log: deps.log,
    recovered: deps.pump,
  });
  if (deps.readOnlyBecause) storage.openedReadOnly(deps.readOnlyBecause);
  else storage.checkAtStart();
  return storage;
}

/** Removes finished tasks past the retention period: now, then every `sweepEveryMs`. */
export function startSweeps(
  store: TaskStore,
  storage: StorageGuard,
  settings: CoreSettings,
  now: () => number,
  log: (line: string) => void,
): NodeJS.Timeout {
  const sweep = (): void => {
    // Skipped while the disk is in trouble (the next round sweeps); never worth a crash.
    const swept = storage.attempt(() => store.sweepFinished(now() - settings.retentionMs)) ?? 0;
    if (swept > 0) log(`swept ${swept} finished tasks older than the retention period`);
  };
  sweep();
  const timer = setInterval(sweep, settings.sweepEveryMs);
  timer.unref();
  return timer;
}

/** The core's parts, wired to one another; settings are loaded into them afterwards. */
export interface CoreParts {
  settings: CoreSettings;
  /** The one store of the user's settings (and of the installs last seen sharing a budget). */
  settingsStore: SettingsStore;
  dataDir: string;
  prepareWorkspace: () => void;
  db: Db;
  store: TaskStore;
  events: ReturnType<typeof createEvents>;
  storage: StorageGuard;
  guard: ResourceGuard;
  upstream: Upstream;
  scheduler: Scheduler;
  pump: () => void;
}

function startResourceGuard(
  options: CoreOptions,
  parts: Pick<CoreParts, 'dataDir' | 'events'>,
  log: (line: string) => void,
  now: () => number,
): ResourceGuard {
  const { settings } = options;
  return new ResourceGuard({
    folder: parts.dataDir,
    limits: () => settings.guard,
    everyMs: settings.guardEveryMs,
    emit: parts.events.emit,
    log,
    now,
    ...(options.resourceReader ? { reader: options.resourceReader } : {}),
  });
}

/** The scheduler: queued tasks to workers, within the upstream gate's budget. */
function startScheduler(
  options: CoreOptions,
  parts: Pick<CoreParts, 'store' | 'storage' | 'upstream' | 'db'> & {
    emit: (event: TaskEvent) => void;
  },
  now: () => number,
  log: (line: string) => void,
): Scheduler {
  const { settings } = options;
  return new Scheduler({
    store: parts.store,
    storage: parts.storage,
    emit: parts.emit,
    log,
    settings: () => settings,
    spawnWorker: options.spawnWorker,
    budget: parts.upstream.gate,
    toolCalls: new ToolCallStore(parts.db, now),
  });
}

export function openCoreParts(
  options: CoreOptions,
  log: (line: string) => void,
  now: () => number,
): CoreParts {
  const { settings, healthProbe } = options;
  const dataDir = dirname(options.dbPath);
  const prepareWorkspace = setUpTools(settings, dataDir, options.toolSandbox, log);
  makePrivate(options.dbPath, log);
  const { db, readOnlyBecause } = openStorage(options.dbPath, options.onDatabaseOpen);
  const store = new TaskStore(db);
  const events = createEvents(log);
  const { emit } = events;
  // The parts below call back into the scheduler, which needs them first: bound late.
  const late: { scheduler?: Scheduler } = {};
  const pump = (): void => late.scheduler?.pump();
  const storage = startStorageGuard({ db, dataDir, readOnlyBecause, settings, emit, pump, log });
  const guard = startResourceGuard(options, { dataDir, events }, log, now);
  const emitTask = (taskId: string): void => late.scheduler?.emitTask(taskId);
  const settingsStore = new SettingsStore(db, now);
  const upstream = createUpstream({
    settings,
    dataDir,
    settingsStore,
    store,
    storage,
    emit,
    pump,
    emitTask,
    log,
    ...(healthProbe ? { healthProbe } : {}),
  });
  const scheduler = startScheduler(options, { store, storage, emit, upstream, db }, now, log);
  late.scheduler = scheduler;
  return {
    settings,
    settingsStore,
    dataDir,
    prepareWorkspace,
    db,
    store,
    events,
    storage,
    guard,
    upstream,
    scheduler,
    pump,
  };
}
