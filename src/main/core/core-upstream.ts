import { resolve } from 'node:path';
import type { TaskEvent } from '../../shared/ipc-contract.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { GatewayHealth } from './gateway-health.ts';
import type { HealthProbe } from './gateway-health.ts';
import { failOverdueForGateway } from './gateway-waits.ts';
import { installIdentity } from './budget-config.ts';
import { BudgetSwitch } from './budget-switch.ts';
import type { CoreSettings } from './settings.ts';
import type { SettingsStore } from './settings-store.ts';
import type { StorageGuard } from './storage-guard.ts';
import type { TaskStore } from './task-store.ts';
import { UpstreamGate } from './upstream-gate.ts';

/**
 * The upstream side of the core, split from createCore: the shared rate limiter, the circuit
 * breaker and the gateway's health, behind the gate the scheduler asks for a slot.
 */
export interface Upstream {
  /** Local, or shared with the user's other installs through Redis (issue 15). */
  limiter: BudgetSwitch;
  gate: UpstreamGate;
  health: GatewayHealth;
}

export interface UpstreamDeps {
  settings: CoreSettings;
  /** The data folder: part of this install's identity in a shared budget. */
  dataDir: string;
  /** Keeps how many installs shared the budget when Redis was last reached. */
  settingsStore: SettingsStore;
  store: TaskStore;
  storage: StorageGuard;
  emit: (event: TaskEvent) => void;
  /** Looks for a task that may start now (the scheduler's pump). */
  pump: () => void;
  /** Tells the UI a task changed (the scheduler's view of it). */
  emitTask: (taskId: string) => void;
  healthProbe?: HealthProbe;
  log: (line: string) => void;
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

export function createUpstream(deps: UpstreamDeps): Upstream {
  const { settings, log, settingsStore, storage } = deps;
  // Shared through Redis once the saved settings (or the environment) say so (issue 15).
  const limiter = new BudgetSwitch({
    settings: settings.rateLimit,
    limiter: { providerPauseMs: settings.providerPauseMs },
    sharing: { ...settings.sharedBudget, enabled: false },
    install: installIdentity(resolve(deps.dataDir)),
    lastSeenInstalls: settingsStore.lastSeenInstalls(),
    rememberInstalls: (count) => storage.attempt(() => settingsStore.rememberInstalls(count)),
    log,
  });
  const breaker = new CircuitBreaker(settings.breaker);
  // A unit back in the window or a slot freed may let a task start: look at once (coalesced).
  // The UI hears of it at most a few times a second.
  let pumpQueued = false;
  const emitUpstream = throttle(UPSTREAM_EVENT_MS, () =>
    deps.emit({ type: 'upstream', status: gate.status() }),
  );
  const upstreamChanged = (): void => {
    emitUpstream();
    if (pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      deps.pump();
    });
  };
  const waits = { ...deps, settings: () => settings, health: () => health };
  const health: GatewayHealth = new GatewayHealth({
    url: () => settings.gateway.url,
    ...(deps.healthProbe ? { probe: deps.healthProbe } : {}),
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
  return { limiter, gate, health };
}
