import type { TaskEvent } from '../../shared/ipc-contract.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { GatewayHealth } from './gateway-health.ts';
import type { HealthProbe } from './gateway-health.ts';
import { failOverdueForGateway } from './gateway-waits.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { CoreSettings } from './settings.ts';
import type { StorageGuard } from './storage-guard.ts';
import type { TaskStore } from './task-store.ts';
import { UpstreamGate } from './upstream-gate.ts';

/**
 * The upstream side of the core, split from createCore: the shared rate limiter, the circuit
 * breaker and the gateway's health, behind the gate the scheduler asks for a slot.
 */
export interface Upstream {
  limiter: RateLimiter;
  gate: UpstreamGate;
  health: GatewayHealth;
}

export interface UpstreamDeps {
  settings: CoreSettings;
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
  const { settings, log } = deps;
  const limiter = new RateLimiter(settings.rateLimit, {
    providerPauseMs: settings.providerPauseMs,
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
