import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileSecrets } from '../../src/main/core/secret-store.ts';
import { ScriptedCore, tick, until } from '../helpers/scripted-core.ts';

describe('settings', () => {
  let c: ScriptedCore;
  afterEach(() => c.close());

  it('reads back what was saved, across a restart, and never the token', async () => {
    c = new ScriptedCore();
    const before = await c.call('settings.get', {});
    expect(before).toMatchObject({ tokenSet: true, tokenStorage: 'memory', language: 'system' });
    expect(JSON.stringify(before)).not.toContain('secret-token');
    const saved = await c.call('settings.update', {
      rateLimit: { perWindow: 20, windowMs: 30_000, maxConcurrent: 2 },
      language: 'zh-CN',
      token: 'new-token',
    });
    expect(saved).toMatchObject({
      rateLimit: { perWindow: 20 },
      language: 'zh-CN',
      tokenSet: true,
    });
    expect(JSON.stringify(saved)).not.toContain('new-token');
    expect((await c.call('upstream.status', {})).limiter).toMatchObject({
      perWindow: 20,
      maxConcurrent: 2,
    });
    expect(c.events.some((e) => e.type === 'settings')).toBe(true);
    await c.core.close();
    c.start();
    expect(await c.call('settings.get', {})).toMatchObject({
      rateLimit: { perWindow: 20 },
      language: 'zh-CN',
    });
  });

  it('refuses a bad value naming the field, and changes nothing', async () => {
    c = new ScriptedCore();
    const bad = await c.core.dispatch('settings.update', { gatewayUrl: 'not a url' });
    expect(bad).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('gatewayUrl') },
    });
    const tooMany = await c.core.dispatch('settings.update', { workerCount: 99 });
    expect(tooMany).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('workerCount') },
    });
    expect((await c.call('settings.get', {})).gatewayUrl).toBe('http://127.0.0.1:1');
  });

  it('sends the new token with the next run', async () => {
    c = new ScriptedCore();
    await c.call('settings.update', { token: 'fresh-token' });
    await c.send('x');
    const worker = await c.readyWorker();
    const job = await until(() => worker.lastRun(), 'a run');
    expect(job.gateway.token).toBe('fresh-token');
  });

  it('keeps a file token 0600 and clears it on an empty token', () => {
    c = new ScriptedCore();
    const path = join(c.dir.path, 'token');
    const secrets = fileSecrets(path);
    secrets.set('abc');
    expect(readFileSync(path, 'utf8').trim()).toBe('abc');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    secrets.set(null);
    expect(secrets.get()).toBeNull();
  });
});

describe('conversations and the monitor', () => {
  let c: ScriptedCore;
  afterEach(() => c.close());

  it('renames, and deletes a conversation after cancelling its running task', async () => {
    c = new ScriptedCore();
    const { conversation, task } = await c.send('long job');
    const worker = await c.readyWorker();
    await until(() => worker.lastRun(), 'a run');
    expect(
      await c.call('conversations.rename', { conversationId: conversation.id, title: ' Ops ' }),
    ).toMatchObject({ title: 'Ops' });
    expect(await c.call('conversations.delete', { conversationId: conversation.id })).toEqual({
      deletedTasks: 1,
    });
    expect(worker.received.at(-1)).toEqual({ type: 'abort', taskId: task.id, attempt: 1 });
    expect(await c.call('conversations.list', {})).toEqual([]);
    expect(c.events.at(-1)).toEqual({
      type: 'conversation-deleted',
      conversationId: conversation.id,
    });
    expect(await c.core.dispatch('tasks.get', { taskId: task.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('lists tasks newest first, filtered, searched and paged', async () => {
    c = new ScriptedCore();
    const a = await c.send('alpha report');
    await c.send('beta 100% done', a.conversation.id, 'long');
    await c.send('gamma report', a.conversation.id, 'short');
    const all = await c.call('tasks.list', {});
    expect(all.total).toBe(3);
    expect(all.tasks.map((t) => t.title)).toEqual([
      'gamma report',
      'beta 100% done',
      'alpha report',
    ]);
    expect((await c.call('tasks.list', { lanes: ['long'] })).tasks.map((t) => t.title)).toEqual([
      'beta 100% done',
    ]);
    expect((await c.call('tasks.list', { search: 'report' })).total).toBe(2);
    expect((await c.call('tasks.list', { search: '100%' })).total).toBe(1);
    const page = await c.call('tasks.list', { limit: 1, before: all.tasks[0]?.id });
    expect(page).toMatchObject({ total: 3, tasks: [{ title: 'beta 100% done' }] });
  });

  it('pauses all and resumes all', async () => {
    c = new ScriptedCore();
    const a = await c.send('one');
    await c.send('two', a.conversation.id);
    const worker = await c.readyWorker();
    await until(() => worker.lastRun(), 'a run');
    expect(await c.call('tasks.pauseAll', {})).toEqual({ count: 2 });
    expect((await c.call('tasks.list', { states: ['paused'] })).total).toBe(2);
    const job = worker.lastRun();
    if (job) worker.reportAborted(job.taskId);
    await tick();
    expect(await c.call('tasks.resumeAll', {})).toEqual({ count: 2 });
    expect((await c.call('tasks.list', { states: ['paused'] })).total).toBe(0);
  });

  it('reports main and worker memory and free disk', async () => {
    c = new ScriptedCore();
    const r = await c.call('system.resources', {});
    expect(r.main.rssBytes).toBeGreaterThan(1e6);
    expect(r.disk.totalBytes).toBeGreaterThan(r.disk.freeBytes);
    expect(typeof r.lowDisk).toBe('boolean');
  });
});

describe('the rate window across a restart', () => {
  let c: ScriptedCore;
  afterEach(() => c.close());

  it('still counts the runs started in the last window', async () => {
    c = new ScriptedCore();
    const a = await c.send('one');
    await c.send('two', a.conversation.id);
    const worker = await c.readyWorker();
    await until(() => worker.lastRun(), 'a run');
    await c.core.close();
    c.start();
    expect((await c.call('upstream.status', {})).limiter.startsInWindow).toBe(1);
  });
});
