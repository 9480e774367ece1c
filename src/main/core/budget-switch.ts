import type { InstallIdentity, SharedBudgetSettings } from './budget-config.ts';
import { pausePolicy, type PausePolicy } from './limiter-pause.ts';
import { Waits, type Wait } from './budget-waits.ts';
import { Listeners } from './listeners.ts';
import type {
  Grant,
  Limiter,
  RateLimiterOptions,
  RateLimiterStatus,
  RateLimitSettings,
  SharedBudgetStatus,
} from './rate-limit-types.ts';
import { checkSettings } from './rate-limit-types.ts';
import { RateLimiter } from './rate-limiter.ts';
import { LEASE_MS, SharedBudget } from './shared-budget.ts';
import {
  offlineSeeds,
  ownUse,
  shareOf,
  sharedBudgetStatus,
  sharedCanStart,
  sharedEta,
  sharedLimiterStatus,
} from './shared-limits.ts';
import { OwnGrants, type OwnGrant } from './own-grants.ts';

export type BudgetMode = 'local' | 'connecting' | 'shared' | 'offline';

export interface BudgetSwitchOptions {
  settings: RateLimitSettings;
  limiter?: RateLimiterOptions;
  sharing: SharedBudgetSettings;
  /** Its id, and the name it shows when Settings names none (host name and data folder). */
  install: InstallIdentity;
  /** Installs seen when Redis was last reached (kept in SQLite): the share if it is away at start. */
  lastSeenInstalls?: number;
  rememberInstalls?: (count: number) => void;
  log?: (line: string) => void;
  leaseMs?: number;
}

/**
 * The upstream budget of this install (issue 15). Without sharing it is the local limiter. With
 * sharing it is the budget kept in Redis, and while Redis cannot be reached, a local limiter
 * holding this install's share: the limit divided by the installs last seen. That limiter starts
 * with every start the shared window held (all installs'), the shared pause and this install's
 * calls in flight, so the switch lets no burst through; back in Redis, this install's starts,
 * calls and pause go back in, and waiting calls move over, in their order.
 */
export class BudgetSwitch implements Limiter {
  private settings: RateLimitSettings;
  private readonly opts: BudgetSwitchOptions;
  private readonly policy: PausePolicy;
  private mode: BudgetMode = 'local';
  private local: RateLimiter;
  private shared: SharedBudget | null = null;
  private sharing: SharedBudgetSettings;
  private readonly own = new OwnGrants();
  private readonly pending = new Waits();
  private readonly listeners = new Listeners();
  private offline: { since: number; reason: string } | null = null;
  private remembered: number;
  private synced = false;
  private stopped = false;
  private leaving: Promise<void> = Promise.resolve();

  constructor(opts: BudgetSwitchOptions) {
    this.opts = opts;
    this.settings = checkSettings({ ...opts.settings });
    this.policy = pausePolicy(opts.limiter ?? {});
    this.remembered = Math.max(1, opts.lastSeenInstalls ?? 1);
    this.sharing = { ...opts.sharing };
    this.local = this.freshLocal(this.settings, []);
    if (this.sharing.enabled) this.connect();
  }

  budgetMode(): BudgetMode {
    return this.mode;
  }

  acquire(priority: number, signal?: AbortSignal): Promise<Grant> {
    if (this.stopped) return Promise.reject(new Error('rate limiter stopped'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const submit = (w: Wait) => this.submit(w);
    return this.pending.add(priority, signal, submit, () => this.changed());
  }

  canStartNow(pending = 0): boolean {
    if (this.stopped || this.mode === 'connecting') return false;
    if (this.mode !== 'shared' || !this.shared) return this.local.canStartNow(pending);
    return sharedCanStart(this.shared.view, this.settings, this.pending.size + pending);
  }

  status(): RateLimiterStatus {
    if (this.mode === 'local') return this.local.status();
    const shared = this.sharedStatus();
    if (this.mode === 'offline') return { ...this.local.status(), shared };
    return { ...sharedLimiterStatus(this.shared!.view, this.settings, this.pending.size), shared };
  }

  etaMs(position: number): number {
    if (this.mode === 'local' || this.mode === 'offline') return this.local.etaMs(position);
    return sharedEta(this.shared!.view, this.settings, position);
  }

  onChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  /** Starts of this install before a restart (from SQLite): they count wherever it runs locally. */
  restoreSpent(startTimes: readonly number[]): void {
    this.own.restore(startTimes, this.settings.windowMs);
    if (this.mode === 'local' || this.mode === 'offline') this.local.restoreSpent(startTimes);
  }

  updateSettings(patch: Partial<RateLimitSettings>): void {
    this.settings = checkSettings({ ...this.settings, ...patch });
    if (this.mode === 'local') this.local.updateSettings(this.settings);
    if (this.mode === 'offline') this.local.updateSettings(shareOf(this.settings, this.installs()));
    if (this.mode === 'shared') this.shared?.poke();
    this.changed();
  }

  /** Sharing turned on or off, or another Redis, budget or name: takes effect at once. */
  configure(sharing: SharedBudgetSettings): void {
    const same = JSON.stringify(sharing) === JSON.stringify(this.sharing);
    if (same || this.stopped) return;
    this.sharing = { ...sharing };
    const old = this.shared;
    this.shared = null;
    this.synced = false;
    this.offline = null;
    void old?.stop(this.own.held());
    const recent = this.own.recentStarts(this.settings.windowMs);
    if (sharing.enabled) this.connect();
    else this.moveTo('local', this.freshLocal(this.settings, recent));
    this.changed();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pending.rejectAll(new Error('rate limiter stopped'));
    this.leaving = this.shared?.stop(this.own.held()) ?? Promise.resolve();
    this.local.stop();
    this.listeners.clear();
  }

  /** After stop(): resolves once the others were told (no share is held back for a clean stop). */
  closed(): Promise<void> {
    return this.leaving;
  }

  /** Waits hold still until the first answer from Redis (or its absence) says where to go. */
  private connect(): void {
    this.mode = 'connecting';
    this.rebind();
    this.pending.moveAll((w) => this.submit(w));
    this.shared = new SharedBudget({
      url: this.sharing.url,
      budget: this.sharing.name,
      install: this.identity(),
      limits: () => this.settings,
      policy: this.policy,
      own: () => ownUse(this.own, this.mode === 'offline' ? this.local : null, this.settings),
      onOnline: (online, reason) => (online ? this.toShared() : this.toOffline(reason)),
      onView: () => this.viewChanged(),
      unsent: (o, at) => this.mode === 'offline' && this.local.noteOutcome(o, at),
      log: this.opts.log ?? (() => {}),
      leaseMs: this.opts.leaseMs ?? LEASE_MS,
    });
  }

  private toShared(): void {
    if (this.stopped || !this.shared) return;
    this.synced = true;
    this.offline = null;
    this.local.stop();
    this.moveTo('shared', this.local);
  }

  private toOffline(reason: string | null): void {
    if (this.stopped || !this.shared || this.mode === 'offline') return;
    const v = this.shared.view;
    const spent = offlineSeeds(this.synced ? v : null, this.own, this.settings.windowMs);
    const local = this.freshLocal(shareOf(this.settings, this.installs()), spent);
    const until = this.synced ? v.pausedUntil() : null;
    if (until !== null) local.hold(until, v.pauseCause ?? 'gateway');
    this.offline = { since: Date.now(), reason: reason ?? 'Redis unreachable' };
    this.moveTo('offline', local);
  }

  /** Makes `local` the limiter of `mode`, hands it the calls in flight, moves the waits. */
  private moveTo(mode: BudgetMode, local: RateLimiter): void {
    if (local !== this.local) this.local.stop();
    this.local = local;
    this.mode = mode;
    this.rebind();
    this.pending.moveAll((w) => this.submit(w));
    this.changed();
  }

  /** Points every call in flight at the backend of the current mode. */
  private rebind(): void {
    const shared = this.mode === 'shared' ? this.shared : null;
    const local = this.mode === 'local' || this.mode === 'offline' ? this.local : null;
    this.own.rebind((g) => {
      if (shared) return shared.slotOf(g);
      if (!local) return { free: () => {}, reach: () => {} };
      const end = local.adopt();
      return { free: (o) => (end(), local.noteOutcome(o, g.startedAt)), reach: () => {} };
    });
  }

  private submit(p: Wait): void {
    if (this.mode === 'connecting' || this.stopped) return ((p.inner = null), undefined);
    const inner = (p.inner = new AbortController());
    const shared = this.mode === 'shared' ? this.shared : null;
    if (shared) {
      shared.acquire(p.priority, inner.signal).then(
        ({ member, startedAt }) =>
          this.granted(p, inner, member, startedAt, (g) => shared.slotOf(g)),
        () => {}, // moved or aborted: it is someone else's now
      );
      return;
    }
    this.local.acquire(p.priority, inner.signal).then(
      (grant) =>
        this.granted(p, inner, this.own.newId(this.opts.install.id), grant.startedAt, () => ({
          free: (o) => grant.release(o),
          reach: (at) => grant.reachedUpstream(at),
        })),
      () => {},
    );
  }

  private granted(
    p: Wait,
    inner: AbortController,
    id: string,
    startedAt: number,
    bind: (g: OwnGrant) => Pick<OwnGrant, 'free' | 'reach'>,
  ): void {
    const record = this.own.add(id, startedAt, bind);
    if (!this.pending.claim(p, inner)) {
      record.release({ kind: 'aborted' }); // it moved or was aborted while this came
      return;
    }
    p.resolve(this.own.grantOf(record, () => this.changed()));
    this.changed();
  }

  private viewChanged(): void {
    const k = this.shared?.view.installCount ?? this.remembered;
    if (this.mode === 'shared' && k !== this.remembered) {
      this.remembered = k;
      this.opts.rememberInstalls?.(k);
    }
    this.changed();
  }

  /** Installs to divide the limit by: as last seen in Redis, or as remembered from before. */
  private installs(): number {
    return this.synced && this.shared ? this.shared.view.installCount : this.remembered;
  }

  private sharedStatus(): SharedBudgetStatus {
    return sharedBudgetStatus({
      mode: this.mode === 'local' ? 'connecting' : this.mode,
      sharing: this.sharing,
      view: this.shared?.view ?? null,
      own: this.own,
      install: this.identity(),
      limits: this.settings,
      installs: this.installs(),
      offline: this.offline,
      leaseMs: this.opts.leaseMs ?? LEASE_MS,
    });
  }

  private identity(): InstallIdentity {
    return {
      id: this.opts.install.id,
      name: this.sharing.installName.trim() || this.opts.install.name,
    };
  }

  private freshLocal(limits: RateLimitSettings, spent: readonly number[]): RateLimiter {
    const local = new RateLimiter(limits, this.opts.limiter ?? {});
    local.restoreSpent(spent);
    local.onChange(() => this.changed());
    return local;
  }

  private changed(): void {
    this.listeners.emit();
  }
}
