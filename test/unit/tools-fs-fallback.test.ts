import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as NodeFs from 'node:fs';
import type { ToolContext } from '../../src/worker/tools/types.ts';
import { fileToolContext } from '../helpers/tool-context.ts';

/**
 * The file tools where there is no /proc/self/fd (macOS, Windows): folders are walked by real
 * path and checked again before each step and before the rename. Linux pretends here that procfs
 * is missing, so this code path runs for real on these machines too.
 */
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  return { ...fs, existsSync: (p: string) => p !== '/proc/self/fd' && fs.existsSync(p) };
});

const { createDirectoryTool, listDirectoryTool, readFileTool, writeFileTool } =
  await import('../../src/worker/tools/fs-tools.ts');

let root: string;
let ws: string;
let ctx: ToolContext;

beforeEach(async () => {
  root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'clawdesk-fallback-')));
  ws = path.join(root, 'ws');
  await mkdir(path.join(root, 'outside'), { recursive: true });
  await mkdir(ws);
  ctx = fileToolContext(ws);
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('file tools without per-fd paths', () => {
  it('create, write, read and list as on Linux', async () => {
    expect(await createDirectoryTool.run({ path: 'a/b' }, ctx)).toEqual({
      ok: true,
      content: 'created a/b',
    });
    expect((await writeFileTool.run({ path: 'a/b/n.txt', content: 'hi' }, ctx)).ok).toBe(true);
    expect(await readFileTool.run({ path: 'a/b/n.txt' }, ctx)).toEqual({ ok: true, content: 'hi' });
    expect(await listDirectoryTool.run({ path: 'a' }, ctx)).toEqual({ ok: true, content: 'b/' });
    expect(await readFile(path.join(ws, 'a', 'b', 'n.txt'), 'utf8')).toBe('hi');
  });

  it('refuse a folder that became a symlink after the path check', async () => {
    // The sandbox check resolves 'sub' as a folder; by the walk it is a symlink pointing out.
    await symlink(path.join(root, 'outside'), path.join(ws, 'sub'), 'dir');
    const { openFolder } = await import('../../src/worker/tools/safe-fs.ts');
    // Reached by its path, not through /proc/self/fd: this is the fallback.
    const { folder } = await openFolder(ws, []);
    expect(folder.self).toBe(ws);
    await folder.close();
    await expect(openFolder(ws, ['sub'])).rejects.toMatchObject({ code: 'ELOOP' });
    await writeFile(path.join(ws, 'file'), '');
    await expect(openFolder(ws, ['file'])).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(await readdir(path.join(root, 'outside'))).toEqual([]);
  });
});
