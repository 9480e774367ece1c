import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHeadless, type HeadlessServer } from '../../src/main/headless/server.ts';
import { defaultSettings } from '../../src/main/core/settings.ts';
import type { BridgeServerMessage } from '../../src/shared/bridge-protocol.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const WORKER_ENTRY = join(import.meta.dirname, '../../src/worker/index.ts');

function connect(url: string, origin?: string): Promise<{ ws: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode }));
    ws.once('error', () => resolve({ ws, status: -1 }));
  });
}

function call(ws: WebSocket, frame: string): Promise<BridgeServerMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as BridgeServerMessage;
      if (message.kind === 'event') return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.send(frame);
  });
}

describe('headless bridge', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: HeadlessServer;
  let base: URL;

  beforeAll(async () => {
    dir = tempDir();
    const rendererDir = join(dir.path, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ClawDesk</title>');
    server = await startHeadless({
      dataDir: join(dir.path, 'data'),
      settings: defaultSettings({
        gateway: { url: 'http://127.0.0.1:9', token: 't', agentId: 'main' },
      }),
      port: 0,
      host: '127.0.0.1',
      rendererDir,
      workerEntry: WORKER_ENTRY,
      uiToken: 'ui-token-123',
      log: () => {},
    });
    base = new URL(server.url);
  });
  afterAll(async () => {
    await server.close();
    dir.cleanup();
  });

  const bridgeUrl = (token?: string) =>
    `ws://${base.host}/bridge${token === undefined ? '' : `?token=${token}`}`;

  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=ui-token-123$/);
  });

  it('serves the renderer with a strict CSP and no referrer', async () => {
    const res = await fetch(new URL('/', base));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(new URL('/..%2f..%2fetc/passwd', base))).status).not.toBe(200);
  });

  it('refuses a missing token, a wrong token and a foreign origin', async () => {
    const origin = base.origin;
    expect((await connect(bridgeUrl(), origin)).status).toBe(401);
    expect((await connect(bridgeUrl('wrong'), origin)).status).toBe(401);
    expect((await connect(bridgeUrl('ui-token-123'), 'http://evil.example')).status).toBe(403);
    expect((await connect(bridgeUrl('ui-token-123'))).status).toBe(403);
  });

  it('answers commands, and refuses malformed ones by name while staying up', async () => {
    const { ws, status } = await connect(bridgeUrl('ui-token-123'), base.origin);
    expect(status).toBeUndefined();
    expect(
      await call(ws, JSON.stringify({ id: 1, method: 'conversations.list', params: {} })),
    ).toEqual({
      kind: 'result',
      id: 1,
      result: [],
    });
    expect(await call(ws, 'not json')).toMatchObject({
      kind: 'error',
      id: null,
      error: { code: 'invalid_params' },
    });
    expect(
      await call(ws, JSON.stringify({ id: 2, method: 'chat.send', params: { text: 5 } })),
    ).toMatchObject({
      kind: 'error',
      id: 2,
      error: { code: 'invalid_params', message: expect.stringContaining('text') },
    });
    expect(await call(ws, JSON.stringify({ id: 3, method: 'fs.read', params: {} }))).toMatchObject({
      kind: 'error',
      id: 3,
      error: { code: 'unknown_method' },
    });
    const big = 'x'.repeat(11 * 1024 * 1024);
    expect(
      await call(ws, JSON.stringify({ id: 5, method: 'chat.send', params: { text: big } })),
    ).toMatchObject({
      kind: 'error',
      id: 5,
      error: { code: 'invalid_params', message: 'chat.send: text: message is larger than 10 MB' },
    });
    expect(
      await call(ws, JSON.stringify({ id: 4, method: 'conversations.list', params: {} })),
    ).toMatchObject({
      kind: 'result',
      result: [],
    });
    ws.close();
  });
});
