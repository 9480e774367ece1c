/**
 * A real OpenClaw gateway for a test suite: installed on first use (install.ts), configured in
 * a fresh folder (openclaw-config.ts), run with the Node running the tests on a free loopback
 * port, in front of the fake model provider (fake-provider.ts).
 *
 *   const oc = await startOpenClaw();            // ready: GET /v1/models answered 200
 *   oc.url, oc.token, oc.wsUrl, oc.provider      // talk to it
 *   await oc.kill('SIGKILL'); await oc.start();  // a crash, then a start on the same port/state
 *   await oc.restart();                          // the same in one call
 *   await oc.stop();                             // always (also runs at process exit)
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureOpenClaw, type OpenClawInstall } from './install.ts';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions } from './fake-provider.ts';
import {
  gatewayEnv,
  gatewayFolders,
  writeGatewayConfig,
  type GatewayFolders,
} from './openclaw-config.ts';
import { spawnGroup, type GroupProcess } from './process-group.ts';
import { waitUntilReady, type ProbeResult } from './readiness.ts';

export interface StartOpenClawOptions {
  /** A provider to use; by default one is started (with `providerOptions`) and stopped with it. */
  provider?: FakeProvider;
  providerOptions?: FakeProviderOptions;
  token?: string;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  toolsProfile?: string;
  /** Deep-merged into the generated openclaw.json. */
  config?: Record<string, unknown>;
  /** Start the channels the config names (default false: OPENCLAW_SKIP_CHANNELS). */
  channels?: boolean;
  /** Default 180 s: a cold start on a busy 2-core machine takes 15-30 s. */
  startTimeoutMs?: number;
  /**
   * One chat request right after start, so the suite's first real request does not pay the
   * agent's cold start (default true). Its provider calls are then cleared from the stats.
   */
  warmUp?: boolean;
}

export interface OpenClawGateway {
  /** `http://127.0.0.1:<port>`: POST /v1/chat/completions, GET /v1/models, /health, /readyz. */
  readonly url: string;
  /** The gateway WebSocket (same port): `ws://127.0.0.1:<port>`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly token: string;
  readonly version: string;
  readonly provider: FakeProvider;
  readonly folders: GatewayFolders;
  /** PID of the gateway process now running, or undefined while it is stopped. */
  pid(): number | undefined;
  isRunning(): boolean;
  /** What GET /v1/models answered while the last start waited for it, in order, merged. */
  readonly startupProbes: ProbeResult[];
  /** Seconds from spawn to the first 200 of the last start. */
  readonly lastStartSeconds: number;
  /** Starts it again on the same port and state (after kill or stop); waits until ready. */
  start(): Promise<void>;
  /** Sends `signal` to the gateway process (SIGKILL: a crash) and waits until it has ended. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** kill(signal) then start(). */
  restart(signal?: NodeJS.Signals): Promise<void>;
  /** The end of the gateway's own output, for failure messages. */
  logTail(lines?: number): string;
  /** Stops the gateway (SIGTERM, SIGKILL after 20 s) and the provider it started; removes the folder. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 20_000;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startOpenClaw(options: StartOpenClawOptions = {}): Promise<OpenClawGateway> {
  const install = await ensureOpenClaw();
  const provider = options.provider ?? (await startFakeProvider(options.providerOptions));
  const folders = gatewayFolders(mkdtempSync(join(tmpdir(), 'clawdesk-openclaw-')));
  const token = options.token ?? randomBytes(24).toString('hex');
  const port = options.port ?? (await freePort());
  const config = { port, token, providerUrl: provider.baseUrl, toolsProfile: options.toolsProfile };
  writeGatewayConfig({ ...config, extra: options.config }, folders);
  const gateway = new GatewayProcess({
    install,
    provider,
    ownProvider: !options.provider,
    folders,
    token,
    port,
    startTimeoutMs: options.startTimeoutMs ?? 180_000,
    channels: options.channels ?? false,
  });
  try {
    await gateway.start();
    if (options.warmUp !== false) await warmUp(gateway.url, token, provider);
  } catch (error) {
    await gateway.stop();
    throw error;
  }
  return gateway;
}

interface GatewaySetup {
  install: OpenClawInstall;
  provider: FakeProvider;
  ownProvider: boolean;
  folders: GatewayFolders;
  token: string;
  port: number;
  startTimeoutMs: number;
  channels: boolean;
}

class GatewayProcess implements OpenClawGateway {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly token: string;
  readonly version: string;
  readonly provider: FakeProvider;
  readonly folders: GatewayFolders;
  readonly startupProbes: ProbeResult[] = [];
  lastStartSeconds = 0;
  private proc: GroupProcess | undefined;
  private readonly outPath: string;

  private readonly setup: GatewaySetup;

  constructor(setup: GatewaySetup) {
    this.setup = setup;
    this.port = setup.port;
    this.url = `http://127.0.0.1:${setup.port}`;
    this.wsUrl = `ws://127.0.0.1:${setup.port}`;
    this.token = setup.token;
    this.version = setup.install.version;
    this.provider = setup.provider;
    this.folders = setup.folders;
    this.outPath = join(setup.folders.logs, 'gateway.out');
  }

  pid(): number | undefined {
    return this.proc?.isRunning() ? this.proc.pid : undefined;
  }

  isRunning(): boolean {
    return this.proc?.isRunning() ?? false;
  }

  async start(): Promise<void> {
    if (this.proc?.isRunning()) throw new Error('OpenClaw gateway is already running');
    this.proc?.killGroup(); // helpers a killed gateway left behind
    const out = openSync(this.outPath, 'a');
    const { entry } = this.setup.install;
    const args = [entry, 'gateway', 'run', '--port', String(this.port), '--bind', 'loopback'];
    const started = Date.now();
    const running = spawnGroup(process.execPath, args, {
      cwd: this.folders.root,
      env: gatewayEnv(this.folders, this.setup.channels),
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.proc = running;
    this.startupProbes.length = 0;
    const probes = await waitUntilReady({
      url: this.url,
      token: this.token,
      timeoutMs: this.setup.startTimeoutMs,
      isRunning: () => running.isRunning(),
      describe: () => this.logTail(40),
    });
    this.startupProbes.push(...probes);
    this.lastStartSeconds = (Date.now() - started) / 1000;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL') {
    const running = this.proc;
    if (!running?.isRunning()) return { code: null, signal: null };
    running.signal(signal);
    return running.exited;
  }

  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.kill(signal);
    await this.start();
  }

  logTail(lines = 60): string {
    try {
      return readFileSync(this.outPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no gateway output)';
    }
  }

  async stop(): Promise<void> {
    const running = this.proc;
    if (running?.isRunning()) {
      running.signal('SIGTERM');
      const timer = setTimeout(() => running.killGroup(), STOP_GRACE_MS);
      await running.exited;
      clearTimeout(timer);
    }
    running?.killGroup();
    if (this.setup.ownProvider) await this.provider.close();
    if (process.env.CLAWDESK_OPENCLAW_KEEP !== '1') {
      rmSync(this.folders.root, { recursive: true, force: true });
    }
  }
}

async function warmUp(url: string, token: string, provider: FakeProvider): Promise<void> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openclaw', messages: [{ role: 'user', content: 'warm-up' }] }),
    signal: AbortSignal.timeout(180_000),
  });
  await response.text();
  if (!response.ok) throw new Error(`OpenClaw warm-up request answered ${response.status}`);
  provider.resetStats();
}
