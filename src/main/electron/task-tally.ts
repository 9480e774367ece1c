import { titleOf } from '../../shared/task-notice.ts';
import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type { ResourceAlert, TaskSummary } from '../../shared/monitor.ts';
import type { Lane, TaskPhase, TaskState, TaskView } from '../../shared/task.ts';
import type { TrayIconState } from './tray-icons.ts';

/** What the tray knows of one unfinished task. */
export interface TalliedTask {
  id: string;
  lane: Lane;
  state: TaskState;
  title: string;
  outputChars: number;
  phase?: TaskPhase;
}

export interface TallySnapshot {
  running: TalliedTask[];
  counts: { running: number; queued: number; paused: number };
  icon: TrayIconState;
  /** ClawDesk cannot save (disk full, read-only): new work is refused until it can. */
  cannotSave: boolean;
  /** The main process's guard: memory over its limit, disk space low (issue 13). */
  alerts: ResourceAlert[];
}

/** States the tray keeps; a finished task leaves the tally. */
const OPEN_STATES: ReadonlySet<TaskState> = new Set(['queued', 'running', 'paused', 'interrupted']);
const FAILED_STATES: ReadonlySet<TaskState> = new Set(['failed', 'timed_out']);
export const TITLE_CHARS = 60;

const fromView = (task: TaskView): TalliedTask => ({
  id: task.id,
  lane: task.lane,
  state: task.state,
  title: titleOf(task.prompt, TITLE_CHARS),
  outputChars: task.output.length,
  ...(task.phase ? { phase: task.phase } : {}),
});

const fromSummary = (task: TaskSummary): TalliedTask => ({
  id: task.id,
  lane: task.lane,
  state: task.state,
  title: titleOf(task.title, TITLE_CHARS),
  outputChars: task.outputChars,
  ...(task.phase ? { phase: task.phase } : {}),
});

/**
 * The tray's small in-memory picture of the queue, fed by core events. `load` takes the
 * initial `tasks.list` page; tasks an event touched meanwhile keep the (newer) event's view.
 * "Error" means: a task failed since the user last looked (`acknowledge`), or the gateway is
 * refusing work (breaker open, token rejected), ClawDesk cannot save (a `storage` event), or
 * the guard raised an alert (a `resources` event).
 */
export class TaskTally {
  readonly #tasks = new Map<string, TalliedTask>();
  #touched: Set<string> | null = new Set();
  #unseenFailures = 0;
  #upstreamDown = false;
  #cannotSave = false;
  #alerts: ResourceAlert[] = [];

  /** Applies one core event; true when the tray has something new to show. */
  apply(event: TaskEvent): boolean {
    if (event.type === 'task') {
      const task = event.task;
      this.#touched?.add(task.id);
      const previous = this.#tasks.get(task.id);
      if (FAILED_STATES.has(task.state) && previous) this.#unseenFailures += 1;
      if (OPEN_STATES.has(task.state)) this.#tasks.set(task.id, fromView(task));
      else this.#tasks.delete(task.id);
      return true;
    }
    if (event.type === 'delta') {
      const task = this.#tasks.get(event.taskId);
      if (!task) return false;
      task.outputChars = Math.max(task.outputChars, event.offset + event.text.length);
      return task.state === 'running';
    }
    if (event.type === 'upstream') {
      const down = event.status.breaker.state === 'open' || event.status.auth.state === 'rejected';
      const changed = down !== this.#upstreamDown;
      this.#upstreamDown = down;
      return changed;
    }
    if (event.type === 'storage') {
      const changed = (event.problem !== null) !== this.#cannotSave;
      this.#cannotSave = event.problem !== null;
      return changed;
    }
    if (event.type === 'resources') {
      this.#alerts = event.alerts;
      return true;
    }
    return false;
  }

  /** The initial picture; only tasks no event has mentioned yet are taken from it. */
  load(tasks: readonly TaskSummary[]): void {
    for (const task of tasks) {
      if (this.#touched?.has(task.id) || !OPEN_STATES.has(task.state)) continue;
      this.#tasks.set(task.id, fromSummary(task));
    }
    this.#touched = null;
  }

  /** The user opened the window: failures so far have been seen. */
  acknowledge(): boolean {
    const had = this.#unseenFailures > 0;
    this.#unseenFailures = 0;
    return had;
  }

  snapshot(): TallySnapshot {
    const running: TalliedTask[] = [];
    let queued = 0;
    let paused = 0;
    for (const task of this.#tasks.values()) {
      if (task.state === 'running') running.push(task);
      else if (task.state === 'queued') queued += 1;
      else paused += 1;
    }
    const icon: TrayIconState =
      this.#unseenFailures > 0 || this.#upstreamDown || this.#cannotSave || this.#alerts.length > 0
        ? 'error'
        : running.length > 0
          ? 'running'
          : 'idle';
    const counts = { running: running.length, queued, paused };
    return { running, counts, icon, cannotSave: this.#cannotSave, alerts: this.#alerts };
  }
}
