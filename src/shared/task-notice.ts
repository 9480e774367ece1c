import type { ResourceAlert } from './monitor.ts';
import type { TaskState, TaskView } from './task.ts';
import type { StorageProblem } from './storage.ts';
import { STATE_WORDS } from './state-words.ts';

/**
 * When a finished task is news, and what the notice says. Shared by Electron's native
 * notifications (main) and the browser's (headless renderer), so both decide alike.
 */

export interface TaskNotice {
  title: string;
  body: string;
}

export interface NoticeWords {
  taskFinished: string;
  taskFailed: string;
  timedOut: string;
  failed: string;
  /** Title of the notice for a tool call waiting for Approve / Deny (issue 6). */
  approvalNeeded: string;
  /** Its second line: which tool asks to run. */
  wantsToRun(tool: string): string;
  /** The notice when saving starts failing: what is wrong, where, what to do (issue 7). */
  storageNotice(problem: StorageProblem): TaskNotice;
  /** The notice when the main process's guard raises an alert (issue 13). */
  resourceNotice(alert: ResourceAlert): TaskNotice;
}

/** Bytes as whole megabytes, as the guard's settings are given: "1,024 MB". */
export function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024)).toLocaleString('en')} MB`;
}

export const NOTICE_WORDS: Record<'en' | 'zh-CN', NoticeWords> = {
  en: {
    taskFinished: 'Task finished',
    taskFailed: 'Task failed',
    timedOut: STATE_WORDS.en.state.timed_out,
    failed: STATE_WORDS.en.state.failed,
    approvalNeeded: 'Approval needed',
    wantsToRun: (tool) => `${tool} wants to run`,
    storageNotice: ({ kind, folder, code, restartNeeded }) => ({
      title: 'ClawDesk cannot save',
      body: restartNeeded
        ? `${folder} is read-only. Make it writable, then start ClawDesk again.`
        : kind === 'full'
          ? `The disk holding ${folder} is full. Free some space; ClawDesk tries again by itself.`
          : kind === 'read_only'
            ? `${folder} is read-only. Make it writable; ClawDesk tries again by itself.`
            : `Writing to ${folder} fails (${code}). ClawDesk tries again by itself.`,
    }),
    resourceNotice: ({ kind, valueBytes, limitBytes, path }) =>
      kind === 'memory'
        ? {
            title: 'ClawDesk is using a lot of memory',
            body:
              `Its main process uses ${megabytes(valueBytes)}, over the ${megabytes(limitBytes)} ` +
              'set in Settings. Restarting ClawDesk frees it; unfinished tasks carry on.',
          }
        : {
            title: 'Low disk space',
            body:
              `Only ${megabytes(valueBytes)} free on the disk holding ${path} (Settings asks for ` +
              `${megabytes(limitBytes)}). Free some space, or ClawDesk may soon be unable to save.`,
          },
  },
  'zh-CN': {
    taskFinished: '任务已完成',
    taskFailed: '任务失败',
    timedOut: STATE_WORDS['zh-CN'].state.timed_out,
    failed: STATE_WORDS['zh-CN'].state.failed,
    approvalNeeded: '需要批准',
    wantsToRun: (tool) => `${tool} 请求运行`,
    storageNotice: ({ kind, folder, code, restartNeeded }) => ({
      title: 'ClawDesk 无法保存',
      body: restartNeeded
        ? `${folder} 是只读的。请将其设为可写，然后重新启动 ClawDesk。`
        : kind === 'full'
          ? `${folder} 所在的磁盘已满。请释放一些空间；ClawDesk 会自动重试。`
          : kind === 'read_only'
            ? `${folder} 是只读的。请将其设为可写；ClawDesk 会自动重试。`
            : `写入 ${folder} 失败（${code}）。ClawDesk 会自动重试。`,
    }),
    resourceNotice: ({ kind, valueBytes, limitBytes, path }) =>
      kind === 'memory'
        ? {
            title: 'ClawDesk 占用内存过多',
            body:
              `主进程使用了 ${megabytes(valueBytes)}，超过设置中的上限 ${megabytes(limitBytes)}。` +
              '重新启动 ClawDesk 可释放内存，未完成的任务会继续。',
          }
        : {
            title: '磁盘空间不足',
            body:
              `${path} 所在的磁盘只剩 ${megabytes(valueBytes)}（设置要求至少 ` +
              `${megabytes(limitBytes)}）。请释放一些空间，否则 ClawDesk 可能很快无法保存。`,
          },
  },
};

const BODY_CHARS = 120;

/** The first line with text, trimmed and cut to `max` characters ('' when there is none). */
export function firstLine(text: string, max: number = BODY_CHARS): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A task's title for people: its prompt's first line, or "(empty)". */
export function titleOf(prompt: string, max: number = BODY_CHARS): string {
  return firstLine(prompt, max) || '(empty)';
}

/**
 * The notice for a task that just reached `task.state`, or null when that is not news (only
 * success and failure are; a cancel was the user's own doing).
 */
export function taskNotice(
  task: TaskView,
  words: NoticeWords = NOTICE_WORDS.en,
): TaskNotice | null {
  const title = titleOf(task.prompt);
  if (task.state === 'succeeded') return { title: words.taskFinished, body: title };
  if (task.state === 'failed' || task.state === 'timed_out') {
    const reason =
      task.error?.message ?? (task.state === 'timed_out' ? words.timedOut : words.failed);
    return { title: words.taskFailed, body: `${title}\n${titleOf(reason)}` };
  }
  return null;
}

/**
 * The notice for a tool call waiting for the user's Approve or Deny (`task.pendingApproval`),
 * or null when none waits.
 */
export function approvalNotice(
  task: TaskView,
  words: NoticeWords = NOTICE_WORDS.en,
): TaskNotice | null {
  const pending = task.pendingApproval;
  if (!pending) return null;
  return {
    title: words.approvalNeeded,
    body: `${titleOf(task.prompt)}\n${firstLine(words.wantsToRun(pending.name))}`,
  };
}

/**
 * Chat (interactive) results need a notice only while the user looks elsewhere — they see
 * them otherwise; background lanes always.
 */
export function shouldNotify(task: TaskView, userIsLooking: boolean): boolean {
  return task.lane !== 'interactive' || !userIsLooking;
}

/** Each task's last state, bounded: only a change is news, a repeated view stays quiet. */
export class StateChanges {
  private readonly last = new Map<string, TaskState>();
  private readonly limit: number;

  constructor(limit = 5_000) {
    this.limit = limit;
  }

  /** Records the state; true when it differs from the one seen before. */
  changed(id: string, state: TaskState): boolean {
    const previous = this.last.get(id);
    this.last.delete(id);
    this.last.set(id, state);
    if (this.last.size > this.limit) {
      const oldest = this.last.keys().next().value;
      if (oldest !== undefined) this.last.delete(oldest);
    }
    return previous !== state;
  }
}

/**
 * The pending tool calls already announced, bounded: each waiting call is news once, however
 * many `task` events repeat it. Keyed by task and call (models reuse ids like "call_0").
 */
export class PendingApprovals {
  private readonly seen = new Set<string>();
  private readonly limit: number;

  constructor(limit = 5_000) {
    this.limit = limit;
  }

  /** Records the view's pending call; true when it has one not seen before. */
  isNew(task: TaskView): boolean {
    const pending = task.pendingApproval;
    if (!pending) return false;
    const key = `${task.id}\u0000${pending.toolCallId}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.limit) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }
}
