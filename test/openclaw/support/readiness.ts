/**
 * Waiting for a starting gateway, and recording what it answered meanwhile (connection refused,
 * 503s, 401s…), because that sequence is itself behaviour ClawDesk must survive.
 */
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProbeResult {
  /** An HTTP status, or the socket error code (`ECONNREFUSED`, `ECONNRESET`…). */
  outcome: number | string;
  /** The body (first 500 characters) when there was an answer. */
  body?: string;
  headers?: Record<string, string>;
  /** ms after probing started: first and last time this outcome was seen in a row. */
  firstMs: number;
  lastMs: number;
  count: number;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One plain GET, no connection reuse: every probe sees the listening socket as it is now. */
export function httpGet(url: string, token?: string, timeoutMs = 5_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const req = request(url, { method: 'GET', headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: flatHeaders(res.headers),
          body: Buffer.concat(parts).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    );
    req.on('error', reject);
    req.end();
  });
}

export function flatHeaders(headers: Record<string, string | string[] | undefined>) {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export async function probe(
  url: string,
  token?: string,
): Promise<Omit<ProbeResult, 'firstMs' | 'lastMs' | 'count'>> {
  try {
    const answer = await httpGet(url, token);
    return { outcome: answer.status, body: answer.body.slice(0, 500), headers: answer.headers };
  } catch (error) {
    return { outcome: (error as { code?: string }).code ?? String(error) };
  }
}

/** Appends `result` to `log`, merging it into the last entry when it is the same answer. */
export function recordProbe(
  log: ProbeResult[],
  result: Omit<ProbeResult, 'firstMs' | 'lastMs' | 'count'>,
  atMs: number,
): void {
  const last = log.at(-1);
  if (last && last.outcome === result.outcome && last.body === result.body) {
    last.lastMs = atMs;
    last.count++;
    return;
  }
  log.push({ ...result, firstMs: atMs, lastMs: atMs, count: 1 });
}

async function isReady(url: string): Promise<boolean> {
  const ready = await probe(`${url}/readyz`);
  return ready.outcome === 200 && /"ready"\s*:\s*true/.test(ready.body ?? '');
}

export async function waitUntilReady(params: {
  url: string;
  token: string;
  timeoutMs: number;
  isRunning: () => boolean;
  describe: () => string;
  intervalMs?: number;
}): Promise<ProbeResult[]> {
  const started = Date.now();
  const log: ProbeResult[] = [];
  for (;;) {
    const result = await probe(`${params.url}/v1/models`, params.token);
    recordProbe(log, result, Date.now() - started);
    if (result.outcome === 200) return log;
    // A gateway whose OpenAI-compatible endpoints are switched off answers 404 there once it
    // is up: its own readiness says when.
    if (result.outcome === 404 && (await isReady(params.url))) return log;
    if (!params.isRunning()) {
      throw new Error(`OpenClaw gateway exited while starting:\n${params.describe()}`);
    }
    if (Date.now() - started > params.timeoutMs) {
      const seen = log.map((p) => `${p.outcome}×${p.count}`).join(', ');
      throw new Error(
        `OpenClaw gateway: /v1/models not 200 after ${params.timeoutMs} ms (${seen}):\n${params.describe()}`,
      );
    }
    await sleep(params.intervalMs ?? 200);
  }
}
