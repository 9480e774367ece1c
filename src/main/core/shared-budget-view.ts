import type { BudgetInstall } from './rate-limit-types.ts';

/** The fields every script answer carries (see `state()` in shared-budget-lua.ts). */
export type StateReply = [string, number, number, number, string, string, number, number, string];
/** The heartbeat's answer: state, window (member, start)…, installs (id, "seen|name")…, leases. */
export type SyncReply = [StateReply, string[], string[], string[]];

/** A member is `<install id>/<boot>.<n>`: whose call it is can be read off it. */
export const installOf = (member: string): string => member.slice(0, member.indexOf('/'));

/**
 * What this install last heard of the shared budget: the counts of the latest answer or event,
 * the window's starts (kept complete between heartbeats by the `g` events every grant
 * publishes, so that the local share after losing Redis knows what the others spent), and the
 * installs. Times are Redis's; `offset` turns them into this machine's clock.
 */
export class SharedView {
  /** Redis clock minus ours, from the latest answer (the trip there and back is ignored). */
  offset = 0;
  leases = 0;
  queue = 0;
  /** Redis time the pause ends, 0 when none. */
  pauseUntil = 0;
  pauseCause: 'provider' | 'gateway' | null = null;
  reserved = 0;
  /** Installs seen lately, this one included; at least 1. */
  installCount = 1;
  /** Redis time to look again when something waits (a unit back, a pause over); 0: none. */
  nextAt = 0;
  private readonly window = new Map<string, number>();
  private installs: Array<{ id: string; name: string; seen: number }> = [];
  private leaseMembers: string[] = [];

  /** Takes in a script's answer, received at `localNow`. */
  fromState(reply: StateReply, localNow = Date.now()): void {
    const [now, , leases, queue, until, cause, reserved, k, nextAt] = reply;
    this.offset = Number(now) - localNow;
    this.leases = Number(leases);
    this.queue = Number(queue);
    this.setPause(Number(until), cause);
    this.reserved = Number(reserved);
    this.installCount = Math.max(1, Number(k));
    this.nextAt = Number(nextAt);
  }

  fromSync(reply: SyncReply, localNow = Date.now()): void {
    const [state, window, installs, leases] = reply;
    this.fromState(state, localNow);
    this.window.clear();
    for (let i = 0; i + 1 < window.length; i += 2) {
      this.window.set(window[i] as string, Number(window[i + 1]));
    }
    this.installs = [];
    for (let i = 0; i + 1 < installs.length; i += 2) {
      const value = installs[i + 1] as string;
      const bar = value.indexOf('|');
      const seen = Number(value.slice(0, bar));
      this.installs.push({ id: installs[i] as string, name: value.slice(bar + 1), seen });
    }
    this.leaseMembers = leases;
  }

  /** `<kind> <leases> <queue> <pauseUntil> <cause|-> [<member> <start>]` (see `publish`). */
  fromEvent(message: string): void {
    const [kind, leases, queue, until, cause, member, at] = message.split(' ');
    this.leases = Number(leases);
    this.queue = Number(queue);
    this.setPause(Number(until), cause === '-' ? '' : (cause ?? ''));
    if ((kind === 'g' || kind === 'm') && member && at) this.window.set(member, Number(at));
  }

  /** This install's own grant, before its event comes back. */
  granted(member: string, at: number): void {
    this.window.set(member, at);
  }

  /** Starts still in the window at `localNow`, oldest first, in this machine's clock. */
  starts(windowMs: number, localNow = Date.now()): number[] {
    return this.entries(windowMs, localNow).map(([, at]) => at);
  }

  /** The same with whose they are: (member, start in this machine's clock). */
  entries(windowMs: number, localNow = Date.now()): Array<[string, number]> {
    const since = localNow + this.offset - windowMs;
    const found: Array<[string, number]> = [];
    for (const [member, at] of this.window) {
      if (at <= since) this.window.delete(member);
      else found.push([member, at - this.offset]);
    }
    return found.sort((a, b) => a[1] - b[1]);
  }

  /**
   * For a rejoin: this install's starts and every other start it heard of, as (member, age). A
   * restarted Redis lost them all, and the installs still away would not put theirs back
   * before they return: without them the first install back would see a window too empty.
   */
  withKnown(own: ReadonlyArray<[string, number]>, windowMs: number): Array<[string, number]> {
    const now = Date.now();
    const all = new Map(own);
    for (const [member, at] of this.entries(windowMs, now)) {
      if (!all.has(member)) all.set(member, Math.max(0, now - at));
    }
    return [...all];
  }

  /** When the shared pause ends in this machine's clock, or null. */
  pausedUntil(localNow = Date.now()): number | null {
    const until = this.pauseUntil - this.offset;
    return this.pauseUntil > 0 && until > localNow ? until : null;
  }

  /** The installs seen within `forgetMs`, with their use of the window and their slots. */
  members(self: string, windowMs: number, awayMs: number, forgetMs: number): BudgetInstall[] {
    const now = Date.now() + this.offset;
    const use = new Map<string, { starts: number; running: number }>();
    const of = (id: string) => use.get(id) ?? use.set(id, { starts: 0, running: 0 }).get(id)!;
    for (const [member, at] of this.window) if (at > now - windowMs) of(installOf(member)).starts++;
    for (const member of this.leaseMembers) of(installOf(member)).running++;
    return this.installs
      .filter((i) => i.id === self || i.seen > now - forgetMs)
      .map((i) => ({
        name: i.name,
        self: i.id === self,
        live: i.id === self || i.seen > now - awayMs,
        startsInWindow: use.get(i.id)?.starts ?? 0,
        running: use.get(i.id)?.running ?? 0,
      }));
  }

  /** The installs seen lately, as (id, age ms, name) for restoring them into a new Redis. */
  peers(self: string, localNow = Date.now()): Array<[string, number, string]> {
    const now = localNow + this.offset;
    return this.installs
      .filter((i) => i.id !== self)
      .map((i) => [i.id, Math.max(0, now - i.seen), i.name]);
  }

  private setPause(until: number, cause: string): void {
    this.pauseUntil = until;
    this.pauseCause = until > 0 ? (cause === 'provider' ? 'provider' : 'gateway') : null;
  }
}
