/**
 * Settings → Budget and CLAWDESK_REDIS_URL (issue 15): the Redis URL may hold a password, so it
 * is shown and logged without it, and one given in the environment is used for that run only.
 * Redis itself is not needed here: a URL where nothing listens takes the install offline.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type ClawDeskCore } from '../../src/main/core/core.ts';
import {
  pinnedFromEnv,
  settingsFromEnv,
  takeEnvironment,
} from '../../src/main/core/config-from-env.ts';
import { redactRedisUrl } from '../../src/main/core/budget-config.ts';
import type { SettingsView } from '../../src/shared/settings.ts';
import type { UpstreamStatus } from '../../src/shared/upstream.ts';
import { freePort } from '../helpers/redis-server.ts';
import { scriptedSpawner } from '../helpers/scripted-worker.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const PASSWORD = 'hunter2-sekrit';
let core: ClawDeskCore | undefined;
const dirs: Array<{ cleanup: () => void }> = [];

function start(env: Record<string, string> = {}) {
  const dir = tempDir();
  dirs.push(dir);
  const settings = settingsFromEnv(env);
  const lines: string[] = [];
  core = createCore({
    dbPath: `${dir.path}/db.sqlite`,
    settings,
    pinned: pinnedFromEnv(env, {}, settings),
    spawnWorker: scriptedSpawner().spawn,
    log: (line) => lines.push(line),
  });
  return { settings, lines, dbPath: `${dir.path}/db.sqlite` };
}

async function call<T>(method: string, params: unknown): Promise<T> {
  const outcome = await core!.dispatch(method, params);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.result as T;
}

async function offline(): Promise<UpstreamStatus> {
  for (let i = 0; i < 400; i++) {
    const status = await call<UpstreamStatus>('upstream.status', {});
    if (status.limiter.shared?.state === 'offline') return status;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('never went offline');
}

afterEach(async () => {
  await core?.close();
  core = undefined;
  for (const d of dirs.splice(0)) d.cleanup();
});

describe('the Redis URL is a secret', () => {
  it('is shown without its password, and sending that back keeps the stored one', async () => {
    const { settings } = start();
    const port = await freePort();
    const url = `redis://:${PASSWORD}@127.0.0.1:${port}/0`;
    const saved = await call<SettingsView>('settings.update', {
      sharedBudget: { enabled: true, url, name: 'home', installName: 'laptop' },
    });
    expect(saved.sharedBudget.url).toBe(`redis://:***@127.0.0.1:${port}/0`);
    expect(JSON.stringify(await call('settings.get', {}))).not.toContain(PASSWORD);
    // The page sends the group back as shown, with a new name: the password stays.
    await call('settings.update', {
      sharedBudget: { ...saved.sharedBudget, name: 'team' },
    });
    expect(settings.sharedBudget).toMatchObject({ url, name: 'team' });
    const status = await offline();
    expect(status.limiter.shared).toMatchObject({
      state: 'offline',
      budget: 'team',
      server: `127.0.0.1:${port}`,
      reason: 'connection refused',
      share: { perWindow: 40, maxConcurrent: 5 },
      installs: [{ name: 'laptop', self: true }],
    });
    expect(JSON.stringify(status)).not.toContain(PASSWORD);
  });

  it('refuses a URL that is not Redis, or sharing without one, naming the field', async () => {
    start();
    const bad = await core!.dispatch('settings.update', {
      sharedBudget: { enabled: true, url: 'http://x:6379', name: 'default', installName: '' },
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('sharedBudget.url') },
    });
    const none = await core!.dispatch('settings.update', {
      sharedBudget: { enabled: true, url: '', name: 'default', installName: '' },
    });
    expect(none).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('Redis URL is needed') },
    });
    const name = await core!.dispatch('settings.update', {
      sharedBudget: { enabled: false, url: '', name: 'a b', installName: '' },
    });
    expect(name).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('sharedBudget.name') },
    });
  });

  it('from CLAWDESK_REDIS_URL: used for the run, never stored, never inherited', async () => {
    const port = await freePort();
    const url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
    const live: NodeJS.ProcessEnv = { CLAWDESK_REDIS_URL: url, CLAWDESK_BUDGET_NAME: 'home' };
    const env = takeEnvironment(live);
    expect(live).toEqual({ CLAWDESK_BUDGET_NAME: 'home' }); // workers and tools inherit this
    const { dbPath, lines } = start(env as Record<string, string>);
    const status = await offline();
    expect(status.limiter.shared).toMatchObject({ budget: 'home', server: `127.0.0.1:${port}` });
    // Another change is saved, the URL from the environment is not.
    await call('settings.update', { language: 'zh-CN' });
    await core!.close();
    core = undefined;
    const stored = readFileSync(dbPath).toString('latin1');
    expect(stored).toContain('zh-CN');
    expect(stored).not.toContain(PASSWORD);
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(lines.join('\n')).toContain('Redis unreachable (connection refused)');
  });

  it('names a bad CLAWDESK_REDIS_URL without echoing it', () => {
    const attempt = () => settingsFromEnv({ CLAWDESK_REDIS_URL: `http://:${PASSWORD}@host` });
    expect(attempt).toThrow('CLAWDESK_REDIS_URL must start with redis:// or rediss://');
    expect(attempt).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(PASSWORD) }),
    );
    expect(() =>
      settingsFromEnv({ CLAWDESK_REDIS_URL: 'redis://h', CLAWDESK_BUDGET_NAME: 'a/b' }),
    ).toThrow(/CLAWDESK_BUDGET_NAME: budget name/);
  });

  it('redacts passwords, user-only credentials and anything unparsable', () => {
    expect(redactRedisUrl('redis://user:pw@h:1/2')).toBe('redis://user:***@h:1/2');
    expect(redactRedisUrl('redis://pw@h')).toBe('redis://***@h');
    expect(redactRedisUrl('redis://h:6379')).toBe('redis://h:6379');
    expect(redactRedisUrl('::not a url pw')).toBe('(not a URL)');
  });
});
