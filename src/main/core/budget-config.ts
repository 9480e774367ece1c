import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { SharedBudgetSettings } from '../../shared/settings.ts';

export type { SharedBudgetSettings };

/** Who this install is, for the others: stable across restarts of the same data folder. */
export interface InstallIdentity {
  id: string;
  name: string;
}

/** The id, and the name shown unless Settings gives one: host name and data folder. */
export function installIdentity(dataDir: string): InstallIdentity {
  const where = `${hostname()}:${dataDir}`;
  const id = createHash('sha256').update(where).digest('hex').slice(0, 12);
  return { id, name: where };
}

/**
 * The URL without its password (and user name), for logs, the status and the settings page:
 * `redis://:secret@host:6379/0` → `redis://:***@host:6379/0`. Anything unparsable is hidden.
 */
export function redactRedisUrl(url: string): string {
  if (url === '') return '';
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.username && parsed.password === '') parsed.username = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

/** Host and port only: what the limiter strip and the monitor name. */
export function redisServerOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return '(not a URL)';
  }
}

/** Why a URL cannot be used, or null when it can. */
export function redisUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL (expected e.g. redis://127.0.0.1:6379)';
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return 'must start with redis:// or rediss://';
  }
  return parsed.hostname ? null : 'names no host';
}

const WORDS: Array<[RegExp, string]> = [
  [/ECONNREFUSED/, 'connection refused'],
  [/ETIMEDOUT|timed? ?out/i, 'no answer in time'],
  [/ENOTFOUND|EAI_AGAIN/, 'host not found'],
  [/ECONNRESET|EPIPE/, 'connection reset'],
  [/WRONGPASS|NOAUTH|invalid password/i, 'password refused'],
];

/** A failure in words for the strip and the log (never the URL, which may hold a password). */
export const describeRedisError = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error);
  return WORDS.find(([pattern]) => pattern.test(text))?.[1] ?? text.slice(0, 200);
};
