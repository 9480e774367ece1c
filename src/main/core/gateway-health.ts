import { errorCode } from '../../shared/error-code.ts';
import type { UpstreamStatus } from '../../shared/upstream.ts';

export type GatewayStatus = UpstreamStatus['gateway'];

/**
 * One look at the gateway: up, or why not; whether nothing even listened (refused), and whether
 * it said it is on its way (a 503 or `"ready": false`: OpenClaw starting or draining).
 */
export type ProbeResult =
  { ok: true } | { ok: false; refused: boolean; reason: string; starting?: boolean };
export type HealthProbe = (origin: string) => Promise<ProbeResult>;

export interface GatewayHealthOptions {
  /** The gateway's base URL as configured now. */
  url: () => string;
  probe?: HealthProbe;
  /** Called after every change of state (down, back, a new probe time). */
  onChange: () => void;
  /** While away, after each failed probe: time to fail tasks that waited too long. */
  onStillDown?: (since: number) => void;
  log: (line: string) => void;
  /** Back-off of the probe while the gateway answers badly: from `minMs` doubling to `maxMs`. */
  minMs?: number;
  maxMs?: number;
}

const PROBE_TIMEOUT_MS = 5_000;
/**
 * How long a gateway that says it is starting is still asked every `minMs`: OpenClaw takes
 * 10–30 s to start and work must resume within 2 s of it being ready; one that still says so
 * after this is stuck, and gets the back-off.
 */
const STARTING_FAST_MS = 120_000;

/**
 * Whether the gateway is there at all (issue 12). A run that finds it away (refused, reset,
 * DNS, 502/503/504, OpenClaw restarting) marks it down; from then on no user message goes to
 * it, and one health probe — GET /startupz, or /health on gateways without it; neither needs the
 * token — decides when it is back. A refused connection costs the other side nothing, so it is
 * tried again every `minMs`, and so is one that says it is starting (503, `"ready": false`) for
 * its first two minutes; a gateway that answers otherwise badly (a proxy's 502, time-outs), or
 * keeps saying it is starting, gets a doubling back-off up to `maxMs`.
 */
export class GatewayHealth {
  private readonly opts: GatewayHealthOptions;
  private readonly probe: HealthProbe;
  private since: number | null = null;
  /** The gateway that went away: a new URL in Settings is another gateway. */
  private downOrigin: string | null = null;
  private reason: string | null = null;
  private nextProbeAt: number | null = null;
  private delayMs: number;
  /** When the gateway last came back: going away again soon after continues the back-off. */
  private backAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private stopped = false;

  constructor(opts: GatewayHealthOptions) {
    this.opts = opts;
    this.probe = opts.probe ?? probeGateway;
    this.delayMs = this.minMs();
  }

  isUp(): boolean {
    return this.since === null;
  }

  /** A run found the gateway away: stop sending, start probing (once). */
  down(reason: string): void {
    if (this.stopped) return;
    this.reason = reason;
    if (this.since !== null) return this.opts.onChange();
    this.since = Date.now();
    this.downOrigin = originOf(this.opts.url());
    // A gateway that answers its probe but fails every message (a proxy's 502 in front of it)
    // must not be asked once a second for ever: flapping keeps the back-off growing.
    const flapping = this.since - this.backAt < this.maxMs();
    if (!flapping) this.delayMs = this.minMs();
    this.opts.log(`gateway at ${originOf(this.opts.url())} is away (${reason}); waiting for it`);
    this.schedule(flapping ? this.nextDelay() : this.minMs());
  }

  /** Settings changed: a different gateway starts out presumed up. */
  configChanged(): void {
    if (this.since !== null && originOf(this.opts.url()) !== this.downOrigin) this.reset();
  }

  /** Whatever held for the gateway no longer does. */
  reset(): void {
    clearTimeout(this.timer);
    this.since = this.reason = this.nextProbeAt = null;
    this.opts.onChange();
  }

  status(): GatewayStatus {
    return {
      state: this.since === null ? 'up' : 'down',
      origin: originOf(this.opts.url()),
      since: this.since,
      nextProbeAt: this.nextProbeAt,
      reason: this.reason,
    };
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private minMs(): number {
    return this.opts.minMs ?? 1_000;
  }

  private maxMs(): number {
    return this.opts.maxMs ?? 30_000;
  }

  /** The current back-off, doubled for next time up to the most. */
  private nextDelay(): number {
    const wait = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.maxMs());
    return wait;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.nextProbeAt = Date.now() + delayMs;
    this.timer = setTimeout(() => void this.look(), delayMs);
    this.timer.unref();
    this.opts.onChange();
  }

  private async look(): Promise<void> {
    if (this.stopped || this.probing || this.since === null) return;
    this.probing = true;
    const result = await this.probe(originOf(this.opts.url())).finally(() => {
      this.probing = false;
    });
    const since = this.since;
    if (this.stopped || since === null) return;
    if (result.ok) {
      this.opts.log(`gateway at ${originOf(this.opts.url())} answers again`);
      this.since = this.reason = this.nextProbeAt = null;
      this.backAt = Date.now();
      this.opts.onChange();
      return;
    }
    this.reason = result.reason;
    this.opts.onStillDown?.(since);
    const starting = result.starting === true && Date.now() - since < STARTING_FAST_MS;
    if (result.refused || starting) return this.schedule(this.minMs());
    this.schedule(this.nextDelay());
  }
}

/** Scheme, host and port only: no path, and no credentials someone put in the URL. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * GET /startupz (OpenClaw: 200 `{"ok":true,"status":"started"}`, 503 while it starts or drains),
 * falling back to /health where it does not exist. Not /readyz: OpenClaw's readiness also fails
 * while any of its channels (Telegram, Discord…) is unhealthy, with chat working all the same.
 */
export async function probeGateway(origin: string): Promise<ProbeResult> {
  try {
    const startup = await get(`${origin}/startupz`);
    if (startup.status !== 404) return judge(startup);
    const health = await get(`${origin}/health`);
    // A server that answers but has no health route at all is there; a message will tell more.
    return health.status === 404 ? { ok: true } : judge(health);
  } catch (err) {
    const code = errorCode(err);
    const refused = code === 'ECONNREFUSED';
    return { ok: false, refused, reason: refused ? 'connection refused' : (code ?? String(err)) };
  }
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  return { status: response.status, body: await response.text() };
}

function judge({ status, body }: { status: number; body: string }): ProbeResult {
  if (status === 503) {
    // OpenClaw says which: `"status":"starting"` or `"draining"`.
    const phase = /"status"\s*:\s*"(\w+)"/.exec(body)?.[1];
    const reason = phase ? `HTTP 503, ${phase}` : 'HTTP 503';
    return { ok: false, refused: false, reason, starting: true };
  }
  if (status !== 200) return { ok: false, refused: false, reason: `HTTP ${status}` };
  // A 200 that says it is not there yet (`"ok": false`, `"ready": false`) is not up.
  if (/"(ok|ready)"\s*:\s*false/.test(body))
    return { ok: false, refused: false, reason: 'starting', starting: true };
  return { ok: true };
}
