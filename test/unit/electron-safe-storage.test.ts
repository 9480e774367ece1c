import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSafeStorageSecrets } from '../../src/main/electron/safe-storage-secrets.ts';

const TOKEN = 'sk-very-secret-token-123';

/** A reversible stand-in for the OS keychain cipher: nothing of the plaintext survives. */
function fakeSafeStorage(available = true, backend?: string) {
  const key = 0x5a;
  return {
    isEncryptionAvailable: vi.fn(() => available),
    encryptString: vi.fn((text: string) =>
      Buffer.concat([Buffer.from('v10'), Buffer.from(text).map((b) => b ^ key)]),
    ),
    decryptString: vi.fn((data: Buffer) => {
      if (data.subarray(0, 3).toString() !== 'v10') throw new Error('bad ciphertext');
      return Buffer.from(data.subarray(3).map((b) => b ^ key)).toString();
    }),
    ...(backend ? { getSelectedStorageBackend: vi.fn(() => backend as never) } : {}),
  };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clawdesk-secrets-'));
  file = join(dir, 'gateway-token.enc');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('safeStorage secret store', () => {
  it('round-trips the token through an encrypted 0600 file', () => {
    const safeStorage = fakeSafeStorage();
    const store = createSafeStorageSecrets({ safeStorage, filePath: file, log: vi.fn() });
    expect(store.kind).toBe('safe-storage');
    expect(store.get()).toBeNull();
    store.set(TOKEN);
    expect(store.get()).toBe(TOKEN);
    const onDisk = readFileSync(file);
    expect(onDisk.includes(Buffer.from(TOKEN))).toBe(false);
    expect(onDisk.toString('latin1')).not.toContain('secret');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    // No temporary file left behind.
    expect(readdirSync(dir)).toEqual(['gateway-token.enc']);

    const reopened = createSafeStorageSecrets({ safeStorage, filePath: file, log: vi.fn() });
    expect(reopened.get()).toBe(TOKEN);
  });

  it('clears the file when the token is cleared', () => {
    const store = createSafeStorageSecrets({ safeStorage: fakeSafeStorage(), filePath: file });
    store.set(TOKEN);
    store.set(null);
    expect(store.get()).toBeNull();
    expect(existsSync(file)).toBe(false);
    store.set('');
    expect(store.get()).toBeNull();
  });

  it('uses the environment’s token for this run without storing it (issue 13)', () => {
    const safeStorage = fakeSafeStorage();
    const store = createSafeStorageSecrets({ safeStorage, filePath: file, seed: TOKEN });
    expect(store.get()).toBe(TOKEN);
    expect(store.kind).toBe('environment');
    expect(existsSync(file)).toBe(false);
    expect(safeStorage.encryptString).not.toHaveBeenCalled();
    expect(createSafeStorageSecrets({ safeStorage, filePath: file }).get()).toBeNull();
    // A token set in Settings replaces it and is stored, encrypted.
    store.set('typed-token');
    expect(store.kind).toBe('safe-storage');
    expect(createSafeStorageSecrets({ safeStorage, filePath: file }).get()).toBe('typed-token');
  });

  it('removes the copy of the environment’s token an earlier version stored', () => {
    const safeStorage = fakeSafeStorage();
    createSafeStorageSecrets({ safeStorage, filePath: file }).set(TOKEN);
    const log = vi.fn();
    const store = createSafeStorageSecrets({ safeStorage, filePath: file, seed: TOKEN, log });
    expect(store.get()).toBe(TOKEN);
    expect(existsSync(file)).toBe(false);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('removed'));
    expect(log.mock.calls.join('\n')).not.toContain(TOKEN);
    // One the user typed (another token) stays for the runs without the environment's.
    createSafeStorageSecrets({ safeStorage, filePath: file }).set('typed-token');
    createSafeStorageSecrets({ safeStorage, filePath: file, seed: TOKEN });
    expect(createSafeStorageSecrets({ safeStorage, filePath: file }).get()).toBe('typed-token');
  });

  it('falls back to memory, says so, and writes nothing when encryption is unavailable', () => {
    const log = vi.fn();
    const safeStorage = fakeSafeStorage(false);
    const store = createSafeStorageSecrets({ safeStorage, filePath: file, seed: TOKEN, log });
    expect(store.kind).toBe('memory');
    expect(store.get()).toBe(TOKEN);
    store.set('another-token');
    expect(store.get()).toBe('another-token');
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    expect(safeStorage.encryptString).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('not available'));
    expect(log.mock.calls.join('\n')).not.toContain(TOKEN);
  });

  it("treats Linux's basic_text backend (a fixed key) as no encryption", () => {
    const log = vi.fn();
    const safeStorage = fakeSafeStorage(true, 'basic_text');
    const store = createSafeStorageSecrets({ safeStorage, filePath: file, platform: 'linux', log });
    expect(store.kind).toBe('memory');
    const keyring = fakeSafeStorage(true, 'gnome_libsecret');
    expect(
      createSafeStorageSecrets({ safeStorage: keyring, filePath: file, platform: 'linux' }).kind,
    ).toBe('safe-storage');
  });

  it('starts without a token, and without logging it, when the file cannot be decrypted', () => {
    writeFileSync(file, 'garbage');
    const log = vi.fn();
    const store = createSafeStorageSecrets({ safeStorage: fakeSafeStorage(), filePath: file, log });
    expect(store.get()).toBeNull();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('set it again'));
  });
});

describe('safeStorage secret store, keychain refusing', () => {
  it('a token set in Settings that cannot be stored fails the change, saying why', () => {
    const safeStorage = fakeSafeStorage();
    safeStorage.encryptString.mockImplementation(() => {
      throw new Error('keychain access denied');
    });
    const store = createSafeStorageSecrets({ safeStorage, filePath: file, seed: TOKEN });
    // The environment's token is never stored, so a refusing keychain does not matter to it.
    expect(store.get()).toBe(TOKEN);
    expect(() => store.set('typed-token')).toThrow('keychain access denied');
    expect(store.get()).toBe(TOKEN);
    expect(existsSync(file)).toBe(false);
  });
});
