import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDirectoryTool,
  listDirectoryTool,
  MAX_LIST_ENTRIES,
  readFileTool,
  writeFileTool,
} from '../../src/worker/tools/fs-tools.ts';
import type { ToolContext } from '../../src/worker/tools/types.ts';
import { fileToolContext } from '../helpers/tool-context.ts';

let root: string;
let ws: string;
let outside: string;
let ctx: ToolContext;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'clawdesk-fs-'));
  ws = path.join(root, 'ws');
  outside = path.join(root, 'outside');
  await mkdir(ws);
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'top secret');
  ctx = fileToolContext(ws);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('read_file', () => {
  it('returns the text of a file in the workspace', async () => {
    await writeFile(path.join(ws, 'hello.txt'), 'héllo\nworld\n');
    expect(await readFileTool.run({ path: 'hello.txt' }, ctx)).toEqual({
      ok: true,
      content: 'héllo\nworld\n',
    });
  });

  it('refuses files outside the workspace, by .. or through a symlink', async () => {
    const up = await readFileTool.run({ path: '../outside/secret.txt' }, ctx);
    expect(up).toEqual({
      ok: false,
      content: "path ../outside/secret.txt is outside the task's workspace",
    });
    await symlink(path.join(outside, 'secret.txt'), path.join(ws, 'innocent.txt'));
    const viaLink = await readFileTool.run({ path: 'innocent.txt' }, ctx);
    expect(viaLink.ok).toBe(false);
    expect(viaLink.content).not.toContain('top secret');
  });

  it('refuses a file over the read cap, naming both sizes', async () => {
    await writeFile(path.join(ws, 'big.log'), 'x'.repeat(5000));
    expect(await readFileTool.run({ path: 'big.log' }, ctx)).toEqual({
      ok: false,
      content: 'big.log is 5000 bytes, larger than the 1024-byte read limit',
    });
  });

  it('says a binary file is binary instead of returning its bytes', async () => {
    await writeFile(path.join(ws, 'img.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
    const r = await readFileTool.run({ path: 'img.png' }, ctx);
    expect(r).toEqual({
      ok: false,
      content: 'img.png is a binary file (8 bytes); it is not shown',
    });
  });

  it('truncates text longer than the output cap and says so', async () => {
    ctx.limits.maxOutputBytes = 10;
    await writeFile(path.join(ws, 'long.txt'), 'abcdefghijklmnopqrstuvwxyz');
    const r = await readFileTool.run({ path: 'long.txt' }, ctx);
    expect(r.ok).toBe(true);
    expect(r.truncated).toBe(true);
    expect(r.content).toBe('abcdefghij\n[truncated: showing 10 of 26 bytes]');
  });

  it('explains missing files and directories', async () => {
    expect(await readFileTool.run({ path: 'nope.txt' }, ctx)).toEqual({
      ok: false,
      content: 'nope.txt does not exist',
    });
    await mkdir(path.join(ws, 'dir'));
    const dir = await readFileTool.run({ path: 'dir' }, ctx);
    expect(dir).toEqual({ ok: false, content: 'dir is a directory; use list_directory' });
  });

  it('turns invalid arguments into a message instead of throwing', async () => {
    expect(await readFileTool.run({}, ctx)).toMatchObject({
      ok: false,
      content: expect.stringMatching(/^invalid arguments: path: /),
    });
    expect(await readFileTool.run({ path: 42 }, ctx)).toMatchObject({ ok: false });
    expect(await readFileTool.run(null, ctx)).toMatchObject({ ok: false });
  });

  it('does nothing once the task is cancelled', async () => {
    await writeFile(path.join(ws, 'a.txt'), 'a');
    const controller = new AbortController();
    controller.abort();
    const r = await readFileTool.run({ path: 'a.txt' }, { ...ctx, signal: controller.signal });
    expect(r).toEqual({ ok: false, content: 'cancelled' });
  });
});

describe('write_file', () => {
  it('round-trips through read_file and leaves no temp file behind', async () => {
    const w = await writeFileTool.run({ path: 'notes.md', content: '# Notes\nünïcode\n' }, ctx);
    expect(w).toEqual({ ok: true, content: 'wrote 18 bytes to notes.md' });
    expect(await readFileTool.run({ path: 'notes.md' }, ctx)).toEqual({
      ok: true,
      content: '# Notes\nünïcode\n',
    });
    expect(await readdir(ws)).toEqual(['notes.md']);
  });

  it('replaces an existing file and keeps its mode', async () => {
    const file = path.join(ws, 'run.sh');
    await writeFile(file, 'old', { mode: 0o750 });
    await writeFileTool.run({ path: 'run.sh', content: 'new' }, ctx);
    expect(await readFile(file, 'utf8')).toBe('new');
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o750);
  });

  it('refuses content over the write cap and writes nothing', async () => {
    const r = await writeFileTool.run({ path: 'big.txt', content: 'y'.repeat(2000) }, ctx);
    expect(r).toEqual({
      ok: false,
      content: 'content is 2000 bytes, larger than the 1024-byte write limit; nothing written',
    });
    expect(await readdir(ws)).toEqual([]);
  });

  it('does not create missing folders', async () => {
    const r = await writeFileTool.run({ path: 'a/b/c.txt', content: 'x' }, ctx);
    expect(r).toEqual({
      ok: false,
      content: 'the folder for a/b/c.txt does not exist; create it with create_directory first',
    });
    expect(await readdir(ws)).toEqual([]);
  });

  it('refuses to write outside, including a new file under a symlinked folder', async () => {
    await symlink(outside, path.join(ws, 'escape'), 'dir');
    const viaLink = await writeFileTool.run({ path: 'escape/planted.txt', content: 'x' }, ctx);
    expect(viaLink.ok).toBe(false);
    expect(viaLink.content).toMatch(/outside the task's workspace/);
    const abs = await writeFileTool.run({ path: path.join(outside, 'p.txt'), content: 'x' }, ctx);
    expect(abs.ok).toBe(false);
    expect((await readdir(outside)).sort()).toEqual(['secret.txt']);
  });

  it('refuses to replace a directory', async () => {
    await mkdir(path.join(ws, 'dir'));
    expect(await writeFileTool.run({ path: 'dir', content: 'x' }, ctx)).toEqual({
      ok: false,
      content: 'dir is a directory',
    });
  });

  it('reports a missing content argument', async () => {
    const r = await writeFileTool.run({ path: 'x.txt' }, ctx);
    expect(r.ok).toBe(false);
    expect(r.content).toMatch(/^invalid arguments: content: /);
  });
});

describe('list_directory', () => {
  it('lists files and folders sorted, folders with a trailing slash', async () => {
    await mkdir(path.join(ws, 'src'));
    await mkdir(path.join(ws, 'docs'));
    await writeFile(path.join(ws, 'README.md'), '');
    await writeFile(path.join(ws, 'b.txt'), '');
    await writeFile(path.join(ws, 'src', 'inner.ts'), '');
    expect(await listDirectoryTool.run({}, ctx)).toEqual({
      ok: true,
      content: 'README.md\nb.txt\ndocs/\nsrc/',
    });
    expect(await listDirectoryTool.run({ path: 'src' }, ctx)).toEqual({
      ok: true,
      content: 'inner.ts',
    });
  });

  it('says when a folder is empty or not a folder', async () => {
    expect(await listDirectoryTool.run({ path: '.' }, ctx)).toEqual({
      ok: true,
      content: '. is empty',
    });
    await writeFile(path.join(ws, 'f.txt'), '');
    expect(await listDirectoryTool.run({ path: 'f.txt' }, ctx)).toEqual({
      ok: false,
      content: 'f.txt is not a directory',
    });
  });

  it('caps the number of entries and says how many were left out', async () => {
    const total = MAX_LIST_ENTRIES + 7;
    await Promise.all(
      Array.from({ length: total }, (_, i) =>
        writeFile(path.join(ws, `f${String(i).padStart(4, '0')}`), ''),
      ),
    );
    ctx.limits.maxOutputBytes = 1024 * 1024;
    const r = await listDirectoryTool.run({}, ctx);
    expect(r.truncated).toBe(true);
    const lines = r.content.split('\n');
    expect(lines).toHaveLength(MAX_LIST_ENTRIES + 1);
    expect(lines.at(-1)).toBe('[and 7 more entries not shown]');
  });

  it('refuses to list outside the workspace', async () => {
    const r = await listDirectoryTool.run({ path: '..' }, ctx);
    expect(r).toEqual({ ok: false, content: "path .. is outside the task's workspace" });
  });
});

describe('create_directory', () => {
  it('creates nested folders and is fine when they already exist', async () => {
    expect(await createDirectoryTool.run({ path: 'a/b/c' }, ctx)).toEqual({
      ok: true,
      content: 'created a/b/c',
    });
    expect((await stat(path.join(ws, 'a', 'b', 'c'))).isDirectory()).toBe(true);
    expect(await createDirectoryTool.run({ path: 'a/b' }, ctx)).toEqual({
      ok: true,
      content: 'a/b already exists',
    });
  });

  it('refuses to create folders outside or through an escaping symlink', async () => {
    await symlink(outside, path.join(ws, 'escape'), 'dir');
    expect((await createDirectoryTool.run({ path: '../evil' }, ctx)).ok).toBe(false);
    expect((await createDirectoryTool.run({ path: 'escape/evil' }, ctx)).ok).toBe(false);
    expect((await readdir(root)).sort()).toEqual(['outside', 'ws']);
    expect(await readdir(outside)).toEqual(['secret.txt']);
  });

  it('explains when a file is in the way', async () => {
    await writeFile(path.join(ws, 'taken'), '');
    const r = await createDirectoryTool.run({ path: 'taken' }, ctx);
    expect(r).toEqual({ ok: false, content: 'taken already exists and is not a directory' });
  });
});
