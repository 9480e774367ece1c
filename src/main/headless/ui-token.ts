import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the page token is kept between starts: beside the database, readable by its owner. */
export const UI_TOKEN_FILE = 'ui-token';

export interface UiTokenChoice {
  token: string;
  /** Where it came from, for the start-up log (never the token itself). */
  source: 'environment' | 'file' | 'new';
  /** The file it is kept in, when it is kept. */
  file: string | null;
  /** Why a new token could not be kept (a read-only data folder): it lasts this run only. */
  warning?: string;
}

const fresh = (): string => randomBytes(24).toString('hex');

function readKept(file: string): string | null {
  try {
    const token = readFileSync(file, 'utf8').trim();
    return /^[A-Za-z0-9_-]{16,256}$/.test(token) ? token : null;
  } catch {
    return null;
  }
}

/** Written beside, then renamed over: a crash mid-write never leaves half a token. */
function keep(file: string, token: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  writeFileSync(temp, `${token}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/**
 * The token the headless page needs (issue 14): `CLAWDESK_UI_TOKEN` when set; otherwise the
 * one kept in the data folder (0600), so a bookmarked URL works after a restart; a new one,
 * kept for next time, on the first start or when `--new-token` asks to revoke the old URL.
 */
export function resolveUiToken(options: {
  dataDir: string;
  fromEnv?: string | undefined;
  renew: boolean;
}): UiTokenChoice {
  if (options.fromEnv) return { token: options.fromEnv, source: 'environment', file: null };
  const file = join(options.dataDir, UI_TOKEN_FILE);
  const kept = options.renew ? null : readKept(file);
  if (kept) return { token: kept, source: 'file', file };
  const token = fresh();
  try {
    keep(file, token);
    return { token, source: 'new', file };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { token, source: 'new', file: null, warning: `could not keep the page token: ${why}` };
  }
}
