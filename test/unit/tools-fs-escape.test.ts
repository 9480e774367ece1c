import { spawn } from 'node:child_process';
import { link, mkdir, mkdtemp, readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDirectoryTool,
  listDirectoryTool,
  readFileTool,
  writeFileTool,
} from '../../src/worker/tools/fs-tools.ts';
import type { ToolContext } from '../../src/worker/tools/types.ts';
import { fileToolContext } from '../helpers/tool-context.ts';

/**
 * Issue 13's escapes through the file tools themselves, which run in the worker (no OS sandbox
 * around them): a hard link to a file outside, and a folder swapped for a symlink between the
 * path check and the write (the proof of concept escaped after 22 tries).
 */

let root: string;
let ws: string;
let outside: string;
let ctx: ToolContext;

beforeEach(async () => {
  root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'clawdesk-escape-')));
  ws = path.join(root, 'ws');
  outside = path.join(root, 'outside');
  await mkdir(ws);
  await mkdir(outside);
  await writeFile(path.join(outside, 'f.txt'), 'outside-secret');
  ctx = fileToolContext(ws);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('hard links', () => {
  it('read_file refuses a file with a second hard link, without showing it', async () => {
    await link(path.join(outside, 'f.txt'), path.join(ws, 'linked.txt'));
    const r = await readFileTool.run({ path: 'linked.txt' }, ctx);
    expect(r).toEqual({
      ok: false,
      content: 'linked.txt has 2 hard links and may be a file outside the workspace',
    });
  });

  it('write_file refuses it too and leaves the other name untouched', async () => {
    await link(path.join(outside, 'f.txt'), path.join(ws, 'linked.txt'));
    const r = await writeFileTool.run({ path: 'linked.txt', content: 'overwritten' }, ctx);
    expect(r.ok).toBe(false);
    expect(r.content).toMatch(/2 hard links/);
    expect(await readFile(path.join(outside, 'f.txt'), 'utf8')).toBe('outside-secret');
    expect(await readFile(path.join(ws, 'linked.txt'), 'utf8')).toBe('outside-secret');
  });

  it('a file with one link is read and written as before', async () => {
    await writeFile(path.join(ws, 'own.txt'), 'mine');
    expect(await readFileTool.run({ path: 'own.txt' }, ctx)).toEqual({ ok: true, content: 'mine' });
    expect((await writeFileTool.run({ path: 'own.txt', content: 'new' }, ctx)).ok).toBe(true);
  });
});

describe('the data folder inside a workspace the user chose', () => {
  it('is out of reach of the file tools', async () => {
    const data = path.join(ws, '.clawdesk');
    await mkdir(data);
    await writeFile(path.join(data, 'clawdesk.db'), 'db-secret');
    const inside = { ...ctx, sandbox: { ...ctx.sandbox, hidden: [data] } };
    const read = await readFileTool.run({ path: '.clawdesk/clawdesk.db' }, inside);
    expect(read).toEqual({
      ok: false,
      content: "path .clawdesk/clawdesk.db is in ClawDesk's data folder",
    });
    const write = await writeFileTool.run({ path: '.clawdesk/x', content: 'x' }, inside);
    expect(write.ok).toBe(false);
    expect((await listDirectoryTool.run({ path: '.clawdesk' }, inside)).ok).toBe(false);
    expect(await readdir(data)).toEqual(['clawdesk.db']);
    // The rest of the workspace is as before.
    expect((await writeFileTool.run({ path: 'notes.txt', content: 'x' }, inside)).ok).toBe(true);
  });

  it('does not hide a workspace that is itself inside the data folder (the default)', async () => {
    const inDefault = { ...ctx, sandbox: { ...ctx.sandbox, hidden: [root] } };
    expect((await writeFileTool.run({ path: 'a.txt', content: 'x' }, inDefault)).ok).toBe(true);
    expect(await readFileTool.run({ path: 'a.txt' }, inDefault)).toEqual({
      ok: true,
      content: 'x',
    });
  });
});

/**
 * A separate process swaps ws/sub between a real folder and a symlink to `outside` as fast as it
 * can, for `seconds`; node's own event loop could never interleave with the tool this finely.
 */
function swapper(seconds: number): Promise<number> {
  const script = `
    const fs = require('node:fs');
    const [ws, outside, seconds] = process.argv.slice(1);
    const sub = ws + '/sub', real = ws + '/sub.real', link = ws + '/sub.link';
    fs.symlinkSync(outside, link);
    // create_directory may make a new sub while the real one is away: put things back.
    function repair() {
      try {
        if (fs.lstatSync(sub).isSymbolicLink()) fs.renameSync(sub, link);
        else if (fs.existsSync(real)) fs.rmSync(sub, { recursive: true });
      } catch {}
      try { if (fs.existsSync(real)) fs.renameSync(real, sub); } catch {}
      try { fs.lstatSync(link); } catch { fs.symlinkSync(outside, link); }
    }
    const end = Date.now() + Number(seconds) * 1000;
    let swaps = 0;
    while (Date.now() < end) {
      try {
        fs.renameSync(sub, real); fs.renameSync(link, sub);
        fs.renameSync(sub, link); fs.renameSync(real, sub);
        swaps++;
      } catch { repair(); }
    }
    console.log(swaps);`;
  const child = spawn(process.execPath, ['-e', script, ws, outside, String(seconds)]);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`${code}`))));
  });
}

describe('a folder swapped for a symlink while the tools run', () => {
  it('never lets a write, a new folder or a read reach outside', async () => {
    await mkdir(path.join(ws, 'sub'));
    await writeFile(path.join(ws, 'sub', 'f.txt'), 'inside');
    let running = true;
    const swaps = swapper(4).finally(() => (running = false));
    const seen = { wrote: 0, refused: 0, reads: new Set<string>() };
    for (let i = 0; running; i++) {
      const w = await writeFileTool.run({ path: `sub/w${i % 50}.txt`, content: 'planted' }, ctx);
      if (w.ok) seen.wrote++;
      else seen.refused++;
      await createDirectoryTool.run({ path: `sub/d${i % 50}` }, ctx);
      const r = await readFileTool.run({ path: 'sub/f.txt' }, ctx);
      seen.reads.add(r.content);
      await listDirectoryTool.run({ path: 'sub' }, ctx);
    }
    expect(await swaps).toBeGreaterThan(100);
    // Both outcomes happened, so the swap really raced the tools.
    expect(seen.wrote).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    expect(await readdir(outside)).toEqual(['f.txt']);
    expect(await readFile(path.join(outside, 'f.txt'), 'utf8')).toBe('outside-secret');
    expect([...seen.reads].filter((c) => c.includes('outside-secret'))).toEqual([]);
  }, 30_000);
});
