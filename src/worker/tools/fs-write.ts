import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, rename, unlink } from 'node:fs/promises';
import { z } from 'zod';
import { describeFsError, enter, errorCode, fail, pathArg } from './fs-common.ts';
import type { Folder } from './safe-fs.ts';
import { openFolder } from './safe-fs.ts';
import type { ToolDefinition, ToolResult } from './types.ts';
import { parseToolArgs } from './types.ts';

/** The writing file tools: write_file and create_directory. */

// O_NOFOLLOW does not exist on Windows, where the constant is undefined.
const CREATE_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/**
 * What stands at the target now: nothing (a new file), or a regular file whose mode is kept. A
 * folder is refused; so is a file with a second hard link, whose other name may be outside.
 */
async function currentMode(
  folder: Folder,
  name: string,
  shown: string,
): Promise<{ ok: true; mode: number | undefined } | { ok: false; result: ToolResult }> {
  try {
    const existing = await lstat(folder.entry(name));
    if (existing.isDirectory()) return { ok: false, result: fail(`${shown} is a directory`) };
    if (existing.isFile() && existing.nlink > 1) {
      const links = existing.nlink;
      return {
        ok: false,
        result: fail(`${shown} has ${links} hard links and may be a file outside the workspace`),
      };
    }
    // Keep e.g. an executable bit across the rewrite (a symlink is replaced by a plain file).
    return { ok: true, mode: existing.isFile() ? existing.mode & 0o7777 : undefined };
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { ok: true, mode: undefined };
    throw err;
  }
}

/**
 * Temp file then rename, both inside the folder opened by safe-fs, so the file lands in the
 * folder that was checked even if its path is swapped for a symlink meanwhile.
 */
async function replaceFile(
  folder: Folder,
  name: string,
  content: string,
  mode: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  const temp = `.${name}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(folder.entry(temp), CREATE_FLAGS, 0o666);
  try {
    try {
      await handle.writeFile(content, { signal });
      if (mode !== undefined) await handle.chmod(mode);
    } finally {
      await handle.close();
    }
    await folder.verify();
    await rename(folder.entry(temp), folder.entry(name));
  } catch (err) {
    await unlink(folder.entry(temp)).catch(() => undefined);
    throw err;
  }
}

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
    const { root, folders, name } = entered.at;
    if (name === '') return fail(`${shown} is a directory`);
    let folder: Folder;
    try {
      ({ folder } = await openFolder(root, folders));
    } catch (err) {
      const code = errorCode(err);
      if (code === 'ENOENT') {
        return fail(
          `the folder for ${shown} does not exist; create it with create_directory first`,
        );
      }
      if (code === 'ENOTDIR') return fail(`the folder of ${shown} is not a directory`);
      return fail(describeFsError(err, shown));
    }
    try {
      const before = await currentMode(folder, name, shown);
      if (!before.ok) return before.result;
      await replaceFile(folder, name, content, before.mode, ctx.signal);
    } catch (err) {
      return fail(describeFsError(err, shown));
    } finally {
      await folder.close();
    }
    return { ok: true, content: `wrote ${size} bytes to ${shown}` };
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
    const { root, folders, name } = entered.at;
    try {
      // Each folder is made inside the one opened just before: no symlink is ever followed.
      const parts = name === '' ? folders : [...folders, name];
      const { folder, created } = await openFolder(root, parts, true);
      await folder.close();
      return { ok: true, content: created === 0 ? `${shown} already exists` : `created ${shown}` };
    } catch (err) {
      // Opening a file as a folder says ENOTDIR: is it the folder asked for, or one above?
      const taken = await lstat(entered.at.path).then(
        (s) => !s.isDirectory(),
        () => false,
      );
      if (errorCode(err) === 'ENOTDIR' && taken) {
        return fail(`${shown} already exists and is not a directory`);
      }
      return fail(describeFsError(err, shown));
    }
  },
};
