import { randomBytes } from 'node:crypto';
import type { CallOutcome } from '../../shared/worker-protocol.ts';
import type { Grant } from './rate-limit-types.ts';

/** One call this install was granted, wherever the grant came from. */
export interface OwnGrant {
  id: string;
  startedAt: number;
  /** When its first byte came back, if it has. */
  reachedAt: number | null;
  released: boolean;
  /** Frees its slot in the budget that holds it now (it moves when the budget switches). */
  free: (outcome: CallOutcome) => void;
  reach: (at: number) => void;
  release: (outcome: CallOutcome) => void;
}

type Binding = Pick<OwnGrant, 'free' | 'reach'>;

/**
 * This install's grants of the last window, by id: what it holds (leases to renew, slots to take
 * along when the budget switches between Redis and the local share) and what it spent (starts
 * to put back into a Redis that lost them, or to count in the local share).
 */
export class OwnGrants {
  private readonly grants = new Map<string, OwnGrant>();
  private restored: number[] = [];
  private readonly boot = randomBytes(4).toString('hex');
  private seq = 0;

  /** An id for a grant of the local limiter, unique among every install's. */
  newId(installId: string): string {
    return `${installId}/${this.boot}.l${++this.seq}`;
  }

  add(id: string, startedAt: number, bind: (g: OwnGrant) => Binding): OwnGrant {
    const g: OwnGrant = {
      id,
      startedAt,
      reachedAt: null,
      released: false,
      free: () => {},
      reach: () => {},
      release: (outcome) => {
        if (g.released) return;
        g.released = true;
        g.free(outcome);
      },
    };
    Object.assign(g, bind(g));
    this.grants.set(id, g);
    return g;
  }

  /** The grant as the caller holds it. */
  grantOf(g: OwnGrant, changed: () => void): Grant {
    return {
      startedAt: g.startedAt,
      reachedUpstream: (at = Date.now()) => {
        if (g.reachedAt !== null || g.released) return;
        g.reachedAt = at;
        g.reach(at);
      },
      release: (outcome) => {
        if (g.released) return;
        g.release(outcome);
        changed();
      },
    };
  }

  /** Gives every call still in flight a new binding (the budget switched). */
  rebind(bind: (g: OwnGrant) => Binding): void {
    for (const g of this.grants.values()) if (!g.released) Object.assign(g, bind(g));
  }

  /** Ids of the calls in flight. */
  held(): string[] {
    return [...this.grants.values()].filter((g) => !g.released).map((g) => g.id);
  }

  /** Calls in flight whose first byte has not come back: the provider may not have them yet. */
  unreached(): string[] {
    return [...this.grants.values()]
      .filter((g) => !g.released && g.reachedAt === null)
      .map((g) => g.id);
  }

  /** Starts of the last window as (id, when its unit was spent), oldest first. */
  recentEntries(windowMs: number, now = Date.now()): Array<[string, number]> {
    const entries: Array<[string, number]> = [];
    for (const g of this.grants.values()) {
      const at = g.reachedAt ?? g.startedAt;
      if (at > now - windowMs) entries.push([g.id, at]);
      else if (g.released) this.grants.delete(g.id); // its unit is back: forget it
    }
    return entries.sort((a, b) => a[1] - b[1]);
  }

  /** Starts of the last window, the ones from before a restart included. */
  recentStarts(windowMs: number, now = Date.now()): number[] {
    this.restored = this.restored.filter((t) => t > now - windowMs);
    const mine = this.recentEntries(windowMs, now).map(([, at]) => at);
    return [...this.restored, ...mine].sort((a, b) => a - b);
  }

  /** Starts from before a restart (SQLite): no id, so they only count in a local limiter. */
  restore(times: readonly number[], windowMs: number, now = Date.now()): void {
    this.restored.push(...times.filter((t) => t > now - windowMs));
  }

  /** What the heartbeat tells Redis: calls held and, for a rejoin, starts as (id, age). */
  use(windowMs: number, now = Date.now()): { held: string[]; starts: Array<[string, number]> } {
    const starts = this.recentEntries(windowMs, now).map(([id, at]): [string, number] => [
      id,
      Math.max(0, now - at),
    ]);
    return { held: this.held(), starts };
  }

  restoredStarts(windowMs: number, now = Date.now()): number[] {
    return this.restored.filter((t) => t > now - windowMs);
  }
}
