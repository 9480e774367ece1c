import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { SafeStorage } from 'electron';
import type { SecretStore } from '../core/secret-store.ts';
import { memorySecrets } from '../core/secret-store.ts';

export type SafeStorageLike = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString'
> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

export interface SafeStorageSecretsOptions {
  safeStorage: SafeStorageLike;
  /** The encrypted token's file, in userData. */
  filePath: string;
  /** E.g. `CLAWDESK_GATEWAY_TOKEN`: when set, it replaces the stored token at start. */
  seed?: string;
  platform?: NodeJS.Platform;
  log?: (line: string) => void;
}

/**
 * Whether safeStorage really encrypts. On Linux without a keyring Chromium falls back to
 * `basic_text`, a fixed, public key: that is plaintext in all but name, so it counts as none.
 */
export function encryptionAvailable(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform !== 'linux' || !safeStorage.getSelectedStorageBackend) return true;
  return safeStorage.getSelectedStorageBackend() !== 'basic_text';
}

/**
 * The gateway token, encrypted with Electron's safeStorage (the OS keychain, DPAPI or the
 * Linux secret service) in a 0600 file. Without real encryption the token is kept in memory
 * only (a log line says so): it is never written to disk in the clear. A token given in the
 * environment (`seed`) is used for this run and never stored; one set in Settings replaces it.
 * The token itself is never logged. Must be created after app 'ready' (safeStorage needs it
 * on Linux).
 */
export function createSafeStorageSecrets(options: SafeStorageSecretsOptions): SecretStore {
  const log = options.log ?? ((line: string) => console.error(`[clawdesk] ${line}`));
  const seed = options.seed || null;
  if (!encryptionAvailable(options.safeStorage, options.platform)) {
    log(
      'safeStorage encryption is not available on this system (no OS keyring): the gateway ' +
        'token is kept in memory only and must be entered again after a restart',
    );
    // A file left by an earlier run with encryption cannot be read now; leave it for later.
    return memorySecrets(seed);
  }
  const { safeStorage, filePath } = options;
  const stored = read(safeStorage, filePath, log);
  // Earlier versions stored the environment's token: that copy goes.
  if (seed && stored === seed) forgetCopy(filePath, log);
  let fromEnvironment = seed;
  let token = seed ?? stored;
  return {
    get kind() {
      return fromEnvironment ? 'environment' : 'safe-storage';
    },
    get: () => token,
    set(value) {
      const next = value || null;
      if (next) write(safeStorage, filePath, next);
      else rmSync(filePath, { force: true });
      token = next;
      fromEnvironment = null;
    },
  };
}

function forgetCopy(filePath: string, log: (line: string) => void): void {
  try {
    rmSync(filePath, { force: true });
    log(`removed ${filePath}: it held the gateway token given in the environment`);
  } catch (err) {
    log(`could not remove ${filePath}: ${err instanceof Error ? err.message : 'unknown error'}`);
  }
}

function read(
  safeStorage: SafeStorageLike,
  filePath: string,
  log: (line: string) => void,
): string | null {
  if (!existsSync(filePath)) return null;
  try {
    return safeStorage.decryptString(readFileSync(filePath)) || null;
  } catch (err) {
    // A keyring reset or a copied profile: the user has to set the token again.
    log(
      `could not decrypt the stored gateway token (${err instanceof Error ? err.message : 'unknown error'}); set it again in Settings`,
    );
    return null;
  }
}

/** Encrypted, owner-only, replaced atomically so a crash never leaves half a token. */
function write(safeStorage: SafeStorageLike, filePath: string, token: string): void {
  const encrypted = safeStorage.encryptString(token);
  const temporary = `${filePath}.${process.pid}.tmp`;
  writeFileSync(temporary, encrypted, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, filePath);
}
