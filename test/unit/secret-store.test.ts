import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSecrets } from '../../src/main/core/secret-store.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** Issue 13: a gateway token given in the environment is used, never written to the data folder. */

let dir: ReturnType<typeof tempDir>;
let path: string;
let log: string[];
beforeEach(() => {
  dir = tempDir('clawdesk-secret-store-');
  path = join(dir.path, 'gateway-token');
  log = [];
});
afterEach(() => dir.cleanup());

describe('fileSecrets with a token from the environment', () => {
  it('uses it for this run and writes nothing', () => {
    const secrets = fileSecrets(path, 'env-token', (line) => log.push(line));
    expect(secrets.get()).toBe('env-token');
    expect(secrets.kind).toBe('environment');
    expect(readdirSync(dir.path)).toEqual([]);
    // The next run without it has no token: the environment was the only place it was kept.
    expect(fileSecrets(path).get()).toBeNull();
  });

  it('a token set in Settings replaces it, and that one is kept in the 0600 file', () => {
    const secrets = fileSecrets(path, 'env-token');
    secrets.set('typed-token');
    expect(secrets.get()).toBe('typed-token');
    expect(secrets.kind).toBe('file');
    expect(readFileSync(path, 'utf8').trim()).toBe('typed-token');
    // At the next start the environment wins for that run, and the typed one is left alone.
    const next = fileSecrets(path, 'env-token');
    expect(next.get()).toBe('env-token');
    expect(readFileSync(path, 'utf8').trim()).toBe('typed-token');
  });

  it('removes the copy an earlier version wrote, saying so without the token', () => {
    writeFileSync(path, 'env-token\n', { mode: 0o600 });
    const secrets = fileSecrets(path, 'env-token', (line) => log.push(line));
    expect(secrets.get()).toBe('env-token');
    expect(existsSync(path)).toBe(false);
    expect(log).toEqual([
      `removed ${path}: it held a copy of the gateway token given in the environment`,
    ]);
  });

  it('clearing the token in Settings clears both', () => {
    const secrets = fileSecrets(path, 'env-token');
    secrets.set(null);
    expect(secrets.get()).toBeNull();
    expect(secrets.kind).toBe('file');
  });
});
