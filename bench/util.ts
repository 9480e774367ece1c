/** Shared plumbing of the benchmarks: temp dirs, an inert worker, waiting, clean-up. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerHandle } from '../src/main/core/worker-port.ts';
import type { WindowChart } from './chart.ts';

export const WORKER_ENTRY = join(import.meta.dirname, '../src/worker/index.ts');

/** What a section prints: a heading, one or more Markdown tables, and notes under them. */
export interface SectionReport {
  title: string;
  /** Each entry is a rendered table (see stats.ts `table`). */
  tables: string[];
  notes: string[];
  /** The headline numbers, for the report's one summary table (report.ts). */
  figures: Figure[];
  /** Data for the report's PNG charts (chart.ts), drawn after every section has run. */
  charts?: WindowChart[];
}

export type Unit = 'ms' | 'MiB' | '%' | '/s' | 'count';

/**
 * One figure of the summary. The ratio is `value ÷ baseline.value`: the baseline must be in the
 * same unit and measured in the same run (or a fixed yardstick such as one frame), so a noisy
 * machine moves both.
 */
export interface Figure {
  /** The issue that asked for this figure. */
  issue: number;
  name: string;
  value: number;
  unit: Unit;
  baseline?: {
    name: string;
    value: number;
    /** Show the ratio as a percentage (of a ceiling, say) rather than as `n×`. */
    percent?: true;
  };
  /** What the issue asked for; `met` is worked out in one place, from the value. */
  target?: Target;
}

/** `value op bound`, e.g. P95 `<` 50 ms, long tasks `=` 0. */
export interface Target {
  op: '<' | '≤' | '=' | '≥';
  value: number;
}

/** One frame at 60 Hz: the yardstick of the UI figures. */
export const FRAME_MS = 1000 / 60;

export function render(report: SectionReport): string {
  const notes = report.notes.map((n) => `- ${n}`).join('\n');
  return [`## ${report.title}`, ...report.tables, notes].filter(Boolean).join('\n\n');
}

const cleanups = new Set<() => unknown>();

/** Registers a clean-up that also runs if the bench is interrupted; call the result to run it. */
export function onCleanup(fn: () => unknown): () => Promise<void> {
  let done = false;
  const once = async (): Promise<void> => {
    if (done) return;
    done = true;
    cleanups.delete(once);
    await fn();
  };
  cleanups.add(once);
  return once;
}

/**
 * Runs every clean-up not run yet (on SIGINT, or after a section failed), newest first. Each
 * gets a few seconds: a core left broken by the failure may never finish closing, and the
 * temp dirs must go anyway.
 */
export async function runCleanups(graceMs = 5000): Promise<void> {
  for (const fn of [...cleanups].reverse()) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, graceMs, 'late')));
    try {
      if ((await Promise.race([fn(), late])) === 'late') {
        console.error(`bench: a clean-up did not finish within ${graceMs} ms; moving on`);
      }
    } catch (err) {
      console.error(`bench: clean-up failed: ${String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A fresh folder under the OS temp dir, removed by `cleanup` (or on interruption). */
export function benchDir(prefix: string): { path: string; cleanup: () => Promise<void> } {
  const path = mkdtempSync(join(tmpdir(), `clawdesk-bench-${prefix}-`));
  const cleanup = onCleanup(() => rmSync(path, { recursive: true, force: true }));
  return { path, cleanup };
}

/** A folder with an index.html, enough for the headless static handler. */
export function fakeRendererDir(parent: string): string {
  const dir = join(parent, 'renderer');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ClawDesk bench</title>');
  return dir;
}

/**
 * A worker that never says `ready`: the pool starts it once and waits for it forever, so no
 * task is ever handed out and nothing competes with what is measured. It goes away when the
 * pool asks it to shut down or kills it.
 */
export function inertWorker(): WorkerHandle {
  const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
  let exited: [number | null, string | null] | undefined;
  const exit = (code: number | null, signal: string | null): void => {
    if (exited) return;
    exited = [code, signal];
    setImmediate(() => {
      for (const listener of exitListeners.splice(0)) listener(code, signal);
    });
  };
  return {
    pid: undefined,
    send(message) {
      if (message.type === 'shutdown') exit(0, null);
    },
    onMessage() {},
    onExit(listener) {
      if (exited) setImmediate(() => listener(...(exited as [number | null, string | null])));
      else exitListeners.push(listener);
    },
    kill() {
      exit(null, 'SIGKILL');
    },
  };
}

/** Lets every pending setImmediate (the scheduler's pump) run before the next sample. */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every few ms until it returns true; throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(2);
  }
}
