import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type ClawDeskCore } from '../../src/main/core/core.ts';
import { ResourceGuard, type ResourceReader } from '../../src/main/core/resource-guard.ts';
import { defaultSettings } from '../../src/main/core/settings.ts';
import type { ApiMethod, ApiParams, ApiResult, TaskEvent } from '../../src/shared/ipc-contract.ts';
import type { ResourceAlert } from '../../src/shared/monitor.ts';
import { scriptedSpawner } from '../helpers/scripted-worker.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 13: the main process's guard. Memory over the limit (the seed's 500 MB) or too little
 * free disk under the data folder is an alert, announced once when it begins and once when it
 * ends, with hysteresis; the readings are injected, the rest is the real core.
 */

const MB = 1024 * 1024;

/** Readings the test sets; `freeBytes` throws when set to an Error. */
function fakeReader(): ResourceReader & { rss: number; free: number | Error } {
  const reader = {
    rss: 100 * MB,
    free: (50_000 * MB) as number | Error,
    rssBytes: () => reader.rss,
    freeBytes: () => {
      if (reader.free instanceof Error) throw reader.free;
      return reader.free;
    },
  };
  return reader;
}

const alertKinds = (events: TaskEvent[]): ResourceAlert['kind'][][] =>
  events.flatMap((e) => (e.type === 'resources' ? [e.alerts.map((a) => a.kind)] : []));

describe('ResourceGuard', () => {
  let guard: ResourceGuard | undefined;
  afterEach(() => guard?.stop());

  const start = (limits = { memoryMb: 500, freeDiskMb: 1024 }) => {
    const reader = fakeReader();
    const events: TaskEvent[] = [];
    const log: string[] = [];
    guard = new ResourceGuard({
      folder: '/data',
      limits: () => limits,
      everyMs: 60_000,
      emit: (event) => events.push(event),
      log: (line) => log.push(line),
      now: () => 1_000,
      reader,
    });
    return { reader, events, log, limits, guard };
  };

  it('memory: one alert from passing the limit until back under 90 % of it', () => {
    const { reader, events, log, guard: g } = start();
    expect(g.check()).toEqual([]);
    reader.rss = 501 * MB;
    expect(g.check()).toEqual([
      { kind: 'memory', valueBytes: 501 * MB, limitBytes: 500 * MB, path: '/data', since: 1_000 },
    ]);
    // Still over, or just under (hysteresis): the same episode, no new event.
    reader.rss = 700 * MB;
    g.check();
    reader.rss = 480 * MB;
    expect(g.check()).toMatchObject([{ kind: 'memory', valueBytes: 480 * MB }]);
    reader.rss = 449 * MB;
    expect(g.check()).toEqual([]);
    expect(alertKinds(events)).toEqual([['memory'], []]);
    expect(log).toEqual([
      'main process memory 501 MB (limit 500 MB): over the limit',
      'main process memory 449 MB (limit 500 MB): back within the limit',
    ]);
  });

  it('disk: one alert from dropping under the minimum until 10 % above it', () => {
    const { reader, events, guard: g } = start();
    reader.free = 1000 * MB;
    expect(g.check()).toMatchObject([
      { kind: 'disk', valueBytes: 1000 * MB, limitBytes: 1024 * MB, path: '/data' },
    ]);
    reader.free = 1100 * MB;
    expect(g.check()).toHaveLength(1);
    reader.free = 1200 * MB;
    expect(g.check()).toEqual([]);
    expect(alertKinds(events)).toEqual([['disk'], []]);
  });

  it('both at once, each its own episode; a new limit applies at the next look', () => {
    const { reader, events, limits, guard: g } = start();
    reader.rss = 600 * MB;
    reader.free = 10 * MB;
    g.check();
    limits.memoryMb = 1000;
    g.check();
    limits.freeDiskMb = 0; // no disk alert at all
    g.check();
    expect(alertKinds(events)).toEqual([['memory', 'disk'], ['disk'], []]);
  });

  it('a disk it cannot look at is logged, and the memory is still watched', () => {
    const { reader, log, guard: g } = start();
    reader.free = new Error('ENOENT: no such file or directory');
    reader.rss = 900 * MB;
    expect(g.check().map((a) => a.kind)).toEqual(['memory']);
    g.check();
    expect(log.filter((line) => line.includes('cannot read free space'))).toEqual([
      'resource guard: cannot read free space: Error: ENOENT: no such file or directory',
    ]);
  });
});

describe('the guard in the core', () => {
  let core: ClawDeskCore | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await core?.close();
    dir?.cleanup();
  });

  const call = async <M extends ApiMethod>(method: M, params: ApiParams<M>) => {
    const outcome = await core!.dispatch(method, params);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.result as ApiResult<M>;
  };

  it('looks by itself, shows alerts in system.resources and follows the Settings limits', async () => {
    dir = tempDir('clawdesk-guard-');
    const reader = fakeReader();
    reader.rss = 600 * MB;
    const events: TaskEvent[] = [];
    core = createCore({
      dbPath: `${dir.path}/clawdesk.sqlite`,
      settings: defaultSettings({ workerCount: 1 }),
      spawnWorker: scriptedSpawner().spawn,
      log: () => {},
      resourceReader: reader,
    });
    core.onEvent((event) => events.push(event));
    // The first look comes a turn after the start, once the hosts listen.
    await new Promise((resolve) => setImmediate(resolve));
    expect(alertKinds(events)).toEqual([['memory']]);

    const settings = await call('settings.get', {});
    expect(settings.guard).toEqual({ memoryMb: 500, freeDiskMb: 1024 });
    reader.free = 100 * MB;
    const resources = await call('system.resources', {});
    expect(resources.alerts.map((a) => a.kind)).toEqual(['memory', 'disk']);
    expect(resources.lowDisk).toBe(true);

    await call('settings.update', { guard: { memoryMb: 2048, freeDiskMb: 50 } });
    expect(alertKinds(events)).toEqual([['memory'], ['memory', 'disk'], []]);
    expect((await call('settings.get', {})).guard).toEqual({ memoryMb: 2048, freeDiskMb: 50 });
  });

  it('refuses limits out of range, naming the field', async () => {
    dir = tempDir('clawdesk-guard-');
    core = createCore({
      dbPath: `${dir.path}/clawdesk.sqlite`,
      settings: defaultSettings({ workerCount: 1 }),
      spawnWorker: scriptedSpawner().spawn,
      log: () => {},
      resourceReader: fakeReader(),
    });
    await expect(
      call('settings.update', { guard: { memoryMb: 10, freeDiskMb: 1 } }),
    ).rejects.toThrow('guard.memoryMb');
  });
});
