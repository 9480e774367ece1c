import type { SharedBudgetSettings } from '../../shared/settings.ts';
import type { SharedBudgetStatus } from '../../shared/upstream.ts';
import { redisServerOf } from './budget-config.ts';
import type { OwnGrants } from './own-grants.ts';
import type { Limiter, RateLimiterStatus, RateLimitSettings } from './rate-limit-types.ts';
import type { OwnUse } from './shared-budget.ts';
import type { SharedView } from './shared-budget-view.ts';
import { etaMs } from './sliding-window.ts';

/** This install's part of the limits while Redis is away: the limit ÷ installs, at least 1. */
export function shareOf(limits: RateLimitSettings, installs: number): RateLimitSettings {
  const k = Math.max(1, installs);
  return {
    perWindow: Math.max(1, Math.floor(limits.perWindow / k)),
    windowMs: limits.windowMs,
    maxConcurrent: Math.max(1, Math.floor(limits.maxConcurrent / k)),
  };
}

/**
 * Whether a call of this install could start in the shared budget now, counting its own waits
 * and `pending` calls about to ask. Other installs' waits are not counted: a more urgent call
 * of this install goes before them in Redis's queue, so it must be able to join it.
 */
export function sharedCanStart(v: SharedView, limits: RateLimitSettings, ahead: number): boolean {
  if (v.pausedUntil() !== null) return false;
  const units = limits.perWindow - v.reserved - v.starts(limits.windowMs).length;
  return units - ahead > 0 && limits.maxConcurrent - v.leases - ahead > 0;
}

/** The limiter's figures for every install together. */
export function sharedLimiterStatus(
  v: SharedView,
  limits: RateLimitSettings,
  waitingHere: number,
): Omit<RateLimiterStatus, 'shared'> {
  const pausedUntil = v.pausedUntil();
  return {
    startsInWindow: v.starts(limits.windowMs).length,
    perWindow: limits.perWindow,
    windowMs: limits.windowMs,
    running: v.leases,
    maxConcurrent: limits.maxConcurrent,
    waiting: Math.max(v.queue, waitingHere),
    pausedUntil,
    pauseCause: pausedUntil === null ? null : v.pauseCause,
  };
}

/** Rough wait before the `position`-th next start of the shared budget (see `etaMs`). */
export function sharedEta(v: SharedView, limits: RateLimitSettings, position: number): number {
  const { perWindow, windowMs } = limits;
  const input = { now: Date.now(), windowMs, spent: v.starts(windowMs) };
  const perInstalls = Math.max(1, perWindow - v.reserved);
  return etaMs({ ...input, perWindow: perInstalls, pausedUntil: v.pausedUntil() }, position);
}

/**
 * What the local share starts with when Redis goes away: every start the shared window held
 * when it was last heard (all installs'), this install's own (a call not answered yet counts
 * from now: the provider may only now get it) and its starts from before a restart.
 */
export function offlineSeeds(v: SharedView | null, own: OwnGrants, windowMs: number): number[] {
  const seeds = new Map<string, number>();
  if (v) for (const [member, at] of v.entries(windowMs)) seeds.set(member, at);
  for (const [id, at] of own.recentEntries(windowMs)) seeds.set(id, at);
  for (const id of own.unreached()) seeds.set(id, Date.now());
  return [...seeds.values(), ...own.restoredStarts(windowMs)];
}

/** For the heartbeat: what this install holds and spent, and the pause it kept while offline. */
export function ownUse(own: OwnGrants, offline: Limiter | null, limits: RateLimitSettings): OwnUse {
  const local = offline?.status() ?? null;
  const until = local?.pausedUntil ?? null;
  const cause = local?.pauseCause ?? 'gateway';
  const pause = until === null ? null : { leftMs: Math.max(0, until - Date.now()), cause };
  return { ...own.use(limits.windowMs), pause };
}

export interface SharedStatusInput {
  mode: 'connecting' | 'shared' | 'offline';
  sharing: SharedBudgetSettings;
  view: SharedView | null;
  own: OwnGrants;
  install: { id: string; name: string };
  limits: RateLimitSettings;
  installs: number;
  offline: { since: number; reason: string } | null;
  leaseMs: number;
}

/** The shared budget for the limiter strip and the monitor. */
export function sharedBudgetStatus(s: SharedStatusInput): SharedBudgetStatus {
  const w = s.limits.windowMs;
  const forget = Math.max(w, 60_000);
  const installs = s.view ? s.view.members(s.install.id, w, s.leaseMs, forget) : [];
  if (!installs.some((i) => i.self)) {
    const startsInWindow = s.own.recentStarts(w).length;
    const mine = { self: true, live: true, startsInWindow, running: s.own.held().length };
    installs.unshift({ name: s.install.name, ...mine });
  }
  return {
    state: s.mode,
    budget: s.sharing.name,
    server: redisServerOf(s.sharing.url),
    share: s.mode === 'offline' ? shareOf(s.limits, s.installs) : null,
    offlineSince: s.offline?.since ?? null,
    reason: s.offline?.reason ?? null,
    reserved: s.mode === 'shared' ? (s.view?.reserved ?? 0) : 0,
    installs,
  };
}
