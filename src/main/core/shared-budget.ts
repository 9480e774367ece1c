import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CallOutcome } from '../../shared/worker-protocol.ts';
import { describeRedisError as describe } from './budget-config.ts';
import type { PausePolicy } from './limiter-pause.ts';
import type { RateLimitSettings } from './rate-limit-types.ts';
import { budgetKeys, SCRIPTS, type ScriptName } from './shared-budget-lua.ts';
import type { StateReply, SyncReply } from './shared-budget-view.ts';
import { SharedView } from './shared-budget-view.ts';

/** A lease lives this long unless its install renews it: a dead install's slots come back. */
export const LEASE_MS = 5_000;

/** What this install holds and has spent, for the heartbeat and for a rejoin. */
export interface OwnUse {
  /** Calls in flight (their leases are renewed, or re-created in a Redis that lost them). */
  held: string[];
  /** Its starts of the last window as (member, age ms). */
  starts: Array<[string, number]>;
  /** A pause it keeps (decided while Redis was away): time left and cause. */
  pause: { leftMs: number; cause: 'provider' | 'gateway' } | null;
}

export interface SharedBudgetOptions {
  url: string;
  budget: string;
  install: { id: string; name: string };
  limits: () => RateLimitSettings;
  policy: PausePolicy;
  own: () => OwnUse;
  /** Reachable (a heartbeat went through) or not, with the reason. */
  onOnline: (online: boolean, reason: string | null) => void;
  /** The view changed: counts, pause, installs. */
  onView: () => void;
  /** A release Redis never got (it went away): its outcome, for the local share. */
  unsent?: (outcome: CallOutcome, startedAt: number) => void;
  log: (line: string) => void;
  leaseMs?: number;
}

interface Waiter {
  priority: number;
  resolve: (grant: { member: string; startedAt: number }) => void;
  reject: (error: unknown) => void;
}

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

/**
 * One install's side of the budget shared through Redis (issue 15): its waits queue there in
 * priority then age order across all installs, grants and releases go through the Lua scripts
 * of shared-budget-lua.ts, and a heartbeat renews its leases and refreshes the view. Every
 * grant and release is published, so waiting installs try again at once. It never falls back
 * by itself: when Redis fails it says so (`onOnline(false)`) and budget-switch.ts decides.
 */
export class SharedBudget {
  readonly view = new SharedView();
  private readonly opts: SharedBudgetOptions;
  private readonly redis: Redis;
  private readonly events: Redis;
  private readonly keys: string[];
  private readonly channel: string;
  private readonly leaseMs: number;
  private readonly boot = randomBytes(4).toString('hex');
  private seq = 0;
  private readonly waiters = new Map<string, Waiter>();
  /** null until the first connection attempt has answered either way. */
  private online: boolean | null = null;
  /** A rejoin (restoring what this install spent) is owed before the next grant. */
  private rejoining = true;
  private trying = false;
  private tryAgain = false;
  private readonly heartbeat: NodeJS.Timeout;
  private wake: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Failures so far: a heartbeat sent before the latest one cannot bring this install back. */
  private failures = 0;

  constructor(opts: SharedBudgetOptions) {
    this.opts = opts;
    this.leaseMs = opts.leaseMs ?? LEASE_MS;
    ({ keys: this.keys, channel: this.channel } = budgetKeys(opts.budget));
    // Fail fast rather than queue: a command Redis cannot take now is a reason to fall back.
    this.redis = new Redis(opts.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1_000,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(200 * times, 2_000),
    });
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      this.redis.defineCommand(name, { lua, numberOfKeys: this.keys.length });
    }
    // Subscribed at every connection (Redis may be away at start): no command waits for one.
    this.events = this.redis.duplicate({ autoResubscribe: false, commandTimeout: undefined });
    this.events.on('ready', () => void this.events.subscribe(this.channel).catch(() => {}));
    this.events.on('message', (_channel: string, message: string) => this.onEvent(message));
    this.events.on('error', () => {}); // the main connection reports trouble
    this.redis.on('ready', () => void this.beat());
    this.redis.on('error', (error: unknown) => this.lost(describe(error)));
    this.redis.on('close', () => this.lost('connection to Redis closed'));
    this.heartbeat = setInterval(() => void this.beat(), Math.max(50, this.leaseMs / 4));
    this.heartbeat.unref();
  }

  isOnline(): boolean {
    return this.online === true;
  }

  /** Waits for a grant of the shared budget; rejects when `signal` aborts (nothing taken). */
  acquire(priority: number, signal: AbortSignal): Promise<{ member: string; startedAt: number }> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const member = `${this.opts.install.id}/${this.boot}.${++this.seq}`;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.waiters.delete(member)) return;
        void this.run('budgetAbort', [member]).catch(() => {});
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => signal.removeEventListener('abort', onAbort);
      this.waiters.set(member, {
        priority,
        resolve: (grant) => (done(), resolve(grant)),
        reject: (error) => (done(), reject(error)),
      });
      this.kick();
    });
  }

  /** The limits changed: waiting members may fit now. */
  poke(): void {
    if (this.waiters.size > 0) this.kick();
  }

  /** The call's first byte came back: its unit returns one window from now. */
  reach(member: string): void {
    void this.run('budgetReach', [member]).catch(() => {});
  }

  /** The call ended: its slot is free, and its 429 (if any) pauses every install. */
  release(member: string, outcome: CallOutcome, startedAt: number): void {
    const { random, backoffBaseMs, backoffCapMs, providerPauseMs } = this.opts.policy;
    const limited = outcome.kind === 'rate_limited';
    const args = [
      member,
      outcome.kind,
      limited && outcome.provider ? 1 : 0,
      limited ? (outcome.retryAfterMs ?? -1) : -1,
      Math.max(0, Date.now() - startedAt),
      random(),
      backoffBaseMs,
      backoffCapMs,
      providerPauseMs,
    ];
    this.run('budgetRelease', args).then(
      (reply) => this.took(reply as StateReply),
      (error: unknown) => {
        this.lost(describe(error));
        // Its 429 must still pause someone: the local share this install now runs on.
        this.opts.unsent?.(outcome, startedAt);
      },
    );
  }

  /** How a call of this install frees its slot and dates its unit here. */
  slotOf(g: { id: string; startedAt: number }) {
    return {
      free: (outcome: CallOutcome) => this.release(g.id, outcome, g.startedAt),
      reach: () => this.reach(g.id),
    };
  }

  /** Says goodbye (no share is held back for a clean stop) and closes both connections. */
  async stop(dropped: readonly string[]): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.wake);
    for (const waiter of this.waiters.values()) waiter.reject(new Error('shared budget stopped'));
    const mine = [...dropped, ...this.waiters.keys()];
    this.waiters.clear();
    if (this.online === true) await this.run('budgetLeave', mine).catch(() => {});
    this.online = false;
    this.redis.disconnect();
    this.events.disconnect();
  }

  /** Renews this install's leases and registration, refreshes the view; rejoins when owed. */
  private async beat(): Promise<void> {
    if (this.stopped || this.redis.status !== 'ready') return;
    const own = this.opts.own();
    const restore = this.rejoining;
    const failures = this.failures;
    const pause = restore && own.pause ? own.pause : { leftMs: 0, cause: 'gateway' };
    const args: (string | number)[] = [this.opts.install.name, pause.leftMs, pause.cause];
    args.push(own.held.length, ...own.held);
    args.push(this.waiters.size, ...this.waiters.keys());
    const starts = restore ? this.view.withKnown(own.starts, this.opts.limits().windowMs) : [];
    args.push(starts.length, ...starts.flat());
    if (restore) args.push(...this.view.peers(this.opts.install.id).flat());
    try {
      this.view.fromSync((await this.run('budgetSync', args)) as SyncReply);
    } catch (error) {
      return this.lost(describe(error));
    }
    // Only a beat that put everything back, with no failure since it left, rejoins.
    if (failures !== this.failures || this.stopped) return;
    if (restore) this.rejoining = false;
    if (this.online !== true && restore) {
      this.online = true;
      this.opts.log(`shared budget "${this.opts.budget}": joined through Redis`);
      this.opts.onOnline(true, null);
    }
    this.opts.onView();
    if (this.waiters.size > 0) this.kick();
  }

  /** Asks for every waiting member at once; one attempt in flight, repeated while asked. */
  private kick(): void {
    this.tryAgain = true;
    if (!this.trying) void this.tryLoop();
  }

  private async tryLoop(): Promise<void> {
    this.trying = true;
    while (this.tryAgain && this.online === true && !this.stopped && this.waiters.size > 0) {
      this.tryAgain = false;
      const asked: (string | number)[] = [];
      for (const [member, w] of this.waiters) asked.push(member, w.priority);
      try {
        const [granted, state] = (await this.run('budgetTry', asked)) as [string[], StateReply];
        this.took(state);
        this.grant(granted);
      } catch (error) {
        this.lost(describe(error));
      }
    }
    this.trying = false;
  }

  private grant(granted: string[]): void {
    for (let i = 0; i + 1 < granted.length; i += 2) {
      const member = granted[i] as string;
      const at = Number(granted[i + 1]);
      this.view.granted(member, at);
      const waiter = this.waiters.get(member);
      // Aborted while the answer was on its way: the unit is spent, the slot goes back.
      if (!waiter) this.release(member, { kind: 'aborted' }, at - this.view.offset);
      this.waiters.delete(member);
      waiter?.resolve({ member, startedAt: at - this.view.offset });
    }
    if (granted.length > 0) this.opts.onView();
  }

  /** An answer's state: the view, and a timer for when waiting members could start. */
  private took(state: StateReply): void {
    this.view.fromState(state);
    clearTimeout(this.wake);
    if (this.waiters.size > 0 && this.view.nextAt > 0) {
      const inMs = this.view.nextAt - this.view.offset - Date.now();
      this.wake = setTimeout(() => this.kick(), Math.max(0, inMs) + 1);
      this.wake.unref();
    }
    this.opts.onView();
  }

  private onEvent(message: string): void {
    if (this.stopped) return;
    this.view.fromEvent(message);
    // Anything but a grant may have freed a slot or a unit, or ended a pause.
    if (!message.startsWith('g ') && this.waiters.size > 0) this.kick();
    this.opts.onView();
  }

  private lost(reason: string): void {
    this.rejoining = true;
    this.failures++;
    if (this.online === false || this.stopped) return;
    this.online = false;
    this.opts.log(`shared budget "${this.opts.budget}": Redis unreachable (${reason})`);
    this.opts.onOnline(false, reason);
  }

  private run(name: ScriptName, args: readonly (string | number)[]): Promise<unknown> {
    const { perWindow, windowMs, maxConcurrent } = this.opts.limits();
    const common = [this.opts.install.id, perWindow, windowMs, maxConcurrent, this.leaseMs];
    // Away after a missed heartbeat or two; forgotten after a window (a minute at least).
    common.push(this.leaseMs, Math.max(windowMs, 60_000));
    const fn = (this.redis as unknown as Record<ScriptName, ScriptFn>)[name];
    return fn.call(this.redis, ...this.keys, ...common, this.channel, ...args);
  }
}
