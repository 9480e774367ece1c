/**
 * The headless page token (issue 14): kept in the data folder (0600) so the printed URL works
 * after a restart; CLAWDESK_UI_TOKEN and --new-token say otherwise; and a page without the
 * token, or with a wrong one, can learn which from the server.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { resolveUiToken, UI_TOKEN_FILE } from '../../src/main/headless/ui-token.ts';
import { withTokenCheck } from '../../src/main/headless/token-check.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('page token', () => {
  const dirs: Array<ReturnType<typeof tempDir>> = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.cleanup();
  });
  const dir = () => {
    const d = tempDir('ui-token');
    dirs.push(d);
    return d.path;
  };

  test('first start makes one and keeps it 0600; the next start reads the same', () => {
    const dataDir = join(dir(), 'nested');
    const first = resolveUiToken({ dataDir, renew: false });
    expect(first.source).toBe('new');
    const file = join(dataDir, UI_TOKEN_FILE);
    expect(first.file).toBe(file);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = resolveUiToken({ dataDir, renew: false });
    expect(second).toMatchObject({ token: first.token, source: 'file' });
  });

  test('--new-token replaces it; CLAWDESK_UI_TOKEN wins and is not written', () => {
    const dataDir = dir();
    const first = resolveUiToken({ dataDir, renew: false });
    const renewed = resolveUiToken({ dataDir, renew: true });
    expect(renewed.token).not.toBe(first.token);
    expect(resolveUiToken({ dataDir, renew: false }).token).toBe(renewed.token);
    const env = resolveUiToken({ dataDir, fromEnv: 'from-the-environment', renew: false });
    expect(env).toEqual({ token: 'from-the-environment', source: 'environment', file: null });
    expect(readFileSync(join(dataDir, UI_TOKEN_FILE), 'utf8').trim()).toBe(renewed.token);
  });

  test('a damaged file is replaced; a folder that cannot keep it still gives a token', () => {
    const dataDir = dir();
    writeFileSync(join(dataDir, UI_TOKEN_FILE), 'x\n');
    const replaced = resolveUiToken({ dataDir, renew: false });
    expect(replaced.source).toBe('new');
    expect(replaced.token).toMatch(/^[0-9a-f]{48}$/);
    const readOnly = dir();
    chmodSync(readOnly, 0o500);
    try {
      const unkept = resolveUiToken({ dataDir: readOnly, renew: false });
      // Root ignores folder permissions; elsewhere the token lasts this run, with a warning.
      if (unkept.file === null) expect(unkept.warning).toMatch(/could not keep the page token/);
      expect(unkept.token).toMatch(/^[0-9a-f]{48}$/);
    } finally {
      chmodSync(readOnly, 0o700);
    }
  });
});

describe('token check', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  test('204 for the right token, 401 naming a missing or wrong one; other paths pass on', async () => {
    const handler = withTokenCheck(async (_req, res) => {
      res.writeHead(200).end('page');
    }, 'right-token-123456');
    // Behind the request guard, as in the server: the target is a checked path.
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      void handler(req, res, { path: url.pathname, query: url.searchParams });
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/token-check?token=right-token-123456`)).status).toBe(204);
    const missing = await fetch(`${base}/token-check`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ token: 'missing' });
    const wrong = await fetch(`${base}/token-check?token=nope`);
    expect(await wrong.json()).toEqual({ token: 'wrong' });
    expect(wrong.headers.get('access-control-allow-origin')).toBeNull();
    expect(await (await fetch(`${base}/index.html`)).text()).toBe('page');
  });
});
