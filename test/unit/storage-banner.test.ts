/**
 * The storage banner's side in the renderer (issue 7): what it says for each problem, in
 * English and Simplified Chinese, and the state behind it — read when the page opens, kept
 * current by `storage` events, read again after a reconnect.
 */
import { describe, expect, test } from 'vitest';
import { i18next } from '../../src/renderer/src/i18n/index.ts';
import en from '../../src/renderer/src/locales/en/common.json';
import zh from '../../src/renderer/src/locales/zh-CN/common.json';
import { createStorageStore } from '../../src/renderer/src/storage/storage-store.ts';
import { storageBannerText } from '../../src/renderer/src/storage/storage-text.ts';
import type { StorageProblem } from '../../src/shared/storage.ts';
import { scriptedApi, settle } from '../helpers/renderer-scripted-api.ts';

const FOLDER = '/home/ada/.clawdesk';

const problem = (patch: Partial<StorageProblem> = {}): StorageProblem => ({
  kind: 'full',
  folder: FOLDER,
  code: 'SQLITE_FULL',
  message: `cannot save: the disk holding ${FOLDER} is full.`,
  since: 1,
  restartNeeded: false,
  ...patch,
});

const english = i18next.getFixedT('en', 'common');
const chinese = i18next.getFixedT('zh-CN', 'common');

describe('storage banner text', () => {
  test('a full disk: which folder, what to do, what happens meanwhile', () => {
    expect(storageBannerText(problem(), english)).toBe(
      `ClawDesk cannot save: the disk holding ${FOLDER} is full. Free some space on it. New ` +
        'messages are refused until then; replies that arrive meanwhile are shown, and saved ' +
        'once there is room. ClawDesk tries again by itself.',
    );
    expect(storageBannerText(problem(), chinese)).toBe(
      `ClawDesk 无法保存：${FOLDER} 所在的磁盘已满。请在该磁盘上释放一些空间。在此之前新消息会被拒绝；` +
        '期间收到的回复会照常显示，并在有空间后保存。ClawDesk 会自动重试。',
    );
  });

  test('read-only, while ClawDesk retries by itself', () => {
    const readOnly = problem({ kind: 'read_only', code: 'SQLITE_READONLY' });
    expect(storageBannerText(readOnly, english)).toBe(
      `ClawDesk cannot save: ${FOLDER} is read-only. Make it writable. New messages are ` +
        'refused until then; ClawDesk tries again by itself.',
    );
    expect(storageBannerText(readOnly, chinese)).toBe(
      `ClawDesk 无法保存：${FOLDER} 是只读的。请将其设为可写。在此之前新消息会被拒绝；ClawDesk 会自动重试。`,
    );
  });

  test('opened read-only at start: a restart is needed once the folder is writable', () => {
    const atStart = problem({ kind: 'read_only', code: 'SQLITE_CANTOPEN', restartNeeded: true });
    expect(storageBannerText(atStart, english)).toBe(
      `${FOLDER} is read-only, so ClawDesk opened your history read-only. Make the folder ` +
        'writable, then start ClawDesk again. New messages are refused until then.',
    );
    expect(storageBannerText(atStart, chinese)).toBe(
      `${FOLDER} 是只读的，因此 ClawDesk 以只读方式打开了你的历史记录。请将该文件夹设为可写，然后重新启动 ClawDesk。在此之前新消息会被拒绝。`,
    );
  });

  test('another write failure names the code', () => {
    const failing = problem({ kind: 'failing', code: 'SQLITE_IOERR_WRITE' });
    expect(storageBannerText(failing, english)).toContain(
      `writing to ${FOLDER} fails (SQLITE_IOERR_WRITE). Check that disk.`,
    );
    expect(storageBannerText(failing, chinese)).toContain(
      `写入 ${FOLDER} 失败（SQLITE_IOERR_WRITE）`,
    );
  });

  test('English and Chinese have the same storage keys, each naming the folder', () => {
    expect(Object.keys(zh.storage).sort()).toEqual(Object.keys(en.storage).sort());
    for (const text of [...Object.values(en.storage), ...Object.values(zh.storage)]) {
      expect(text).toContain('{{folder}}');
    }
  });
});

describe('storage state', () => {
  test('read at start, then following events', async () => {
    const { api, emit } = scriptedApi({ 'storage.status': () => ({ problem: problem() }) });
    const store = createStorageStore(api);
    expect(store.getState().problem).toBeNull();
    await settle();
    expect(store.getState().problem?.kind).toBe('full');
    emit({ type: 'storage', problem: null });
    expect(store.getState().problem).toBeNull();
    emit({ type: 'storage', problem: problem({ kind: 'read_only' }) });
    expect(store.getState().problem?.kind).toBe('read_only');
  });

  test('after a reconnect it asks again; an answer older than an event does not undo it', async () => {
    let answer: StorageProblem | null = problem();
    const { api, emit, resync, methods } = scriptedApi({
      'storage.status': () => ({ problem: answer }),
    });
    const store = createStorageStore(api);
    // The event came after the question went out: the late answer is stale.
    emit({ type: 'storage', problem: null });
    await settle();
    expect(store.getState().problem).toBeNull();

    answer = problem({ code: 'ENOSPC' });
    resync();
    await settle();
    expect(store.getState().problem?.code).toBe('ENOSPC');
    expect(methods()).toEqual(['storage.status', 'storage.status']);
  });

  test('a failed read leaves the state as it was', async () => {
    const { api } = scriptedApi({});
    const store = createStorageStore(api);
    await settle();
    expect(store.getState().problem).toBeNull();
  });
});
