import type { TaskPhase, TaskState } from './task.ts';

/**
 * One wording per task state and per wait, for every face: the chat, the task monitor (both
 * through the renderer's `words` i18n namespace, made from this table), the tray and the
 * notifications (main, through `wordsFor`). A running task that waits for the model reads
 * "Model thinking…" everywhere, never one thing in the chat and another in the tray.
 * Placeholders are i18next's `{{name}}`, filled by `fillWords` outside the renderer.
 */
export interface StateWords {
  state: Record<TaskState, string>;
  /** A running task between its phases: handed to a worker, then its text flowing. */
  activity: { starting: string; streaming: string };
  phase: Record<TaskPhase, string>;
  /** Why queued work waits (issue 12 and the breaker/token waits before it). */
  wait: {
    /** The gateway does not answer: every queued message and the banner say so. */
    gatewayDown: string;
    /** Its reason and the next health probe: "connection refused; next try at 14:03:07". */
    gatewayDownDetail: string;
    gatewayDownNoProbe: string;
    /** The model provider's limit came back through OpenClaw (pauseCause 'provider'). */
    providerPause: string;
    /** A 429 with Retry-After from the gateway itself. */
    gatewayPause: string;
    /** OpenClaw runs one turn per session: a later message waits for the earlier one. */
    turnOne: string;
    turnMany: string;
    token: string;
    breaker: string;
  };
  /**
   * The budget shared with other installs through Redis (issue 15): the limiter strip and the
   * monitor say the same. `_one`/`_other` are i18next's plural forms (the renderer only).
   */
  budget: {
    shared_one: string;
    shared_other: string;
    connecting: string;
    /** Redis unreachable: this install runs on its share ("13/min"). */
    offline: string;
    offlineDetail: string;
  };
  /** The mark on text kept from a run that was cut, until the next run replaces it. */
  interrupted: string;
  /** A tool call asked for while ClawDesk's local tools are off. */
  toolsOff: string;
  toolsOffLink: string;
}

const en: StateWords = {
  state: {
    queued: 'Queued',
    running: 'Running',
    succeeded: 'Done',
    failed: 'Failed',
    cancelled: 'Cancelled',
    timed_out: 'Timed out',
    paused: 'Paused',
    interrupted: 'Interrupted, will resume',
  },
  activity: { starting: 'Starting…', streaming: 'Streaming…' },
  phase: {
    waiting_for_rate_limit: 'Waiting for the rate limit…',
    thinking: 'Model thinking…',
    waiting_approval: 'Waiting for your approval of a tool call…',
    recovering: 'Checking OpenClaw for the interrupted answer…',
  },
  wait: {
    gatewayDown: 'Waiting for the gateway at {{origin}}…',
    gatewayDownDetail: '{{reason}}; next try at {{time}}',
    gatewayDownNoProbe: '{{reason}}',
    providerPause: 'Rate-limited by the model provider, retrying at {{time}}',
    gatewayPause: 'Paused until {{time}} after a 429',
    turnOne: 'Waits for the earlier message of this conversation',
    turnMany: 'Waits for the {{count}} earlier messages of this conversation',
    token: 'Waiting for a valid gateway token',
    breaker: 'Waiting for the gateway to recover',
  },
  budget: {
    shared_one: 'Shared budget “{{name}}”: this install only so far',
    shared_other: 'Shared budget “{{name}}” across {{count}} installs',
    connecting: 'Connecting to the shared budget “{{name}}”…',
    offline: 'Shared budget offline — local share {{share}}',
    offlineDetail: '{{reason}}; rejoins by itself',
  },
  interrupted: 'interrupted',
  toolsOff: 'The model asked for a tool, but ClawDesk’s local tools are off.',
  toolsOffLink: 'Turn them on in Settings → Tools',
};

const zhCN: StateWords = {
  state: {
    queued: '排队中',
    running: '运行中',
    succeeded: '完成',
    failed: '失败',
    cancelled: '已取消',
    timed_out: '已超时',
    paused: '已暂停',
    interrupted: '已中断，将继续',
  },
  activity: { starting: '正在开始…', streaming: '正在输出…' },
  phase: {
    waiting_for_rate_limit: '等待速率限制…',
    thinking: '模型思考中…',
    waiting_approval: '等待你批准工具调用…',
    recovering: '正在向 OpenClaw 查询中断的回答…',
  },
  wait: {
    gatewayDown: '正在等待 {{origin}} 的网关…',
    gatewayDownDetail: '{{reason}}；{{time}} 再次尝试',
    gatewayDownNoProbe: '{{reason}}',
    providerPause: '模型提供方限流，{{time}} 重试',
    gatewayPause: '收到 429，暂停到 {{time}}',
    turnOne: '等待本对话中较早的消息',
    turnMany: '等待本对话中较早的 {{count}} 条消息',
    token: '等待有效的网关令牌',
    breaker: '等待网关恢复',
  },
  budget: {
    shared_one: '共享预算“{{name}}”：目前只有本安装',
    shared_other: '共享预算“{{name}}”，共 {{count}} 个安装',
    connecting: '正在连接共享预算“{{name}}”…',
    offline: '共享预算离线 — 本地份额 {{share}}',
    offlineDetail: '{{reason}}；将自动重新加入',
  },
  interrupted: '已中断',
  toolsOff: '模型请求使用工具，但 ClawDesk 的本地工具已关闭。',
  toolsOffLink: '在 设置 → 工具 中开启',
};

export type WordsLanguage = 'en' | 'zh-CN';

export const STATE_WORDS: Record<WordsLanguage, StateWords> = { en, 'zh-CN': zhCN };

export const wordsFor = (language: WordsLanguage): StateWords => STATE_WORDS[language];

/** `{{name}}` → values.name, as i18next does it (the renderer's own path). */
export function fillWords(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
