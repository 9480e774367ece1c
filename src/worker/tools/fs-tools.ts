import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { resolveInWorkspace } from './sandbox.ts';
import type { ToolContext, ToolDefinition, ToolResult } from './types.ts';
import { capContent, parseToolArgs } from './types.ts';

/**
 * File tools for the agent: read_file, write_file, list_directory, create_directory. Every path
 * goes through the sandbox first; every failure becomes a sentence for the model, never a throw.
 */

/** A listing longer than this says how many entries were left out rather than flooding the model. */
export const MAX_LIST_ENTRIES = 500;
/** Same window git uses to call a file binary: a NUL byte among the first 8000 bytes. */
const BINARY_SNIFF_BYTES = 8000;
// O_NOFOLLOW guards the last component against a symlink swapped in after the sandbox check;
// it does not exist on Windows, where the constant is undefined.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

const pathArg = z.string().min(1, 'must not be empty');

const fail = (content: string): ToolResult => ({ ok: false, content });

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/** Turns errno codes into something the model can act on, naming the path it asked for. */
function describeFsError(err: unknown, shown: string): string {
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
      return `${shown} is a symbolic link`;
    case 'ABORT_ERR':
      return 'cancelled';
    default:
      return `${shown}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Resolves through the sandbox and checks cancellation, the common start of every tool. */
async function enter(
  ctx: ToolContext,
  requested: string,
): Promise<{ ok: true; path: string } | { ok: false; result: ToolResult }> {
  if (ctx.signal.aborted) return { ok: false, result: fail('cancelled') };
  const resolved = await resolveInWorkspace(ctx.workspace, requested);
  return resolved.ok ? resolved : { ok: false, result: fail(resolved.reason) };
}

function looksBinary(bytes: Buffer): boolean {
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

const readArgs = z.object({ path: pathArg });

/**
 * A file over maxReadBytes is refused, not cut to its head: a model that edits a partial file and
 * writes it back would silently destroy the rest. The refusal names both sizes so the model can
 * choose another way (a command that shows part of it).
 */
export const readFileTool: ToolDefinition = {
  name: 'read_file',
  description:
    "Read a UTF-8 text file inside the task's workspace. Paths are relative to the workspace.",
  parameters: {
    type: 'object',
    properties: { path: { type: 'string', description: 'File path, relative to the workspace' } },
    required: ['path'],
    additionalProperties: false,
  },
  policy: 'allow',
  async run(args, ctx) {
    const parsed = parseToolArgs(readArgs, args);
    if (!parsed.ok) return parsed.result;
    const shown = parsed.value.path;
    const entered = await enter(ctx, shown);
    if (!entered.ok) return entered.result;
    try {
      // Size and type come from the open handle, so they describe the file actually read.
      const handle = await open(entered.path, constants.O_RDONLY | NO_FOLLOW);
      try {
        const info = await handle.stat();
        if (info.isDirectory()) return fail(`${shown} is a directory; use list_directory`);
        // A FIFO or device would block or never end; only regular files are read.
        if (!info.isFile()) return fail(`${shown} is not a regular file`);
        const max = ctx.limits.maxReadBytes;
        if (info.size > max) {
          return fail(`${shown} is ${info.size} bytes, larger than the ${max}-byte read limit`);
        }
        // One byte past the stat size reveals a file that grew since stat, so it is never slurped.
        const buffer = Buffer.alloc(info.size + 1);
        let bytesRead = 0;
        // read() may return short; loop so a partial read is never passed off as the whole file.
        while (bytesRead < buffer.length) {
          const rest = buffer.length - bytesRead;
          const { bytesRead: n } = await handle.read(buffer, bytesRead, rest, bytesRead);
          if (n === 0) break;
          bytesRead += n;
        }
        if (bytesRead > info.size) return fail(`${shown} changed while being read; try again`);
        const bytes = buffer.subarray(0, bytesRead);
        if (looksBinary(bytes)) {
          return fail(`${shown} is a binary file (${bytesRead} bytes); it is not shown`);
        }
        const capped = capContent(bytes.toString('utf8'), ctx.limits.maxOutputBytes);
        return capped.truncated
          ? { ok: true, content: capped.content, truncated: true }
          : { ok: true, content: capped.content };
      } finally {
        await handle.close();
      }
    } catch (err) {
      return fail(describeFsError(err, shown));
    }
  },
};

const writeArgs = z.object({ path: pathArg, content: z.string() });

/**
 * Writes whole files atomically (temp file in the same folder, then rename) so a crash or a
 * cancel never leaves a half-written file. Missing parent folders are an error rather than being
 * created silently: create_directory is a separate, separately approved step.
 */
export const writeFileTool: ToolDefinition = {
  name: 'write_file',
  description:
    "Create or replace a text file inside the task's workspace with the given content. The folder must already exist.",
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File path, relative to the workspace' },
      content: { type: 'string', description: 'The complete new content of the file' },
    },
    required: ['path', 'content'],
    additionalProperties: false,
  },
  policy: 'ask',
  async run(args, ctx) {
    const parsed = parseToolArgs(writeArgs, args);
    if (!parsed.ok) return parsed.result;
    const { path: shown, content } = parsed.value;
    const size = Buffer.byteLength(content, 'utf8');
    const max = ctx.limits.maxWriteBytes;
    if (size > max) {
      return fail(
        `content is ${size} bytes, larger than the ${max}-byte write limit; nothing written`,
      );
    }
    const entered = await enter(ctx, shown);
    if (!entered.ok) return entered.result;
    const target = entered.path;
    const folder = path.dirname(target);
    try {
      const folderInfo = await stat(folder);
      if (!folderInfo.isDirectory()) return fail(`the folder of ${shown} is not a directory`);
    } catch {
      return fail(`the folder for ${shown} does not exist; create it with create_directory first`);
    }
    let mode: number | undefined;
    try {
      const existing = await stat(target);
      if (existing.isDirectory()) return fail(`${shown} is a directory`);
      mode = existing.mode & 0o7777; // keep e.g. an executable bit across the rewrite
    } catch {
      // a new file: default mode
    }
    const temp = path.join(
      folder,
      `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
    );
    try {
      await writeFile(temp, content, { flag: 'wx', signal: ctx.signal });
      if (mode !== undefined) await chmod(temp, mode);
      await rename(temp, target);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      return fail(describeFsError(err, shown));
    }
    return { ok: true, content: `wrote ${size} bytes to ${shown}` };
  },
};

const listArgs = z.object({ path: pathArg.default('.') });

export const listDirectoryTool: ToolDefinition = {
  name: 'list_directory',
  description:
    "List the entries of a folder inside the task's workspace, sorted; folder names end with '/'.",
  parameters: {
    type: 'object',
    properties: {
      path: {
        type: 'string',
        description: "Folder path, relative to the workspace; defaults to '.' (the workspace)",
      },
    },
    additionalProperties: false,
  },
  policy: 'allow',
  async run(args, ctx) {
    // A model may call a no-argument tool with null or nothing at all.
    const parsed = parseToolArgs(listArgs, args ?? {});
    if (!parsed.ok) return parsed.result;
    const shown = parsed.value.path;
    const entered = await enter(ctx, shown);
    if (!entered.ok) return entered.result;
    let names: string[];
    try {
      const entries = await readdir(entered.path, { withFileTypes: true });
      names = await Promise.all(
        entries.map(async (entry) => {
          let dir = entry.isDirectory();
          if (entry.isSymbolicLink()) {
            // Say where a link leads only by kind; its target may be outside and is not followed.
            dir = await stat(path.join(entered.path, entry.name)).then(
              (s) => s.isDirectory(),
              () => false,
            );
          }
          return dir ? `${entry.name}/` : entry.name;
        }),
      );
    } catch (err) {
      if (errorCode(err) === 'ENOTDIR') return fail(`${shown} is not a directory`);
      return fail(describeFsError(err, shown));
    }
    if (names.length === 0) return { ok: true, content: `${shown} is empty` };
    // Code-unit order, not locale order, so the listing is the same on every machine.
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const shownNames = names.slice(0, MAX_LIST_ENTRIES);
    const more = names.length - shownNames.length;
    let text = shownNames.join('\n');
    if (more > 0) text += `\n[and ${more} more entries not shown]`;
    const capped = capContent(text, ctx.limits.maxOutputBytes);
    const truncated = more > 0 || capped.truncated;
    return truncated
      ? { ok: true, content: capped.content, truncated: true }
      : { ok: true, content: capped.content };
  },
};

const mkdirArgs = z.object({ path: pathArg });

export const createDirectoryTool: ToolDefinition = {
  name: 'create_directory',
  description: "Create a folder inside the task's workspace, including any missing parent folders.",
  parameters: {
    type: 'object',
    properties: { path: { type: 'string', description: 'Folder path, relative to the workspace' } },
    required: ['path'],
    additionalProperties: false,
  },
  policy: 'ask',
  async run(args, ctx) {
    const parsed = parseToolArgs(mkdirArgs, args);
    if (!parsed.ok) return parsed.result;
    const shown = parsed.value.path;
    const entered = await enter(ctx, shown);
    if (!entered.ok) return entered.result;
    try {
      const created = await mkdir(entered.path, { recursive: true });
      // mkdir -p returns undefined when nothing was created, i.e. the folder was already there.
      return {
        ok: true,
        content: created === undefined ? `${shown} already exists` : `created ${shown}`,
      };
    } catch (err) {
      return fail(describeFsError(err, shown));
    }
  },
};

export const fsTools: readonly ToolDefinition[] = [
  readFileTool,
  writeFileTool,
  listDirectoryTool,
  createDirectoryTool,
];
