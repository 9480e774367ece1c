import type { GatewayConfig, JobTimeouts } from '../../shared/worker-protocol.ts';

/** Settings of the core. Later issues move them into SQLite and a settings UI. */
export interface CoreSettings {
  gateway: GatewayConfig;
  /** Worker processes running at once. */
  workerCount: number;
  maxAttempts: number;
  timeouts: JobTimeouts;
  /** How often streamed text is flushed to SQLite per task (DESIGN.md: at most ~500 ms). */
  checkpointMs: number;
}

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:18790';

export function defaultSettings(overrides: Partial<CoreSettings> = {}): CoreSettings {
  return {
    gateway: { url: DEFAULT_GATEWAY_URL, token: '', agentId: 'main' },
    workerCount: 2,
    maxAttempts: 3,
    // OpenClaw sends nothing while its provider thinks (320 s seen), and undici's own
    // defaults are 300 s: choose every limit here on purpose.
    timeouts: { headersMs: 10 * 60_000, stallMs: 10 * 60_000, totalMs: 30 * 60_000 },
    checkpointMs: 250,
    ...overrides,
  };
}
