/** The renderer's settings store with a scripted API: load, events, Save, refusals, language. */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { Language } from '../../src/shared/settings.ts';
import { ApiCallError } from '../../src/shared/ipc-contract.ts';
import type { SettingsPatch, SettingsView } from '../../src/shared/settings.ts';
import { scriptedApi, settle } from '../helpers/renderer-scripted-api.ts';

import { createSettingsStore as create } from '../../src/renderer/src/settings/settings-store.ts';
import type { RendererApi } from '../../src/renderer/src/api/types.ts';

const applyLanguage = vi.fn<(language: Language) => void>();
const createSettingsStore = (api: RendererApi) => create(api, applyLanguage);

const MINUTE = 60_000;
const view = (patch: Partial<SettingsView> = {}): SettingsView => ({
  gatewayUrl: 'http://127.0.0.1:18790',
  agentId: 'main',
  rateLimit: { perWindow: 40, windowMs: 60_000, maxConcurrent: 5 },
  sharedBudget: { enabled: false, url: '', name: 'default', installName: '' },
  workerCount: 5,
  maxAttempts: 3,
  lanes: {
    interactive: { totalMs: 30 * MINUTE, stallMs: 10 * MINUTE },
    short: { totalMs: 5 * MINUTE, stallMs: 5 * MINUTE },
    long: { totalMs: 24 * 60 * MINUTE, stallMs: 10 * MINUTE },
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
  tokenSet: false,
  tokenStorage: 'file',
  toolSandbox: { kind: 'bubblewrap', detail: 'bubblewrap 0.8.0' },
  ...patch,
});

beforeEach(() => applyLanguage.mockClear());

describe('settings store', () => {
  test('reads the settings at once and applies their language', async () => {
    const { api, methods } = scriptedApi({ 'settings.get': () => view() });
    const store = createSettingsStore(api);
    await settle();
    expect(methods()).toEqual(['settings.get']);
    expect(store.getState().settings).toEqual(view());
    expect(applyLanguage).toHaveBeenCalledExactlyOnceWith('system');
  });

  test('a settings event (another window) replaces them; a new language is applied', async () => {
    const { api, emit } = scriptedApi({ 'settings.get': () => view() });
    const store = createSettingsStore(api);
    await settle();
    emit({ type: 'settings', settings: view({ language: 'zh-CN', tokenSet: true }) });
    expect(store.getState().settings?.tokenSet).toBe(true);
    expect(applyLanguage).toHaveBeenLastCalledWith('zh-CN');
    emit({ type: 'settings', settings: view({ language: 'zh-CN', workerCount: 2 }) });
    expect(applyLanguage).toHaveBeenCalledTimes(2);
  });

  test('update sends the patch as given and keeps what the server stored', async () => {
    const sent: SettingsPatch[] = [];
    const { api } = scriptedApi({
      'settings.get': () => view(),
      'settings.update': (patch) => {
        sent.push(patch);
        return view({ workerCount: 2, tokenSet: true });
      },
    });
    const store = createSettingsStore(api);
    await settle();
    const stored = await store.getState().update({ workerCount: 2, token: 'abc' });
    expect(sent).toEqual([{ workerCount: 2, token: 'abc' }]);
    expect(stored.tokenSet).toBe(true);
    expect(store.getState().settings?.workerCount).toBe(2);
  });

  test("a refusal rejects with the server's words and changes nothing", async () => {
    const { api } = scriptedApi({
      'settings.get': () => view(),
      'settings.update': () => {
        throw new ApiCallError({ code: 'refused', message: 'settings not saved: workerCount: x' });
      },
    });
    const store = createSettingsStore(api);
    await settle();
    await expect(store.getState().update({ workerCount: 2 })).rejects.toThrow(
      'settings not saved: workerCount: x',
    );
    expect(store.getState().settings).toEqual(view());
  });

  test('a failed read is kept for the page to show; a reconnect reads again', async () => {
    let fail = true;
    const { api, resync } = scriptedApi({
      'settings.get': () => {
        if (fail) throw new Error('not connected');
        return view();
      },
    });
    const store = createSettingsStore(api);
    await settle();
    expect(store.getState()).toMatchObject({ settings: null, loadError: 'not connected' });
    fail = false;
    resync();
    await settle();
    expect(store.getState()).toMatchObject({ settings: view(), loadError: null });
  });
});
