import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { head, sendRaw } from '../helpers/raw-http.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 7, the headless host's doors: `serve.ts` as a user starts it binds loopback unless
 * told otherwise and then warns; the bridge refuses what headless-bridge.test.ts does not
 * already cover (a wrong token of the right length, the token anywhere but the query, near-
 * miss origins and paths) and never writes an offered token to its log.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SERVE = join(ROOT, 'src/main/headless/serve.ts');
const UI_TOKEN = 'a1b2c3d4e5f6a7b8c9d0e1f2';
const WARNING = /^warning: listening on (\S+), not loopback/;

interface Launched {
  url: URL;
  port: number;
  stderr: string[];
  stop(): Promise<void>;
}

/** `node serve.ts --port 0 …` from source, as `npm run serve` runs the built copy. */
async function launch(
  dataDir: string,
  extraArgs: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Launched> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CLAWDESK_UI_TOKEN: UI_TOKEN,
    CLAWDESK_WORKERS: '1',
    ...extraEnv,
  };
  delete env.CLAWDESK_PORT;
  delete env.CLAWDESK_GATEWAY_TOKEN;
  const args = ['--port', '0', '--data-dir', dataDir, '--gateway', 'http://127.0.0.1:9'];
  const child = spawn(process.execPath, [SERVE, ...args, ...extraArgs], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const printed = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^ClawDesk listening on (\S+)$/.exec(line);
      if (match?.[1]) done(match[1]);
    });
    void exited.then(() => fail(new Error(`serve.ts exited:\n${stderr.join('\n')}`)));
  });
  const url = new URL(printed);
  return { url, port: Number(url.port), stderr, stop };
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** The HTTP status of a bridge upgrade (101 when it opens). */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((done) => {
    const { origin, ...rest } = headers;
    const ws = new WebSocket(url, { headers: rest, ...(origin ? { origin } : {}) });
    ws.once('open', () => {
      ws.terminate();
      done(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      done(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => done(-1));
  });
}

/** The status of `GET /` sent with this Host (421: not a name of this server). */
async function pageStatus(port: number, host: string): Promise<number | null> {
  return (await sendRaw(port, head('GET / HTTP/1.1', [['Host', host]]))).status;
}

/** An address of this machine that is not loopback, when it has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

const ipv6 = Object.values(networkInterfaces())
  .flat()
  .some((a) => a?.address === '::1');

let dir: ReturnType<typeof tempDir>;
let byDefault: Launched;

beforeAll(async () => {
  dir = tempDir('clawdesk-refusals-');
  byDefault = await launch(join(dir.path, 'default'), []);
});
afterAll(async () => {
  await byDefault?.stop();
  dir?.cleanup();
});

describe('where serve.ts listens', () => {
  it('by default: 127.0.0.1, printed as such, with no warning', async () => {
    expect(byDefault.url.hostname).toBe('127.0.0.1');
    expect(byDefault.stderr.filter((line) => WARNING.test(line))).toEqual([]);
    expect(await accepts('127.0.0.1', byDefault.port)).toBe(true);
    expect(await accepts('::1', byDefault.port)).toBe(false);
  });

  it.skipIf(!external)('by default: not reachable on the machine’s other addresses', async () => {
    expect(await accepts(external!, byDefault.port)).toBe(false);
  });

  it('--host 0.0.0.0: warns on stderr that it is not loopback, and is reachable', async () => {
    const open = await launch(join(dir.path, 'open'), ['--host', '0.0.0.0']);
    try {
      expect(open.stderr.filter((line) => WARNING.test(line))).toEqual([
        'warning: listening on 0.0.0.0, not loopback: anyone who can reach it and has the URL can use your gateway',
      ]);
      expect(open.url.hostname).toBe('0.0.0.0');
      if (external) expect(await accepts(external, open.port)).toBe(true);
      // Reachable is not open: the bridge still wants the token and our Origin.
      const bridge = `ws://127.0.0.1:${open.port}/bridge`;
      expect(await upgradeStatus(bridge, { origin: open.url.origin })).toBe(401);
      const withToken = `${bridge}?token=${UI_TOKEN}`;
      expect(await upgradeStatus(withToken, { origin: 'http://evil.example' })).toBe(403);
      expect(await upgradeStatus(withToken, { origin: open.url.origin })).toBe(101);
      // The address it was started on is one of its names; a name it was not given is not.
      expect(await pageStatus(open.port, `0.0.0.0:${open.port}`)).not.toBe(421);
      expect(await pageStatus(open.port, `rebound.example:${open.port}`)).toBe(421);
    } finally {
      await open.stop();
    }
  });

  it.each(ipv6 ? [['::1'], ['localhost']] : [['localhost']])(
    '--host %s is loopback: no warning',
    async (host) => {
      const local = await launch(join(dir.path, `loopback-${host.replace(/\W/g, '')}`), [
        '--host',
        host,
      ]);
      try {
        expect(local.stderr.filter((line) => WARNING.test(line))).toEqual([]);
        expect(await accepts(local.url.hostname.replace(/^\[|\]$/g, ''), local.port)).toBe(true);
      } finally {
        await local.stop();
      }
    },
  );
});

describe('the bridge refuses near misses', () => {
  const bridge = (query = ''): string => `ws://127.0.0.1:${byDefault.port}/bridge${query}`;
  const own = (): string => byDefault.url.origin;

  it('accepts the real token with our Origin (the refusals below are not a broken bridge)', async () => {
    expect(await upgradeStatus(bridge(`?token=${UI_TOKEN}`), { origin: own() })).toBe(101);
  });

  it('a wrong token of the same length, a changed case, a prefix, the token plus more: 401', async () => {
    const sameLength = UI_TOKEN.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    for (const token of [
      sameLength,
      UI_TOKEN.toUpperCase(),
      UI_TOKEN.slice(0, -1),
      `${UI_TOKEN}0`,
    ]) {
      expect(token).not.toBe(UI_TOKEN);
      expect(await upgradeStatus(bridge(`?token=${token}`), { origin: own() })).toBe(401);
    }
  });

  it('the token anywhere but the query (header, cookie, other parameter): 401', async () => {
    const origin = own();
    expect(await upgradeStatus(bridge(), { origin, authorization: `Bearer ${UI_TOKEN}` })).toBe(
      401,
    );
    expect(await upgradeStatus(bridge(), { origin, cookie: `token=${UI_TOKEN}` })).toBe(401);
    expect(await upgradeStatus(bridge(`?Token=${UI_TOKEN}`), { origin })).toBe(401);
  });

  it('origins that are almost ours: other port, https, null, a subdomain trick: 403', async () => {
    const port = byDefault.port;
    for (const origin of [
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      'null',
      `http://127.0.0.1:${port}.evil.example`,
      `http://localhost.evil.example:${port}`,
    ]) {
      expect(await upgradeStatus(bridge(`?token=${UI_TOKEN}`), { origin })).toBe(403);
    }
  });

  it('other paths: 404, even with the token', async () => {
    for (const path of ['/bridge/', '/Bridge', '/bridge/x', '/ws']) {
      const url = `ws://127.0.0.1:${byDefault.port}${path}?token=${UI_TOKEN}`;
      expect(await upgradeStatus(url, { origin: own() })).toBe(404);
    }
  });

  it('the log names each refusal but never the token offered', () => {
    const refusals = byDefault.stderr.filter((line) => line.includes('refused a connection'));
    expect(refusals.length).toBeGreaterThanOrEqual(4);
    expect(refusals.filter((line) => line.includes(UI_TOKEN.slice(0, 8)))).toEqual([]);
  });
});

describe('pages reached through a tunnel or a proxy', () => {
  it('--allow-origin and CLAWDESK_ALLOWED_ORIGINS let exactly those origins in', async () => {
    const tunnel = 'http://localhost:9000';
    const proxy = 'https://desk.example.com';
    const served = await launch(join(dir.path, 'tunnel'), ['--allow-origin', tunnel], {
      CLAWDESK_ALLOWED_ORIGINS: proxy,
    });
    try {
      const bridge = `ws://127.0.0.1:${served.port}/bridge?token=${UI_TOKEN}`;
      expect(await upgradeStatus(bridge, { origin: tunnel })).toBe(101);
      expect(await upgradeStatus(bridge, { origin: proxy })).toBe(101);
      expect(await upgradeStatus(bridge, { origin: served.url.origin })).toBe(101);
      expect(await upgradeStatus(bridge, { origin: 'http://localhost:9001' })).toBe(403);
      // Still the token first: an allowed origin is no key.
      const noToken = `ws://127.0.0.1:${served.port}/bridge`;
      expect(await upgradeStatus(noToken, { origin: tunnel })).toBe(401);
      expect(served.stderr).toContain(`pages may also come from: ${tunnel}, ${proxy}`);
      // A proxy may pass its own name on as Host: the allowed origins' hosts are accepted.
      expect(await pageStatus(served.port, 'desk.example.com')).not.toBe(421);
      expect(await pageStatus(served.port, 'other.example.com')).toBe(421);
      const upgrade = head('GET /bridge HTTP/1.1', [
        ['Host', 'other.example.com'],
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
      ]);
      expect((await sendRaw(served.port, upgrade)).status).toBe(421);
      expect(served.stderr).toContainEqual(
        expect.stringContaining(
          'foreign origin http://localhost:9001 (if that is you, start with --allow-origin http://localhost:9001)',
        ),
      );
    } finally {
      await served.stop();
    }
  });

  it('refuses to start with something that is not an origin, naming it', async () => {
    for (const bad of ['http://localhost:9000/', 'localhost:9000', 'http://localhost:9000/app']) {
      await expect(launch(join(dir.path, 'bad-origin'), ['--allow-origin', bad])).rejects.toThrow(
        `--allow-origin "${bad}" must be an origin such as http://localhost:9000`,
      );
    }
  });
});
