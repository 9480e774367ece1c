import type { TaskEvent } from '../../../shared/ipc-contract.ts';
import type { TaskSummary } from '../../../shared/monitor.ts';
import type { Lane, TaskState, TaskView } from '../../../shared/task.ts';
import { TERMINAL_STATES } from '../../../shared/task.ts';
import type { UpstreamStatus } from '../../../shared/upstream.ts';
import { mergeTask } from '../store/apply-batch.ts';

/** What the monitor shows; an empty list means "any". */
export interface MonitorFilter {
  states: TaskState[];
  lanes: Lane[];
  /** Agents (issue 14: each conversation keeps its agent). */
  agents: string[];
  search: string;
}

export const emptyFilter = (): MonitorFilter => ({ states: [], lanes: [], agents: [], search: '' });

/** How many starts of the limiter window the sparkline keeps. */
export const SAMPLE_COUNT = 60;

/** The server-derived part of the monitor state. */
export interface MonitorData {
  /** The listed rows by task id; updated in place (see applyMonitorBatch), so select `version`. */
  rows: Map<string, TaskSummary>;
  /** Counts changes to `rows`. */
  version: number;
  /** Rows shown, newest first (the server's order, plus live arrivals). */
  ids: string[];
  /** Tasks matching the filter on the server, at the last load plus arrivals since. */
  total: number;
  /** The selected task whole, output included; null while none is selected or loading. */
  detail: TaskView | null;
  upstream: UpstreamStatus | null;
}

export const emptyMonitorData = (): MonitorData => ({
  rows: new Map(),
  version: 0,
  ids: [],
  total: 0,
  detail: null,
  upstream: null,
});

/** Incoming items: server events and the answers to our own requests, applied in order. */
export type MonitorIncoming =
  | TaskEvent
  | { type: 'list'; tasks: TaskSummary[]; total: number }
  | { type: 'detail'; task: TaskView };

export const isTerminal = (state: TaskState): boolean => TERMINAL_STATES.includes(state);

/** The prompt's first line, cut to 160 characters, as the server titles a row. */
export function titleOf(prompt: string): string {
  const line = prompt.trimStart().split('\n', 1)[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/** A row from a full view; an older main may send no `startedAt`, then the held row's counts. */
export function summarize(task: TaskView, held?: TaskSummary): TaskSummary {
  const startedAt =
    task.startedAt ??
    held?.startedAt ??
    (task.state === 'running' || task.output ? task.updatedAt : null);
  const summary: TaskSummary = {
    id: task.id,
    conversationId: task.conversationId,
    lane: task.lane,
    state: task.state,
    title: held?.title ?? titleOf(task.prompt),
    ...((task.agentId ?? held?.agentId) ? { agentId: task.agentId ?? held?.agentId } : {}),
    attempts: task.attempts,
    ...(task.failures === undefined ? {} : { failures: task.failures }),
    maxAttempts: task.maxAttempts,
    outputChars: task.output.length,
    error: task.error,
    createdAt: task.createdAt,
    startedAt,
    updatedAt: task.updatedAt,
    finishedAt: task.finishedAt,
  };
  if (task.phase !== undefined) summary.phase = task.phase;
  return summary;
}

/** Whether a task belongs in the list under the filter (search: the title, as far as we know). */
export function matches(
  filter: MonitorFilter,
  row: Pick<TaskSummary, 'state' | 'lane' | 'title' | 'agentId'>,
): boolean {
  if (filter.states.length > 0 && !filter.states.includes(row.state)) return false;
  if (filter.lanes.length > 0 && !filter.lanes.includes(row.lane)) return false;
  if (filter.agents.length > 0 && !filter.agents.includes(row.agentId ?? '')) return false;
  const search = filter.search.trim().toLowerCase();
  return search === '' || row.title.toLowerCase().includes(search);
}

/** Newest first: by creation time, then id (ids sort by time too). */
const newerFirst = (a: TaskSummary, b: TaskSummary): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Adds rows new to the list: usually all newer than the list, so they go in front. */
function withAdded(ids: string[], rows: Map<string, TaskSummary>, added: TaskSummary[]): string[] {
  added.sort(newerFirst);
  const first = ids[0] === undefined ? undefined : rows.get(ids[0]);
  const last = added[added.length - 1];
  if (!first || (last && newerFirst(last, first) <= 0)) return [...added.map((r) => r.id), ...ids];
  const all = [...ids.flatMap((id) => rows.get(id) ?? []), ...added];
  return all.sort(newerFirst).map((r) => r.id);
}

/**
 * Applies a batch of incoming items. `rows` is updated in place (copying a 10,000-entry map
 * every frame would cost more than the frame has) and `version` counts the changes, so views
 * select `version`; each row object is replaced, never changed, so unchanged rows keep their
 * identity. `ids` is copied when rows come or go. Rows that stop matching the filter (a
 * "running" filter and a task that finished) leave the list; ones that match again return.
 */
export function applyMonitorBatch(
  data: MonitorData,
  items: readonly MonitorIncoming[],
  filter: MonitorFilter,
): MonitorData {
  const batch = new MonitorBatch(data, filter);
  for (const item of items) batch.apply(item);
  return batch.result();
}

/** One batch's working copy of MonitorData (see applyMonitorBatch for what is copied). */
class MonitorBatch {
  private data: MonitorData;
  private readonly filter: MonitorFilter;
  private changed = false;
  private readonly removed = new Set<string>();
  /** Rows new to the list in this batch, placed once at the end. */
  private added: TaskSummary[] = [];

  constructor(data: MonitorData, filter: MonitorFilter) {
    this.data = { ...data };
    this.filter = filter;
  }

  apply(item: MonitorIncoming): void {
    const data = this.data;
    switch (item.type) {
      case 'list':
        data.rows = new Map(item.tasks.map((t) => [t.id, t]));
        this.changed = true;
        data.ids = item.tasks.map((t) => t.id);
        this.removed.clear();
        this.added = [];
        data.total = item.total;
        return;
      case 'detail': {
        const { detail } = data;
        data.detail =
          detail && detail.id === item.task.id ? mergeTask(detail, item.task) : item.task;
        return;
      }
      case 'task':
        return this.putTask(item.task);
      case 'delta':
        this.rowDelta(item);
        return this.detailDelta(item);
      case 'upstream':
        data.upstream = item.status;
        return;
      default:
        return; // conversations and settings are the chat's and the settings' business
    }
  }

  result(): MonitorData {
    const data = this.data;
    if (this.removed.size > 0) {
      data.ids = data.ids.filter((id) => !this.removed.has(id));
      data.total = Math.max(data.ids.length, data.total - this.removed.size);
    }
    if (this.added.length > 0) data.ids = withAdded(data.ids, data.rows, this.added);
    if (this.changed) data.version += 1;
    return data;
  }

  private writeRow(row: TaskSummary): void {
    this.data.rows.set(row.id, row);
    this.changed = true;
  }

  private putTask(task: TaskView): void {
    const data = this.data;
    if (data.detail && data.detail.id === task.id) data.detail = mergeTask(data.detail, task);
    const held = data.rows.get(task.id);
    if (held && held.updatedAt > task.updatedAt) return;
    const row = summarize(task, held);
    // A row the server found by its output stays while state and lane still match.
    const keep = held ? matchesBesideSearch(this.filter, row) : matches(this.filter, row);
    if (held) {
      if (keep) this.writeRow(row);
      else {
        data.rows.delete(task.id);
        this.removed.add(task.id);
        this.changed = true;
      }
      return;
    }
    if (!keep) return;
    this.writeRow(row);
    this.removed.delete(row.id);
    this.added.push(row);
    data.total += 1;
  }

  /** The row counts the characters streamed; its phase is over once text comes. */
  private rowDelta(event: Extract<TaskEvent, { type: 'delta' }>): void {
    const row = this.data.rows.get(event.taskId);
    if (!row || isTerminal(row.state)) return;
    const chars = Math.max(row.outputChars, event.offset + event.text.length);
    if (chars !== row.outputChars || row.phase !== undefined) {
      const { phase: _over, ...rest } = row;
      this.writeRow({ ...rest, outputChars: chars });
    }
  }

  /** The open task's text grows; a gap cannot be filled here, the next snapshot brings it. */
  private detailDelta(event: Extract<TaskEvent, { type: 'delta' }>): void {
    const { detail } = this.data;
    if (!detail || detail.id !== event.taskId || isTerminal(detail.state)) return;
    const length = detail.output.length;
    if (event.offset > length) return;
    const tail = event.text.slice(length - event.offset);
    if (tail.length > 0) {
      const { phase: _over, ...rest } = detail;
      this.data.detail = { ...rest, output: detail.output + tail };
    }
  }
}

/** A row the server found by its output text stays listed while state and lane still match. */
function matchesBesideSearch(filter: MonitorFilter, row: TaskSummary): boolean {
  return matches({ ...filter, search: '' }, row);
}
