import { statfsSync } from 'node:fs';
import type { Resources } from '../../shared/monitor.ts';
import type { TaskState } from '../../shared/task.ts';
import { ApiRefusal } from './api-dispatcher.ts';
import type { ResourceGuard } from './resource-guard.ts';
import type { Scheduler } from './scheduler.ts';
import { applyTaskAction } from './task-actions.ts';
import type { TaskStore } from './task-store.ts';

/** The task monitor's commands: its list, one task whole, bulk pause and resume. */
export function monitorHandlers(store: TaskStore, scheduler: Scheduler) {
  const bulk = (action: 'pause' | 'resume', from: TaskState[]) => {
    let count = 0;
    for (const id of store.queries.idsIn(from)) {
      try {
        applyTaskAction(store, scheduler, action, id);
        count++;
      } catch (err) {
        // A task that moved on meanwhile (finished, say) is simply not counted.
        if (!(err instanceof ApiRefusal)) throw err;
      }
    }
    return { count };
  };
  return {
    'tasks.list': (filter: Parameters<TaskStore['queries']['list']>[0]) => {
      const page = store.queries.list(filter);
      return { ...page, tasks: page.tasks.map((t) => scheduler.liveSummary(t)) };
    },
    'tasks.get': ({ taskId }: { taskId: string }) => {
      const task = store.get(taskId);
      if (!task) throw new ApiRefusal('not_found', `task ${taskId} does not exist`);
      return { ...scheduler.live(task), toolCalls: scheduler.toolCalls(taskId) };
    },
    'tasks.pauseAll': () => bulk('pause', ['queued', 'running']),
    'tasks.resumeAll': () => bulk('resume', ['paused']),
  };
}

/**
 * Memory and CPU of main and the workers, free disk where the data lives, and the guard's
 * alerts (read afresh: the monitor asks every few seconds).
 */
export function resourceProbe(
  dataDir: string,
  scheduler: Scheduler,
  guard: ResourceGuard,
): () => Resources {
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  return () => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / Math.max(1, now - lastAt)) * 100;
    lastCpu = process.cpuUsage();
    lastAt = now;
    const memory = process.memoryUsage();
    const fs = statfsSync(dataDir);
    const alerts = guard.check();
    return {
      main: {
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        cpuPercent: Math.round(cpuPercent * 10) / 10,
      },
      workers: scheduler
        .workers()
        .map((w) => ({ pid: w.handle.pid ?? null, rssBytes: w.rssBytes, busy: w.job !== null })),
      disk: { path: dataDir, freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize },
      lowDisk: alerts.some((alert) => alert.kind === 'disk'),
      alerts,
    };
  };
}
