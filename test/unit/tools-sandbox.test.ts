import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isInside, resolveInWorkspace } from '../../src/worker/tools/sandbox.ts';

let root: string;
let ws: string;
let outside: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'clawdesk-sandbox-'));
  ws = path.join(root, 'ws');
  outside = path.join(root, 'outside');
  await mkdir(path.join(ws, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(ws, 'sub', 'a.txt'), 'a');
  await writeFile(path.join(outside, 'secret.txt'), 'secret');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function refused(requested: string): Promise<string> {
  const r = await resolveInWorkspace(ws, requested);
  if (r.ok) throw new Error(`expected ${requested} to be refused, got ${r.path}`);
  return r.reason;
}

async function allowed(requested: string): Promise<string> {
  const r = await resolveInWorkspace(ws, requested);
  if (!r.ok) throw new Error(`expected ${requested} to be allowed: ${r.reason}`);
  return r.path;
}

describe('resolveInWorkspace', () => {
  it('resolves relative paths, existing or not, against the workspace', async () => {
    const real = await allowed('.');
    expect(await allowed('sub/a.txt')).toBe(path.join(real, 'sub', 'a.txt'));
    expect(await allowed('new/deeper/file.txt')).toBe(path.join(real, 'new', 'deeper', 'file.txt'));
    expect(await allowed('sub/../sub/a.txt')).toBe(path.join(real, 'sub', 'a.txt'));
  });

  it('refuses ../ traversal with a message naming the path', async () => {
    expect(await refused('../outside/secret.txt')).toBe(
      "path ../outside/secret.txt is outside the task's workspace",
    );
    expect(await refused('sub/../../outside')).toMatch(/outside the task's workspace/);
    expect(await refused('..')).toMatch(/outside the task's workspace/);
  });

  it('refuses an absolute path outside and allows one inside', async () => {
    expect(await refused(path.join(outside, 'secret.txt'))).toMatch(/outside the task's workspace/);
    expect(await refused('/etc/passwd')).toMatch(/outside the task's workspace/);
    expect(await allowed(path.join(ws, 'sub', 'a.txt'))).toMatch(/a\.txt$/);
  });

  it('does not mistake a sibling sharing the prefix for the workspace', async () => {
    await mkdir(`${ws}-evil`);
    expect(await refused(`${ws}-evil`)).toMatch(/outside/);
    expect(await refused('../ws-evil/x')).toMatch(/outside/);
  });

  it('refuses a symlinked file pointing outside', async () => {
    await symlink(path.join(outside, 'secret.txt'), path.join(ws, 'link.txt'));
    expect(await refused('link.txt')).toMatch(/outside the task's workspace/);
  });

  it('refuses a symlinked directory pointing outside, and a new file under it', async () => {
    await symlink(outside, path.join(ws, 'escape'), 'dir');
    expect(await refused('escape')).toMatch(/outside/);
    expect(await refused('escape/secret.txt')).toMatch(/outside/);
    expect(await refused('escape/not-yet/new.txt')).toMatch(/outside/);
  });

  it('allows a symlink that stays inside and returns its real target', async () => {
    await symlink(path.join(ws, 'sub'), path.join(ws, 'alias'), 'dir');
    const real = await allowed('sub/a.txt');
    expect(await allowed('alias/a.txt')).toBe(real);
  });

  it('refuses a dangling symlink, whose target a write would create anywhere', async () => {
    await symlink(path.join(outside, 'not-there.txt'), path.join(ws, 'dangling'));
    expect(await refused('dangling')).toMatch(/broken symbolic link/);
  });

  it('refuses NUL bytes and empty paths', async () => {
    expect(await refused('sub/a.txt\0.png')).toMatch(/NUL byte/);
    expect(await refused('')).toMatch(/empty/);
  });

  it('refuses everything when the workspace is missing', async () => {
    const r = await resolveInWorkspace(path.join(root, 'nope'), 'a.txt');
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/does not exist/) });
  });

  it('accepts the workspace named through a symlink', async () => {
    const alias = path.join(root, 'ws-alias');
    await symlink(ws, alias, 'dir');
    const r = await resolveInWorkspace(alias, 'sub/a.txt');
    expect(r).toMatchObject({ ok: true, path: await allowed('sub/a.txt') });
  });
});

describe('isInside', () => {
  it('compares whole path components', () => {
    const r = path.resolve('/w');
    expect(isInside(r, r)).toBe(true);
    expect(isInside(r, path.join(r, 'a', 'b'))).toBe(true);
    expect(isInside(r, path.join(r, '..foo'))).toBe(true);
    expect(isInside(r, `${r}x`)).toBe(false);
    expect(isInside(r, path.dirname(r))).toBe(false);
  });
});
