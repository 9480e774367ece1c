import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { isInside, resolveInWorkspace } from './sandbox.ts';
import type { ToolContext, ToolResult } from './types.ts';

/** What every file tool shares: argument shapes, error sentences, the way into the workspace. */

export const pathArg = z.string().min(1, 'must not be empty');

export const fail = (content: string): ToolResult => ({ ok: false, content });

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/** Turns errno codes into something the model can act on, naming the path it asked for. */
export function describeFsError(err: unknown, shown: string): string {
  switch (errorCode(err)) {
    case 'ENOENT':
      return `${shown} does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied for ${shown}`;
    case 'EISDIR':
      return `${shown} is a directory`;
    case 'ENOTDIR':
      return `a part of ${shown} is not a directory`;
    case 'EEXIST':
      return `${shown} already exists and is not a directory`;
    case 'ENOSPC':
      return `no space left on the disk to write ${shown}`;
    case 'ELOOP':
      return `${shown} is or goes through a symbolic link that changed; nothing done`;
    case 'ESCAPED':
      return `a folder on the path of ${shown} changed while being used; nothing done`;
    case 'ABORT_ERR':
      return 'cancelled';
    default:
      return `${shown}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

export interface Entered {
  /** The real workspace. */
  root: string;
  /** The real path asked for, inside root. */
  path: string;
  /** Folder names from root down to `path`'s parent. */
  folders: string[];
  /** The last name of `path` ('' for the workspace itself). */
  name: string;
}

/**
 * Resolves through the sandbox and checks cancellation, the common start of every tool. The
 * data folder (ctx.sandbox.hidden) may lie inside a workspace the user chose; it stays out of
 * reach of the file tools as it is out of sight in the exec sandbox.
 */
export async function enter(
  ctx: ToolContext,
  requested: string,
): Promise<{ ok: true; at: Entered } | { ok: false; result: ToolResult }> {
  if (ctx.signal.aborted) return { ok: false, result: fail('cancelled') };
  const resolved = await resolveInWorkspace(ctx.workspace, requested);
  if (!resolved.ok) return { ok: false, result: fail(resolved.reason) };
  const { root, path: real } = resolved;
  const hiddenReal = await Promise.all(ctx.sandbox.hidden.map((h) => realpath(h).catch(() => h)));
  const hidden = hiddenReal.find((h) => h !== root && isInside(root, h) && isInside(h, real));
  if (hidden !== undefined) {
    return { ok: false, result: fail(`path ${requested} is in ClawDesk's data folder`) };
  }
  const rel = path.relative(root, real);
  const parts = rel === '' ? [] : rel.split(path.sep);
  const name = parts.pop() ?? '';
  return { ok: true, at: { root, path: real, folders: parts, name } };
}
