import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * Keeps every path a tool touches inside the task's workspace. The model chooses the paths, so
 * they are untrusted input: `..`, absolute paths and symlinks can all point elsewhere on disk.
 */

export type SandboxResolution =
  | { ok: true; path: string; /** The workspace's own real path. */ root: string }
  | { ok: false; reason: string };

/** True when `candidate` is `root` itself or below it (both absolute, normalised). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  if (rel === '') return true;
  // A different drive on Windows yields an absolute `rel`; `..foo` is a legal name, so match exactly.
  return !path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`);
}

function outside(requested: string): SandboxResolution {
  return { ok: false, reason: `path ${requested} is outside the task's workspace` };
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/**
 * Resolves `requested` (relative to the workspace, or absolute) to the real absolute path a tool
 * should use, or refuses.
 *
 * The check runs on real paths: the deepest ancestor that exists is passed through `realpath`, and
 * the not-yet-existing rest is appended. That way a new file under a symlinked folder pointing
 * outside is refused as well as an existing one. Tools must then use the returned path, never the
 * requested one. A folder swapped for a symlink between this check and the open is caught by
 * safe-fs.ts, which walks the returned path again without following any symlink.
 */
export async function resolveInWorkspace(
  workspace: string,
  requested: string,
): Promise<SandboxResolution> {
  if (requested.includes('\0')) return { ok: false, reason: 'path contains a NUL byte' };
  if (requested.trim() === '') return { ok: false, reason: 'path is empty' };

  let realWorkspace: string;
  try {
    realWorkspace = await realpath(workspace);
  } catch {
    return { ok: false, reason: `the task's workspace ${workspace} does not exist` };
  }

  // Lexical check first, so an obvious escape is refused without probing the disk outside.
  // The workspace may be named through a symlink (macOS /tmp), so accept either spelling.
  const lexical = path.resolve(workspace, requested);
  if (!isInside(path.resolve(workspace), lexical) && !isInside(realWorkspace, lexical)) {
    return outside(requested);
  }

  const missing: string[] = [];
  let current = lexical;
  for (;;) {
    try {
      const real = await realpath(current);
      const full = missing.length > 0 ? path.join(real, ...missing.reverse()) : real;
      return isInside(realWorkspace, full)
        ? { ok: true, path: full, root: realWorkspace }
        : outside(requested);
    } catch (err) {
      const code = errorCode(err);
      if (code === 'ELOOP') return { ok: false, reason: `path ${requested} has a symlink loop` };
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        return { ok: false, reason: `path ${requested} cannot be resolved (${code ?? 'error'})` };
      }
    }
    // realpath fails with ENOENT on a dangling symlink too; writing through one would create its
    // target wherever it points, so an entry that exists but cannot be resolved is refused.
    if (await exists(current)) {
      return { ok: false, reason: `path ${requested} goes through a broken symbolic link` };
    }
    const parent = path.dirname(current);
    if (parent === current) return outside(requested);
    missing.push(path.basename(current));
    current = parent;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}
