/**
 * The settings form's logic under Node: typed text back to settings, messages from the
 * shared schema, and a patch with only what changed.
 */
import { describe, expect, test } from 'vitest';
import type { UserSettings } from '../../src/shared/settings.ts';
import { SettingsPatchSchema } from '../../src/shared/settings.ts';
import {
  boundsOf,
  changedFields,
  fieldOfServerError,
  readForm,
  toForm,
} from '../../src/renderer/src/settings/form.ts';

const MINUTE = 60_000;

const stored = (): UserSettings => ({
  gatewayUrl: 'http://127.0.0.1:18790',
  agentId: 'main',
  rateLimit: { perWindow: 40, windowMs: 60_000, maxConcurrent: 5 },
  sharedBudget: { enabled: false, url: '', name: 'default', installName: '' },
  workerCount: 5,
  maxAttempts: 3,
  lanes: {
    interactive: { totalMs: 30 * MINUTE, stallMs: 10 * MINUTE },
    short: { totalMs: 5 * MINUTE, stallMs: 5 * MINUTE },
    // Not a whole number of minutes: shown rounded, must not be sent back rounded.
    long: { totalMs: 24 * 60 * MINUTE, stallMs: 10_000 },
  },
  waitCaps: {
    gatewayMs: { interactive: 60 * MINUTE, short: 60 * MINUTE, long: 24 * 60 * MINUTE },
    rateLimitMs: 30 * MINUTE,
  },
  retentionDays: 7,
  maxUnfinished: 10_000,
  notifications: { enabled: true },
  language: 'system',
  responseCache: { enabled: false, ttlMs: 10 * MINUTE },
  guard: { memoryMb: 500, freeDiskMb: 1024 },
  tools: {
    enabled: false,
    workspace: '',
    policies: {},
    network: { exec_command: false, exec_python: false },
  },
});

describe('the form shows settings in the units people type', () => {
  test('seconds and minutes, at most three decimals', () => {
    const form = toForm(stored());
    expect(form.windowSeconds).toBe('60');
    expect(form.interactiveTotal).toBe('30');
    expect(form.longTotal).toBe('1440');
    expect(form.longStall).toBe('0.167');
    expect(form.cacheTtlMinutes).toBe('10');
    expect(form.perWindow).toBe('40');
  });

  test('an untouched form reads back as the stored settings exactly: nothing to send', () => {
    const before = stored();
    const { settings, errors } = readForm(toForm(before), before);
    expect(errors).toEqual({});
    expect(settings).toEqual(before);
    expect(changedFields(before, settings!)).toEqual({});
  });
});

describe('Save sends only the changed fields', () => {
  test('limits: the group is sent whole (the patch is shallow), nothing else', () => {
    const before = stored();
    const form = { ...toForm(before), perWindow: '2', windowSeconds: '4' };
    const { settings } = readForm(form, before);
    const patch = changedFields(before, settings!);
    expect(patch).toEqual({ rateLimit: { perWindow: 2, windowMs: 4000, maxConcurrent: 5 } });
    expect(SettingsPatchSchema.safeParse(patch).success).toBe(true);
  });

  test('minutes become milliseconds; other lanes keep their exact values', () => {
    const before = stored();
    const form = { ...toForm(before), interactiveStall: '2.5' };
    const patch = changedFields(before, readForm(form, before).settings!);
    expect(patch).toEqual({
      lanes: { ...before.lanes, interactive: { totalMs: 30 * MINUTE, stallMs: 150_000 } },
    });
    expect(patch.lanes?.long.stallMs).toBe(10_000);
  });

  test('checkboxes, language, URL and agent id', () => {
    const before = stored();
    const form = {
      ...toForm(before),
      notifications: false,
      cacheEnabled: true,
      language: 'zh-CN' as const,
      gatewayUrl: '  http://gateway.local:9000  ',
      agentId: 'ops',
    };
    expect(changedFields(before, readForm(form, before).settings!)).toEqual({
      notifications: { enabled: false },
      responseCache: { enabled: true, ttlMs: 10 * MINUTE },
      language: 'zh-CN',
      gatewayUrl: 'http://gateway.local:9000',
      agentId: 'ops',
    });
  });
});

describe('local tools (issue 6)', () => {
  test('each tool shows its override, or its default when there is none', () => {
    const before = {
      ...stored(),
      tools: { ...stored().tools, enabled: true, policies: { read_file: 'deny' as const } },
    };
    expect(toForm(before).toolPolicies).toEqual({
      read_file: 'deny',
      list_directory: 'allow',
      write_file: 'ask',
      create_directory: 'ask',
      exec_command: 'ask',
      exec_python: 'ask',
    });
    // Untouched, the defaults are not written as overrides.
    expect(readForm(toForm(stored()), stored()).settings!.tools.policies).toEqual({});
  });

  test('a changed policy, the checkbox and the folder: the tools group is sent whole', () => {
    const before = stored();
    const loaded = toForm(before);
    const form = {
      ...loaded,
      toolsEnabled: true,
      toolsWorkspace: '  /home/me/work ',
      toolPolicies: { ...loaded.toolPolicies, write_file: 'deny' as const },
    };
    const patch = changedFields(before, readForm(form, before).settings!);
    expect(patch).toEqual({
      tools: {
        enabled: true,
        workspace: '/home/me/work',
        policies: { write_file: 'deny' },
        network: { exec_command: false, exec_python: false },
      },
    });
    expect(SettingsPatchSchema.safeParse(patch).success).toBe(true);
  });

  test("an exec tool's network switch is sent with the tools group (issue 13)", () => {
    const before = stored();
    const loaded = toForm(before);
    expect(loaded.toolNetwork).toEqual({ exec_command: false, exec_python: false });
    const form = { ...loaded, toolNetwork: { ...loaded.toolNetwork, exec_python: true } };
    const patch = changedFields(before, readForm(form, before).settings!);
    expect(patch.tools?.network).toEqual({ exec_command: false, exec_python: true });
    expect(SettingsPatchSchema.safeParse(patch).success).toBe(true);
  });

  test('a refusal naming tools.network or an exec policy lands on its field', () => {
    const refusal =
      'settings not saved: tools.policies.exec_command: cannot be "allow" without an OS sandbox';
    expect(fieldOfServerError(refusal)).toBe('toolPolicies');
    expect(fieldOfServerError('settings.update: tools.network.exec_python: bad')).toBe(
      'toolNetwork',
    );
  });

  test('a Windows folder is absolute too', () => {
    const before = stored();
    const { errors, settings } = readForm(
      { ...toForm(before), toolsWorkspace: 'C:\\work' },
      before,
    );
    expect(errors).toEqual({});
    expect(settings!.tools.workspace).toBe('C:\\work');
  });

  test('a relative workspace folder is refused', () => {
    const before = stored();
    const { errors, settings } = readForm(
      { ...toForm(before), toolsWorkspace: 'work/here' },
      before,
    );
    expect(settings).toBeUndefined();
    expect(errors).toEqual({ toolsWorkspace: { key: 'errors.workspace' } });
  });
});

describe('the shared budget (issue 15)', () => {
  test('the group is sent whole, the URL as shown (its password as ***)', () => {
    const before = stored();
    before.sharedBudget = {
      enabled: false,
      url: 'redis://:***@10.0.0.2:6379',
      name: 'default',
      installName: '',
    };
    const form = { ...toForm(before), budgetEnabled: true, budgetName: ' team ' };
    const patch = changedFields(before, readForm(form, before).settings!);
    expect(patch).toEqual({
      sharedBudget: {
        enabled: true,
        url: 'redis://:***@10.0.0.2:6379',
        name: 'team',
        installName: '',
      },
    });
    expect(SettingsPatchSchema.safeParse(patch).success).toBe(true);
  });

  test('a URL that is not Redis, sharing without one, and a bad name land on their fields', () => {
    const before = stored();
    const notRedis = readForm({ ...toForm(before), budgetUrl: 'http://x:6379' }, before);
    expect(notRedis.errors.budgetUrl).toEqual({ key: 'errors.redisUrl' });
    const noUrl = readForm({ ...toForm(before), budgetEnabled: true }, before);
    expect(noUrl.errors.budgetUrl).toEqual({ key: 'errors.budgetUrlNeeded' });
    const badName = readForm({ ...toForm(before), budgetName: 'a b' }, before);
    expect(badName.errors.budgetName).toEqual({ key: 'errors.budgetName' });
    expect(fieldOfServerError('settings not saved: sharedBudget.url: Redis URL must')).toBe(
      'budgetUrl',
    );
  });
});

describe('validation with the shared schema', () => {
  test('a URL that is not one, and one without http(s)', () => {
    const before = stored();
    expect(readForm({ ...toForm(before), gatewayUrl: 'not a url' }, before)).toEqual({
      errors: { gatewayUrl: { key: 'errors.url' } },
    });
    const ftp = readForm({ ...toForm(before), gatewayUrl: 'ftp://host' }, before);
    expect(ftp.errors).toEqual({ gatewayUrl: { key: 'errors.urlScheme' } });
    expect(ftp.settings).toBeUndefined();
  });

  test('numbers out of range, not whole, empty or not numbers name their range', () => {
    const before = stored();
    const form = {
      ...toForm(before),
      maxConcurrent: '65',
      workerCount: '2.5',
      maxAttempts: '',
      perWindow: 'abc',
      windowSeconds: '0.5',
      agentId: 'has space',
    };
    const { errors, settings } = readForm(form, before);
    expect(settings).toBeUndefined();
    expect(errors).toEqual({
      maxConcurrent: { key: 'errors.wholeRange', values: { min: '1', max: '64' } },
      workerCount: { key: 'errors.wholeRange', values: { min: '1', max: '32' } },
      maxAttempts: { key: 'errors.wholeRange', values: { min: '1', max: '20' } },
      perWindow: { key: 'errors.wholeRange', values: { min: '1', max: '100000' } },
      windowSeconds: { key: 'errors.range', values: { min: '1', max: '86400' } },
      agentId: { key: 'errors.agentId' },
    });
  });

  test('bounds come from the schema, in the displayed unit', () => {
    expect(boundsOf('interactiveTotal')).toEqual({ min: '0.167', max: '10080' });
    expect(boundsOf('retentionDays')).toEqual({ min: '1', max: '3650' });
    expect(boundsOf('cacheTtlMinutes')).toEqual({ min: '0.017', max: '43200' });
  });
});

describe("the server's refusal goes next to the field it names", () => {
  test.each([
    ['settings.update: rateLimit.perWindow: Too small: expected number to be >=1', 'perWindow'],
    [
      'settings not saved: rateLimit.maxConcurrent: Too big: expected number to be <=64',
      'maxConcurrent',
    ],
    ['settings.update: gatewayUrl: gateway URL must start with http://', 'gatewayUrl'],
    ['settings.update: lanes.long.stallMs: too big', 'longStall'],
    [
      'settings.update: tools.workspace: workspace must be an absolute folder path',
      'toolsWorkspace',
    ],
    ['token: could not be stored in the keychain', 'token'],
    ['settings.update failed: disk full', undefined],
  ])('%s', (message, field) => {
    expect(fieldOfServerError(message)).toBe(field);
  });
});
