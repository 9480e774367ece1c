import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { isInside } from '../sandbox.ts';

/**
 * The bubblewrap (bwrap) command line for one exec call on Linux. The sandbox starts from an
 * empty root and shows only: the system folders read-only, the program's own folder read-only,
 * fresh empty /tmp and HOME, and the workspace read-write. Everything else (the home folder, the
 * data folder, other users' files, /run, /var) does not exist inside.
 *
 * The call gets new user, PID, IPC, UTS, cgroup and (unless allowed) network namespaces, so it
 * sees no other process and cannot signal one; all capabilities are dropped, also when ClawDesk
 * runs as root. `--new-session` keeps it off our terminal; `--die-with-parent` ends it with the
 * worker. When the program ends or is killed, bwrap's init (PID 1 of the namespace) goes and the
 * kernel kills every process left in the namespace, including ones that called setsid.
 */

/** Top-level folders shown read-only when they exist; merged-/usr symlinks are recreated. */
export const LINUX_SYSTEM_FOLDERS = [
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/etc',
  '/opt',
  '/nix',
] as const;

/** HOME inside the sandbox: a fresh tmpfs per call, so nothing the agent wrote is read as config. */
export const SANDBOX_HOME = '/home/agent';

export interface SystemEntry {
  path: string;
  /** Set when the entry is a symlink (merged /usr: /bin -> usr/bin); recreated as one. */
  link?: string;
}

export interface LinuxLayout {
  entries: readonly SystemEntry[];
  /** The real /etc/resolv.conf when it lives outside /etc (systemd-resolved), for DNS. */
  resolvConf?: string;
}

export interface BwrapPlan {
  /** Real path; bound read-write at the same path. */
  workspace: string;
  /** Real path inside the workspace. */
  cwd: string;
  /** Real paths never visible inside (the data folder). */
  hidden: readonly string[];
  /** Real paths shown read-only besides the system folders (the program's folder). */
  readOnly: readonly string[];
  network: boolean;
  /** Absolute real path of the program. */
  command: string;
  args: readonly string[];
}

let cachedLayout: LinuxLayout | undefined;

/** The machine's top-level system folders, read once per worker. */
export function linuxLayout(): LinuxLayout {
  if (cachedLayout) return cachedLayout;
  const entries: SystemEntry[] = [];
  for (const folder of LINUX_SYSTEM_FOLDERS) {
    try {
      const info = lstatSync(folder);
      if (info.isSymbolicLink()) entries.push({ path: folder, link: readlinkSync(folder) });
      else if (info.isDirectory()) entries.push({ path: folder });
    } catch {
      // Not on this machine (e.g. /lib32, /nix): nothing to show.
    }
  }
  let resolvConf: string | undefined;
  try {
    const real = realpathSync('/etc/resolv.conf');
    if (!isInside('/etc', real)) resolvConf = real;
  } catch {
    // No resolver configuration: a network-enabled call resolves nothing by name.
  }
  cachedLayout = resolvConf ? { entries, resolvConf } : { entries };
  return cachedLayout;
}

/** True when `real` is visible inside every sandbox through a system folder. */
export function inSystemFolder(layout: LinuxLayout, real: string): boolean {
  return layout.entries.some((e) => e.link === undefined && isInside(e.path, real));
}

function systemMounts(layout: LinuxLayout, network: boolean): string[] {
  const args: string[] = [];
  for (const entry of layout.entries) {
    if (entry.link === undefined) args.push('--ro-bind', entry.path, entry.path);
    else args.push('--symlink', entry.link, entry.path);
  }
  if (network && layout.resolvConf)
    args.push('--ro-bind-try', layout.resolvConf, layout.resolvConf);
  return args;
}

export function bwrapArgs(plan: BwrapPlan, layout: LinuxLayout): string[] {
  const args = ['--die-with-parent', '--new-session', '--unshare-all', '--cap-drop', 'ALL'];
  if (plan.network) args.push('--share-net');
  args.push(...systemMounts(layout, plan.network));
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', SANDBOX_HOME);
  for (const folder of plan.readOnly) args.push('--ro-bind', folder, folder);
  // A private folder shown through a system folder, the program's folder or the workspace is
  // covered with an empty tmpfs: before the workspace is bound when it holds the workspace (the
  // default workspace lives in the data folder), after it when it lies inside the workspace.
  const shownBy = [...layout.entries.filter((e) => !e.link).map((e) => e.path), ...plan.readOnly];
  const insideWorkspace = (h: string): boolean =>
    h !== plan.workspace && isInside(plan.workspace, h);
  for (const h of plan.hidden) {
    if (!insideWorkspace(h) && shownBy.some((root) => isInside(root, h))) args.push('--tmpfs', h);
  }
  args.push('--bind', plan.workspace, plan.workspace);
  for (const h of plan.hidden) if (insideWorkspace(h)) args.push('--tmpfs', h);
  args.push('--chdir', plan.cwd, '--', plan.command, ...plan.args);
  return args;
}
