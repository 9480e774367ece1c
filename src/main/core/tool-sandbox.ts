import { spawnSync } from 'node:child_process';
import type { ToolSandboxKind } from '../../shared/settings.ts';

/**
 * Which OS sandbox the worker can put exec tools in on this machine, found once at start:
 * bubblewrap on Linux, sandbox-exec on macOS. Installed is not enough: some kernels and
 * containers forbid the user namespaces bubblewrap needs, so a trial run must succeed too.
 * Without one, exec tools are ask-only (policiesFor), and Settings says why.
 */

export interface ToolSandboxStatus {
  kind: ToolSandboxKind;
  /** One sentence for Settings: the version found, or why there is none. */
  detail: string;
}

type Run = (
  command: string,
  args: readonly string[],
) => { status: number | null; stdout: string; stderr: string; error?: Error };

const run: Run = (command, args) => {
  const result = spawnSync(command, [...args], { encoding: 'utf8', timeout: 10_000 });
  return {
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    ...(result.error ? { error: result.error } : {}),
  };
};

/** The namespaces and flags every call uses (os-sandbox/bwrap.ts), tried on a harmless program. */
const BWRAP_TRIAL = [
  '--die-with-parent',
  '--new-session',
  '--unshare-all',
  '--cap-drop',
  'ALL',
  '--ro-bind',
  '/',
  '/',
  '--proc',
  '/proc',
  '--dev',
  '/dev',
  '--tmpfs',
  '/tmp',
  '--',
  'true',
];

const firstLine = (text: string): string => text.trim().split('\n')[0] ?? '';

function probeBubblewrap(exec: Run): ToolSandboxStatus {
  const version = exec('bwrap', ['--version']);
  if (version.error || version.status !== 0) {
    return {
      kind: 'none',
      detail: 'bubblewrap (bwrap) is not installed; install the "bubblewrap" package',
    };
  }
  const trial = exec('bwrap', BWRAP_TRIAL);
  if (trial.error || trial.status !== 0) {
    const why = firstLine(trial.stderr) || trial.error?.message || `exit code ${trial.status}`;
    return {
      kind: 'none',
      detail: `bubblewrap is installed but cannot create a sandbox here (${why}); the kernel may forbid user namespaces`,
    };
  }
  return { kind: 'bubblewrap', detail: firstLine(version.stdout) };
}

function probeSeatbelt(exec: Run): ToolSandboxStatus {
  const trial = exec('/usr/bin/sandbox-exec', [
    '-p',
    '(version 1)(allow default)',
    '/usr/bin/true',
  ]);
  if (trial.error || trial.status !== 0) {
    const why = firstLine(trial.stderr) || trial.error?.message || `exit code ${trial.status}`;
    return { kind: 'none', detail: `sandbox-exec did not run (${why})` };
  }
  return { kind: 'seatbelt', detail: 'sandbox-exec (Seatbelt)' };
}

export function probeToolSandbox(
  platform: NodeJS.Platform = process.platform,
  exec: Run = run,
): ToolSandboxStatus {
  if (platform === 'linux') return probeBubblewrap(exec);
  if (platform === 'darwin') return probeSeatbelt(exec);
  return { kind: 'none', detail: `ClawDesk has no OS sandbox for ${platform}` };
}

let cached: ToolSandboxStatus | undefined;

/** Probed once per process: the answer does not change while ClawDesk runs. */
export function toolSandbox(): ToolSandboxStatus {
  cached ??= probeToolSandbox();
  return cached;
}
