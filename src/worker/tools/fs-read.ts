import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { describeFsError, enter, errorCode, fail, pathArg } from './fs-common.ts';
import { openFolder } from './safe-fs.ts';
import type { ToolDefinition, ToolResult } from './types.ts';
import { capContent, parseToolArgs } from './types.ts';

/** The reading file tools: read_file and list_directory. */

/** A listing longer than this says how many entries were left out rather than flooding the model. */
export const MAX_LIST_ENTRIES = 500;
/** Same window git uses to call a file binary: a NUL byte among the first 8000 bytes. */
const BINARY_SNIFF_BYTES = 8000;
// O_NOFOLLOW and O_NONBLOCK do not exist on Windows, where the constants are undefined.
// O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused once open).
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function looksBinary(bytes: Buffer): boolean {
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

/**
 * Reads an open file whole. Size and type come from the handle, so they describe the file
 * actually read. A file with a second hard link is refused: the other name may be anywhere on
 * the disk (a link made to a file outside the workspace), and nothing here can tell.
 */
async function readOpen(handle: FileHandle, shown: string, max: number): Promise<ToolResult> {
  const info = await handle.stat();
  if (info.isDirectory()) return fail(`${shown} is a directory; use list_directory`);
  // A FIFO or device would block or never end; only regular files are read.
  if (!info.isFile()) return fail(`${shown} is not a regular file`);
  if (info.nlink > 1) {
    return fail(`${shown} has ${info.nlink} hard links and may be a file outside the workspace`);
  }
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
  return { ok: true, content: bytes.toString('utf8') };
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
    const { root, folders, name } = entered.at;
    if (name === '') return fail(`${shown} is a directory; use list_directory`);
    try {
      const { folder } = await openFolder(root, folders);
      try {
        const handle = await open(folder.entry(name), READ_FLAGS);
        try {
          const read = await readOpen(handle, shown, ctx.limits.maxReadBytes);
          if (!read.ok) return read;
          const capped = capContent(read.content, ctx.limits.maxOutputBytes);
          return capped.truncated
            ? { ok: true, content: capped.content, truncated: true }
            : { ok: true, content: capped.content };
        } finally {
          await handle.close();
        }
      } finally {
        await folder.close();
      }
    } catch (err) {
      return fail(describeFsError(err, shown));
    }
  },
};

/** Names sorted, folders with a trailing '/'; a symlink is named by what it points at. */
async function listNames(self: string): Promise<string[]> {
  const entries = await readdir(self, { withFileTypes: true });
  const names = await Promise.all(
    entries.map(async (entry) => {
      let dir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        // Say where a link leads only by kind; its target may be outside and is not followed.
        dir = await stat(path.join(self, entry.name)).then(
          (s) => s.isDirectory(),
          () => false,
        );
      }
      return dir ? `${entry.name}/` : entry.name;
    }),
  );
  // Code-unit order, not locale order, so the listing is the same on every machine.
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

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
    const { root, folders, name } = entered.at;
    let names: string[];
    try {
      const { folder } = await openFolder(root, name === '' ? folders : [...folders, name]);
      try {
        names = await listNames(folder.self);
      } finally {
        await folder.close();
      }
    } catch (err) {
      if (errorCode(err) === 'ENOTDIR') return fail(`${shown} is not a directory`);
      return fail(describeFsError(err, shown));
    }
    if (names.length === 0) return { ok: true, content: `${shown} is empty` };
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
