/**
 * Processes the harness starts, and the guarantee that they end with the test run.
 *
 * Each gateway runs in its own process group (it forks helpers of its own: a spawn broker, a
 * SQLite reader), so the whole group can be ended at once. Three nets catch a run that does not
 * stop it: the suite's own `stop()`, a synchronous kill of every group still registered when
 * this process exits, and a detached reaper per group that SIGKILLs the group as soon as this
 * process is gone (even after a SIGKILL of the test runner, when no exit handler runs).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';

const groups = new Set<number>();
let exitHookInstalled = false;

const REAPER = `
const [parent, group] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
setInterval(() => {
  if (!alive(-group)) process.exit(0);
  if (!alive(parent)) { try { process.kill(-group, 'SIGKILL'); } catch {} process.exit(0); }
}, 500);
`;

export interface GroupProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit once the group leader has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** Signals the leader only, as a crash or `kill <pid>` would. */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILLs every process left in the group (the leader's helpers too). */
  killGroup(): void;
}

/** Starts `command` as the leader of a new process group that cannot outlive this process. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): GroupProcess {
  installExitHook();
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  groups.add(pid);
  spawn(process.execPath, ['-e', REAPER, String(process.pid), String(pid)], {
    detached: true,
    stdio: 'ignore',
  }).unref();
  let running = true;
  const exited = once(child, 'exit').then(([code, signal]) => {
    running = false;
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  return {
    child,
    pid,
    exited,
    isRunning: () => running,
    signal: (signal) => {
      if (running) child.kill(signal);
    },
    killGroup: () => {
      killQuietly(-pid);
      groups.delete(pid);
    },
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of groups) killQuietly(-group);
  });
}
