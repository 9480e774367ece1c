import type { Language, SharedBudgetSettings, ToolNetwork } from '../../shared/settings.ts';
import { DEFAULT_SHARED_BUDGET, NO_TOOL_NETWORK } from '../../shared/settings.ts';
import type { Lane } from '../../shared/task.ts';
import type { GatewayConfig, JobTimeouts } from '../../shared/worker-protocol.ts';
import type { CircuitBreakerSettings } from './circuit-breaker.ts';
import { DEFAULT_BREAKER } from './circuit-breaker.ts';
import type { RateLimitSettings } from './rate-limit-types.ts';
import { DEFAULT_RATE_LIMIT } from './rate-limit-types.ts';
import type { ToolSandboxStatus } from './tool-sandbox.ts';

/** Settings of the core. Later issues move them into SQLite and a settings UI. */
export interface CoreSettings {
  gateway: GatewayConfig;
  /** Worker processes running at once. */
  workerCount: number;
  /** Automatic attempts per task (failures, crashes and interruptions count). */
  maxAttempts: number;
  /** Back-off between attempts: full jitter up to base·2^(attempt-1), at most cap. */
  retryBaseMs: number;
  retryCapMs: number;
  /** Timeouts of each lane; the worker enforces them, main backs them with heartbeats. */
  lanes: Record<Lane, JobTimeouts>;
  /** Total waits before a task fails: for an absent gateway per lane, for the rate limit. */
  waitCaps: { gatewayMs: Record<Lane, number>; rateLimitMs: number };
  /**
   * Shortest pause of the whole budget after the provider's rate limit came back through
   * OpenClaw, which has already retried for minutes: doubling from here with each one in a row.
   */
  providerPauseMs: number;
  /** Worker deaths under one task before it fails (ClawDesk's own exit never counts). */
  maxCrashes: number;
  /** The gateway health probe's back-off while the gateway answers badly. */
  healthProbe: { minMs: number; maxMs: number };
  /** How often streamed text is flushed to SQLite per task (DESIGN.md: at most ~500 ms). */
  checkpointMs: number;
  /** Unfinished tasks at most; a submit beyond is refused. */
  maxUnfinished: number;
  /** Largest task input, in UTF-8 bytes. */
  maxInputBytes: number;
  /** Finished tasks and their results are swept after this long. */
  retentionMs: number;
  sweepEveryMs: number;
  /** A worker silent for this long (no heartbeat, no message) is hung and is killed. */
  heartbeatTimeoutMs: number;
  /** A worker whose resident memory passes this is killed and replaced. */
  workerMemoryLimitBytes: number;
  /** After an abort, a worker gets this long to report before it is killed. */
  abortGraceMs: number;
  /** The upstream provider's limits, shared by every worker. */
  rateLimit: RateLimitSettings;
  /** The same limits shared with other installs through Redis (issue 15); off by default. */
  sharedBudget: SharedBudgetSettings;
  breaker: CircuitBreakerSettings;
  /** After the gateway refused the token, one probe per this period until it is fixed. */
  authRetryMs: number;
  /** While the disk refuses writes (full, read-only), one try per this period (issue 7). */
  storageProbeMs: number;
  /** The main process's guard (issue 13): limits in MB (Settings), and how often it looks. */
  guard: { memoryMb: number; freeDiskMb: number };
  guardEveryMs: number;
  /**
   * Reuse a finished identical answer (same agent, session and message) within `ttlMs`
   * instead of calling upstream. Off by default: an agent run may have side effects, and
   * asking again usually means wanting a new run.
   */
  responseCache: { enabled: boolean; ttlMs: number };
  notifications: { enabled: boolean };
  language: Language;
  /**
   * Local tools for agent runs (issue 6): off until the user turns them on. `workspace` ''
   * means the `workspace` folder in the data folder.
   */
  tools: {
    enabled: boolean;
    workspace: string;
    policies: Record<string, 'allow' | 'ask' | 'deny'>;
    allowlist?: string[];
    maxRounds: number;
    /** Exec tools whose processes may use the network inside the sandbox (issue 13). */
    network: ToolNetwork;
    /** The OS sandbox found at start (tool-sandbox.ts); `none` makes exec tools ask-only. */
    sandbox: ToolSandboxStatus;
    /** Folders no tool may show: the data folder, set by the core at start. */
    hidden: string[];
  };
}

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:18790';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function defaultSettings(overrides: Partial<CoreSettings> = {}): CoreSettings {
  return {
    gateway: { url: DEFAULT_GATEWAY_URL, token: '', agentId: 'main' },
    workerCount: 5,
    maxAttempts: 3,
    retryBaseMs: 1000,
    retryCapMs: MINUTE,
    // OpenClaw sends response headers at once but nothing on the body while its provider
    // thinks (320 s seen), and undici's own defaults are 300 s: every limit here is chosen.
    lanes: {
      interactive: { headersMs: MINUTE, stallMs: 10 * MINUTE, totalMs: 30 * MINUTE },
      short: { headersMs: MINUTE, stallMs: 5 * MINUTE, totalMs: 5 * MINUTE },
      long: { headersMs: MINUTE, stallMs: 10 * MINUTE, totalMs: 24 * HOUR },
    },
    waitCaps: {
      gatewayMs: { interactive: HOUR, short: HOUR, long: 24 * HOUR },
      rateLimitMs: 30 * MINUTE,
    },
    providerPauseMs: MINUTE,
    maxCrashes: 3,
    healthProbe: { minMs: 1_000, maxMs: 30_000 },
    checkpointMs: 250,
    maxUnfinished: 10_000,
    maxInputBytes: 10 * 1024 * 1024,
    retentionMs: 7 * 24 * HOUR,
    sweepEveryMs: HOUR,
    heartbeatTimeoutMs: 10_000,
    workerMemoryLimitBytes: 512 * 1024 * 1024,
    abortGraceMs: 5_000,
    rateLimit: { ...DEFAULT_RATE_LIMIT },
    sharedBudget: { ...DEFAULT_SHARED_BUDGET },
    breaker: { ...DEFAULT_BREAKER },
    authRetryMs: MINUTE,
    storageProbeMs: 5_000,
    // The seed asked for 500 MB; 1 GB free keeps room for SQLite's WAL and a backlog.
    guard: { memoryMb: 500, freeDiskMb: 1024 },
    guardEveryMs: 10_000,
    responseCache: { enabled: false, ttlMs: 10 * MINUTE },
    notifications: { enabled: true },
    language: 'system',
    tools: {
      enabled: false,
      workspace: '',
      policies: {},
      maxRounds: 20,
      network: { ...NO_TOOL_NETWORK },
      sandbox: { kind: 'none', detail: 'not checked yet' },
      hidden: [],
    },
    ...overrides,
  };
}
