import { isInside } from '../sandbox.ts';

/**
 * The macOS Seatbelt profile for one exec call, run with `sandbox-exec -p <profile>`. Deny by
 * default; allowed: running programs, reading the system, reading and writing the workspace and
 * a fresh private HOME, the network only when the user allowed it for the tool. The home folder,
 * /Users, /Volumes, the shared temp folders and the data folder cannot be read; other processes
 * cannot be inspected or signalled. The base permissions follow Chromium's and
 * @anthropic-ai/sandbox-runtime's profiles (Apache-2.0), trimmed.
 *
 * Not run on our Linux machines: only the generated text is unit-tested. macOS has no PID
 * namespace, so a process that calls setsid can outlive the call there (README).
 */

export const SANDBOX_EXEC = '/usr/bin/sandbox-exec';

export interface SeatbeltPlan {
  /** Real paths (macOS: /private/var/…, never the /var symlink). */
  workspace: string;
  /** The call's fresh private HOME (and TMPDIR) folder. */
  home: string;
  /** The user's real home folder. */
  userHome: string;
  hidden: readonly string[];
  readOnly: readonly string[];
  network: boolean;
  command: string;
  args: readonly string[];
}

/** An SBPL string: the same escaping as JSON (quotes and backslashes). */
const str = (value: string): string => JSON.stringify(value);
const subpaths = (paths: readonly string[]): string =>
  paths.map((p) => `(subpath ${str(p)})`).join(' ');

const BASE = [
  '(version 1)',
  '(deny default)',
  '(allow process-exec)',
  '(allow process-fork)',
  '(allow process-info* (target same-sandbox))',
  '(allow signal (target same-sandbox))',
  '(allow user-preference-read)',
  '(allow ipc-posix-shm)',
  '(allow ipc-posix-sem)',
  '(allow iokit-get-properties)',
  '(allow mach-lookup (global-name "com.apple.system.logger")',
  '  (global-name "com.apple.system.notification_center")',
  '  (global-name "com.apple.system.opendirectoryd.libinfo")',
  '  (global-name "com.apple.system.opendirectoryd.membership")',
  '  (global-name "com.apple.bsd.dirhelper") (global-name "com.apple.logd")',
  '  (global-name "com.apple.SecurityServer"))',
  // An allowlist of sysctls: kern.procargs2 would show other processes' environment.
  '(allow sysctl-read (sysctl-name "hw.activecpu") (sysctl-name "hw.byteorder")',
  '  (sysctl-name "hw.cachelinesize_compat") (sysctl-name "hw.cpufamily") (sysctl-name "hw.cputype")',
  '  (sysctl-name "hw.logicalcpu") (sysctl-name "hw.logicalcpu_max") (sysctl-name "hw.machine")',
  '  (sysctl-name "hw.memsize") (sysctl-name "hw.ncpu") (sysctl-name "hw.pagesize")',
  '  (sysctl-name "hw.pagesize_compat") (sysctl-name "hw.physicalcpu") (sysctl-name "hw.physicalcpu_max")',
  '  (sysctl-name "hw.nperflevels") (sysctl-name "kern.argmax") (sysctl-name "kern.hostname")',
  '  (sysctl-name "kern.maxfiles") (sysctl-name "kern.maxfilesperproc") (sysctl-name "kern.maxproc")',
  '  (sysctl-name "kern.ngroups") (sysctl-name "kern.osproductversion") (sysctl-name "kern.osrelease")',
  '  (sysctl-name "kern.ostype") (sysctl-name "kern.osversion") (sysctl-name "kern.usrstack64")',
  '  (sysctl-name "kern.version") (sysctl-name "sysctl.proc_cputype") (sysctl-name "vm.loadavg")',
  '  (sysctl-name-prefix "hw.optional.") (sysctl-name-prefix "hw.perflevel")',
  '  (sysctl-name-prefix "machdep.cpu."))',
  '(allow file-ioctl (literal "/dev/null") (literal "/dev/zero") (literal "/dev/random")',
  '  (literal "/dev/urandom") (literal "/dev/tty"))',
];

/** Folders nobody's call may read: homes, mounted volumes, the shared and per-user temp folders. */
const PRIVATE_ROOTS = ['/Users', '/Volumes', '/private/tmp', '/private/var/folders'];

export function seatbeltProfile(plan: SeatbeltPlan): string {
  const mine = [plan.workspace, plan.home];
  // Later rules win in SBPL: allow reads, deny the private folders, re-allow what is the call's,
  // then deny the hidden folders again (the data folder may lie inside the workspace).
  const rules = [...BASE, '(allow file-read*)'];
  rules.push(`(deny file-read* ${subpaths([...PRIVATE_ROOTS, plan.userHome, ...plan.hidden])})`);
  // getcwd and realpath stat each folder above the workspace.
  rules.push('(allow file-read-metadata (vnode-type DIRECTORY))');
  rules.push(`(allow file-read* ${subpaths([...mine, ...plan.readOnly])})`);
  rules.push(
    `(allow file-write* ${subpaths(mine)} (literal "/dev/null") (literal "/dev/tty")` +
      ' (regex #"^/dev/fd/[0-9]+$"))',
  );
  const inside = plan.hidden.filter((h) => h !== plan.workspace && isInside(plan.workspace, h));
  if (inside.length > 0) rules.push(`(deny file-read* file-write* ${subpaths(inside)})`);
  if (plan.network) {
    rules.push('(allow network*)');
    rules.push('(allow mach-lookup (global-name "com.apple.dnssd.service")');
    rules.push('  (global-name "com.apple.trustd.agent"))');
  }
  return `${rules.join('\n')}\n`;
}

export function seatbeltArgs(plan: SeatbeltPlan): string[] {
  return ['-p', seatbeltProfile(plan), plan.command, ...plan.args];
}
