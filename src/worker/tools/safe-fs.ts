import { constants, existsSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, mkdir, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from './sandbox.ts';

/**
 * Opening the workspace's folders without a window for a symlink swap. resolveInWorkspace checks
 * a path, but between that check and the open another process (an exec call still running, the
 * agent's own earlier `ln -s`) can replace a folder on it with a symlink pointing out. So the
 * checked real path is walked again one folder at a time from the workspace, each opened with
 * O_NOFOLLOW, and the file is then reached through the open folder: on Linux through
 * `/proc/self/fd/<fd>/<name>` (the kernel resolves it from the folder the fd holds, as openat
 * would), so what was opened is what gets written. Elsewhere there is no such path; the folder's
 * real path is checked again after each step instead (see `Folder.verify`).
 */

// O_NOFOLLOW and O_DIRECTORY do not exist on Windows, where the constants are undefined.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const DIRECTORY = constants.O_DIRECTORY ?? 0;
const FOLDER_FLAGS = constants.O_RDONLY | DIRECTORY | NO_FOLLOW;

/** Linux's per-fd folder paths; checked once, since procfs may be missing in odd containers. */
const FD_PATHS = process.platform === 'linux' && existsSync('/proc/self/fd');

export interface Folder {
  /** A path naming `name` inside this very folder, whatever happened to its path since. */
  entry(name: string): string;
  /** This folder itself, for readdir. */
  readonly self: string;
  /** Where fd paths are missing: refuses if the folder's path no longer leads to it. */
  verify(): Promise<void>;
  close(): Promise<void>;
}

export class EscapedError extends Error {
  readonly code = 'ESCAPED';
}

function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * One folder on the way. With fd paths it is held open (O_NOFOLLOW), and everything below is
 * reached through that fd. Without (macOS, Windows, where opening a folder is not portable) it
 * is its checked real path and inode, compared again by `verify`.
 */
class OpenFolder implements Folder {
  readonly self: string;
  private readonly handle: FileHandle | undefined;
  private readonly real: string;
  private readonly ino: number;
  private readonly workspace: string;
  constructor(real: string, ino: number, workspace: string, handle?: FileHandle) {
    this.handle = handle;
    this.real = real;
    this.ino = ino;
    this.workspace = workspace;
    this.self = handle ? `/proc/self/fd/${handle.fd}` : real;
  }
  entry(name: string): string {
    return path.join(this.self, name);
  }
  realPath(): string {
    return this.real;
  }
  async verify(): Promise<void> {
    if (this.handle) return;
    const now = await realpath(this.real);
    const info = await lstat(now);
    if (now !== this.real || !isInside(this.workspace, now) || info.ino !== this.ino) {
      throw new EscapedError(`${this.real} changed while being used`);
    }
  }
  async close(): Promise<void> {
    await this.handle?.close();
  }
}

async function openStep(
  parent: OpenFolder | null,
  real: string,
  name: string,
  workspace: string,
): Promise<OpenFolder> {
  if (FD_PATHS) {
    const handle = await open(parent ? parent.entry(name) : real, FOLDER_FLAGS);
    try {
      return new OpenFolder(real, (await handle.stat()).ino, workspace, handle);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
  await parent?.verify();
  const info = await lstat(real);
  if (info.isSymbolicLink()) throw errnoError('ELOOP', `${real} is a symbolic link`);
  if (!info.isDirectory()) throw errnoError('ENOTDIR', `${real} is not a directory`);
  return new OpenFolder(real, info.ino, workspace);
}

/**
 * Opens the folder `parts` below the real workspace, never following a symlink; with `create`,
 * missing folders are made on the way (each inside the folder opened just before). Resolves
 * with the folder and how many folders were created.
 */
export async function openFolder(
  workspace: string,
  parts: readonly string[],
  create = false,
): Promise<{ folder: Folder; created: number }> {
  let folder = await openStep(null, workspace, '', workspace);
  let created = 0;
  try {
    for (const name of parts) {
      const real = path.join(folder.realPath(), name);
      let next: OpenFolder;
      try {
        next = await openStep(folder, real, name, workspace);
      } catch (err) {
        if (!create || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        await folder.verify();
        await mkdir(folder.entry(name));
        created++;
        next = await openStep(folder, real, name, workspace);
      }
      await folder.close();
      folder = next;
    }
    await folder.verify();
    return { folder, created };
  } catch (err) {
    await folder.close().catch(() => {});
    throw err;
  }
}
