import type { ClawDeskCore } from '../core/core.ts';
import type { ApiOutcome } from '../../shared/ipc-contract.ts';
import type { Language } from '../../shared/settings.ts';
import type { TaskPhase } from '../../shared/task.ts';
import type { ResourceAlert } from '../../shared/monitor.ts';
import type { NoticeWords } from '../../shared/task-notice.ts';
import { megabytes, NOTICE_WORDS } from '../../shared/task-notice.ts';
import { STATE_WORDS } from '../../shared/state-words.ts';

/** The words of the tray and the notifications (main's own UI), in the app's two languages. */
export interface ShellTexts extends NoticeWords {
  idle: string;
  counts(running: string, queued: string, paused: string | null): string;
  chars(count: string): string;
  phase: Record<TaskPhase, string>;
  moreRunning(count: number): string;
  noneRunning: string;
  open: string;
  pauseAll: string;
  resumeAll: string;
  quit: string;
  trayNotice: { title: string; body: string };
  /** The tray's line while ClawDesk cannot save. */
  cannotSave: string;
  /** The tray's line while the main process's guard raises this alert. */
  resourceLine(alert: ResourceAlert): string;
}

const en: ShellTexts = {
  idle: 'idle',
  counts: (running, queued, paused) =>
    `${running} running, ${queued} queued${paused ? `, ${paused} paused` : ''}`,
  chars: (count) => `${count} chars`,
  // The chat's and the monitor's words for what a task waits for (one table, src/shared).
  phase: STATE_WORDS.en.phase,
  moreRunning: (count) => `…and ${count} more running`,
  noneRunning: 'No tasks running',
  open: 'Open ClawDesk',
  pauseAll: 'Pause all',
  resumeAll: 'Resume all',
  quit: 'Quit ClawDesk',
  // The notifications say what the headless page's say: one wording, in src/shared.
  ...NOTICE_WORDS.en,
  trayNotice: {
    title: 'ClawDesk keeps running in the tray',
    body: 'Your tasks go on. Choose Quit from the tray icon’s menu to end ClawDesk.',
  },
  cannotSave: 'Cannot save — open ClawDesk to see why',
  resourceLine: ({ kind, valueBytes, limitBytes }) =>
    kind === 'memory'
      ? `Memory high: ${megabytes(valueBytes)} (limit ${megabytes(limitBytes)})`
      : `Low disk space: ${megabytes(valueBytes)} free`,
};

const zhCN: ShellTexts = {
  idle: '空闲',
  counts: (running, queued, paused) =>
    `${running} 个运行中，${queued} 个排队中${paused ? `，${paused} 个已暂停` : ''}`,
  chars: (count) => `${count} 字符`,
  phase: STATE_WORDS['zh-CN'].phase,
  moreRunning: (count) => `……另有 ${count} 个运行中`,
  noneRunning: '没有运行中的任务',
  open: '打开 ClawDesk',
  pauseAll: '全部暂停',
  resumeAll: '全部继续',
  quit: '退出 ClawDesk',
  ...NOTICE_WORDS['zh-CN'],
  trayNotice: {
    title: 'ClawDesk 仍在托盘中运行',
    body: '任务会继续执行。要退出 ClawDesk，请在托盘图标的菜单中选择“退出”。',
  },
  cannotSave: '无法保存——打开 ClawDesk 查看原因',
  resourceLine: ({ kind, valueBytes, limitBytes }) =>
    kind === 'memory'
      ? `内存过高：${megabytes(valueBytes)}（上限 ${megabytes(limitBytes)}）`
      : `磁盘空间不足：剩余 ${megabytes(valueBytes)}`,
};

export const ENGLISH: ShellTexts = en;

/** 'system' follows the OS locale (Electron `app.getLocale()`): Chinese → zh-CN, else en. */
export function shellTextsFor(setting: Language, systemLocale: string): ShellTexts {
  const language =
    setting === 'system' ? (systemLocale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en') : setting;
  return language === 'zh-CN' ? zhCN : en;
}

export interface ShellLanguage {
  texts(): ShellTexts;
  /** Called after the language changed. */
  onChange(listener: () => void): void;
}

/** Main's language: the settings' `language`, read at start and followed from `settings` events. */
export function followShellLanguage(
  core: Pick<ClawDeskCore, 'dispatch' | 'onEvent'>,
  systemLocale: string,
): ShellLanguage {
  let current = shellTextsFor('system', systemLocale);
  let fromEvent = false;
  const listeners: (() => void)[] = [];
  const apply = (setting: Language): void => {
    const next = shellTextsFor(setting, systemLocale);
    if (next === current) return;
    current = next;
    for (const listener of listeners) listener();
  };
  core.onEvent((event) => {
    if (event.type !== 'settings') return;
    fromEvent = true;
    apply(event.settings.language);
  });
  void core.dispatch('settings.get', {}).then((outcome) => {
    const got = outcome as ApiOutcome<'settings.get'>;
    if (got.ok && !fromEvent) apply(got.result.language);
  });
  return {
    texts: () => current,
    onChange: (listener) => void listeners.push(listener),
  };
}
