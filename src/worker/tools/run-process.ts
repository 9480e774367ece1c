import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveInWorkspace } from './sandbox.ts';

/**
 * The one place where the worker's tools start a process: no shell, the environment it is given
 * (see os-sandbox/confine.ts), a wall-clock budget, a byte cap on what is kept, and the whole
 * process group killed on timeout or abort. Inside bubblewrap that kill also ends the sandbox's
 * PID namespace, so nothing the call started survives it, even a process that called setsid.
 */

export interface RunProcessOptions {
  /** A program name looked up on the scrubbed PATH, never through a shell. */
  command: string;
  args: readonly string[];
  /** Absolute, already-checked working directory. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed; without it stdin is closed at once. */
  stdin?: string;
  timeoutMs: number;
  maxOutputBytes: number;
  signal: AbortSignal;
}

export type ProcessEnd =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | { kind: 'spawn-error'; code: string; message: string };

export interface ProcessRun {
  end: ProcessEnd;
  /** stdout and stderr interleaved in arrival order, as a terminal would show them. */
  output: string;
  truncated: boolean;
  /** Every byte the process wrote, including the ones past the cap. */
  totalBytes: number;
}

const isWindows = process.platform === 'win32';

/** How long to wait for the pipes to close once the program has exited or been killed. */
const CLOSE_GRACE_MS = 2000;

export type CwdResult = { ok: true; cwd: string } | { ok: false; message: string };

/**
 * Resolves an optional relative cwd inside the workspace with the tools' common sandbox resolver
 * (symlinks followed), so a link pointing out of the workspace is refused like a literal `..`.
 * Absolute paths and `..` are refused up front: a cwd is always relative to the workspace.
 */
export async function resolveCwd(
  workspace: string,
  relative: string | undefined,
): Promise<CwdResult> {
  const requested = relative === undefined || relative.trim() === '' ? '.' : relative;
  if (path.isAbsolute(requested) || path.win32.isAbsolute(requested)) {
    return { ok: false, message: `cwd must be a path relative to the workspace, got ${requested}` };
  }
  if (requested.split(/[\\/]/).includes('..')) {
    return { ok: false, message: `cwd must stay inside the workspace, got ${requested}` };
  }
  const resolved = await resolveInWorkspace(workspace, requested);
  if (!resolved.ok) return { ok: false, message: `cwd refused: ${resolved.reason}` };
  try {
    if (!(await stat(resolved.path)).isDirectory()) {
      return { ok: false, message: `cwd ${requested} is not a directory` };
    }
  } catch {
    return { ok: false, message: `cwd ${requested} does not exist in the workspace` };
  }
  return { ok: true, cwd: resolved.path };
}

/** Kills the child and, where process groups exist, every process it started. */
function killTree(pid: number | undefined, kill: () => void): void {
  if (pid !== undefined && !isWindows) {
    try {
      process.kill(-pid, 'SIGKILL');
      return;
    } catch {
      // The group is already gone (or never formed): fall back to the child alone.
    }
  }
  kill();
}

/** Keeps the first maxBytes of output and counts the rest, so a flood cannot fill memory. */
class OutputBuffer {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private readonly maxBytes: number;
  total = 0;
  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    // One byte past the cap is kept so text() can tell whether the cut falls inside a character.
    const room = this.maxBytes + 1 - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
  }

  text(): string {
    return cutUtf8(Buffer.concat(this.chunks), this.maxBytes);
  }
}

/**
 * The longest prefix of `bytes` that fits in `maxBytes` without splitting a character: while the
 * first dropped byte is a UTF-8 continuation byte (10xxxxxx), the cut steps back.
 */
function cutUtf8(bytes: Buffer, maxBytes: number): string {
  if (bytes.length <= maxBytes) return bytes.toString('utf8');
  let end = Math.max(0, maxBytes);
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** Runs one process to its end; never rejects, every way it can end is a `ProcessEnd`. */
export function runProcess(options: RunProcessOptions): Promise<ProcessRun> {
  const output = new OutputBuffer(Math.max(0, options.maxOutputBytes));
  const finish = (end: ProcessEnd): ProcessRun => ({
    end,
    output: output.text(),
    truncated: output.total > Math.max(0, options.maxOutputBytes),
    totalBytes: output.total,
  });
  if (options.signal.aborted) return Promise.resolve(finish({ kind: 'aborted' }));
  const started = spawnChild(options);
  if ('end' in started) return Promise.resolve(finish(started.end));
  pipeOutput(started.child, options, output);
  return new Promise((resolve) =>
    superviseChild(started.child, options, (end) => resolve(finish(end))),
  );
}

function spawnChild(options: RunProcessOptions): { child: ChildProcess } | { end: ProcessEnd } {
  try {
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      shell: false,
      // Its own process group, so a timeout can kill what the program itself spawned.
      detached: !isWindows,
      windowsHide: true,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    return { child };
  } catch (error) {
    // spawn throws synchronously on arguments it rejects outright (e.g. a NUL byte).
    const { code, message } = error as NodeJS.ErrnoException;
    return { end: { kind: 'spawn-error', code: code ?? 'UNKNOWN', message } };
  }
}

/** stdout and stderr into one capped buffer; stdin, when given, written and closed. */
function pipeOutput(child: ChildProcess, options: RunProcessOptions, output: OutputBuffer): void {
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  if (options.stdin !== undefined && child.stdin) {
    // A program that exits without reading its stdin makes the write fail with EPIPE; that is
    // its business, not a failure of the run.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin);
  }
}

/**
 * Waits for the child's end, and makes one: the timeout or an abort kills its process tree.
 * `done` is called exactly once.
 */
function superviseChild(
  child: ChildProcess,
  options: RunProcessOptions,
  done: (end: ProcessEnd) => void,
): void {
  let stopped: 'timeout' | 'aborted' | null = null;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let settled = false;
  let grace: NodeJS.Timeout | undefined;

  const conclude = (): ProcessEnd =>
    stopped ? { kind: stopped } : { kind: 'exited', ...(exit ?? { code: null, signal: null }) };
  const settle = (end: ProcessEnd): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    clearTimeout(grace);
    options.signal.removeEventListener('abort', onAbort);
    done(end);
  };
  // The group kill cannot reach a descendant that left the group (setsid) and still holds our
  // pipes; 'close' would then never come, so after a grace period the pipes are dropped.
  const settleSoon = (): void => {
    grace ??= setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
      settle(conclude());
    }, CLOSE_GRACE_MS);
  };
  const stop = (why: 'timeout' | 'aborted'): void => {
    if (settled || stopped || exit) return;
    stopped = why;
    killTree(child.pid, () => child.kill('SIGKILL'));
    settleSoon();
  };
  const timer = setTimeout(() => stop('timeout'), Math.max(0, options.timeoutMs));
  const onAbort = (): void => stop('aborted');
  options.signal.addEventListener('abort', onAbort, { once: true });

  child.on('error', (error: NodeJS.ErrnoException) => {
    if (child.pid === undefined) {
      settle({ kind: 'spawn-error', code: error.code ?? 'UNKNOWN', message: error.message });
    }
  });
  child.on('exit', (code, signal) => {
    exit = { code, signal };
    // A background grandchild would keep the pipes open (and the call waiting) until the
    // timeout; the program has finished, so whatever it left behind goes with it.
    if (!stopped) killTree(child.pid, () => {});
    settleSoon();
  });
  child.on('close', () => settle(conclude()));
}

/** "0.05 s", "2 s", "90 s": a timeout as the model and the user read it. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * What the model reads: first how the process ended (exit code, timeout, cancel), then its output,
 * then a note when the output was cut. The whole content fits in maxOutputBytes, so the registry's
 * own last-resort cap never has to cut it again (and drop the note). Only a clean exit 0 is `ok`;
 * a non-zero exit still carries the output so the model can see why.
 */
export function describeRun(
  run: ProcessRun,
  limits: { timeoutMs: number; maxOutputBytes: number },
): { ok: boolean; content: string; truncated: boolean } {
  const { end } = run;
  let status: string;
  if (end.kind === 'exited') {
    status =
      end.code !== null ? `exit code ${end.code}` : `killed by signal ${end.signal ?? 'unknown'}`;
  } else if (end.kind === 'timeout') {
    status = `timed out after ${formatSeconds(limits.timeoutMs)}; the process was killed`;
  } else if (end.kind === 'aborted') {
    status = 'stopped: the task was cancelled; the process was killed';
  } else {
    status = `could not start: ${end.message}`;
  }
  const partial = end.kind === 'timeout' || end.kind === 'aborted' ? 'output so far' : 'output';
  const header = `${status}\n--- ${partial} ---\n`;
  const note = (shown: number): string =>
    `\n[truncated: showing ${shown} of ${run.totalBytes} bytes]`;

  const ok = end.kind === 'exited' && end.code === 0;
  const whole = header + (run.totalBytes === 0 ? '(no output)' : run.output);
  if (
    run.totalBytes === 0 ||
    (!run.truncated && Buffer.byteLength(whole) <= limits.maxOutputBytes)
  ) {
    return { ok, content: whole, truncated: false };
  }
  // Leave room for the header and the longest possible note, then cut the output to the rest.
  const room = limits.maxOutputBytes - Buffer.byteLength(header) - note(run.totalBytes).length;
  const body = cutUtf8(Buffer.from(run.output, 'utf8'), Math.max(0, room));
  return { ok, content: `${header}${body}${note(Buffer.byteLength(body))}`, truncated: true };
}
