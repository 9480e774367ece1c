import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BwrapPlan, LinuxLayout } from '../../src/worker/tools/os-sandbox/bwrap.ts';
import { bwrapArgs, SANDBOX_HOME } from '../../src/worker/tools/os-sandbox/bwrap.ts';
import { findProgram, programFolder } from '../../src/worker/tools/os-sandbox/program.ts';
import type { SeatbeltPlan } from '../../src/worker/tools/os-sandbox/seatbelt.ts';
import { seatbeltArgs, seatbeltProfile } from '../../src/worker/tools/os-sandbox/seatbelt.ts';

/**
 * The sandbox command lines as data. bubblewrap's run for real in tools-confinement.test.ts;
 * macOS's sandbox-exec cannot run on these Linux machines, so its profile is checked here only.
 */

const layout: LinuxLayout = {
  entries: [
    { path: '/usr' },
    { path: '/bin', link: 'usr/bin' },
    { path: '/etc' },
    { path: '/opt' },
  ],
  resolvConf: '/run/systemd/resolve/stub-resolv.conf',
};

const plan = (over: Partial<BwrapPlan> = {}): BwrapPlan => ({
  workspace: '/home/me/.config/clawdesk/workspace',
  cwd: '/home/me/.config/clawdesk/workspace/src',
  hidden: ['/home/me/.config/clawdesk'],
  readOnly: [],
  network: false,
  command: '/usr/bin/python3',
  args: ['-u', '-'],
  ...over,
});

/** The pairs and triples of bwrap options, as `--opt a b` strings, in order. */
function options(args: string[]): string[] {
  const arity: Record<string, number> = {
    '--ro-bind': 2,
    '--ro-bind-try': 2,
    '--bind': 2,
    '--symlink': 2,
    '--tmpfs': 1,
    '--proc': 1,
    '--dev': 1,
    '--chdir': 1,
    '--cap-drop': 1,
  };
  const out: string[] = [];
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const n = arity[args[i]!] ?? 0;
    out.push([args[i], ...args.slice(i + 1, i + 1 + n)].join(' '));
    i += n;
  }
  return out;
}

describe('bubblewrap arguments', () => {
  it('new namespaces, no capabilities, dies with the worker, its own session', () => {
    const args = options(bwrapArgs(plan(), layout));
    expect(args.slice(0, 4)).toEqual([
      '--die-with-parent',
      '--new-session',
      '--unshare-all',
      '--cap-drop ALL',
    ]);
    expect(args).not.toContain('--share-net');
    expect(args).toContain('--proc /proc');
  });

  it('shows the system read-only, gives fresh /tmp and HOME, binds only the workspace', () => {
    const args = options(bwrapArgs(plan(), layout));
    expect(args).toEqual(
      expect.arrayContaining([
        '--ro-bind /usr /usr',
        '--symlink usr/bin /bin',
        '--ro-bind /etc /etc',
        '--tmpfs /tmp',
        `--tmpfs ${SANDBOX_HOME}`,
        '--bind /home/me/.config/clawdesk/workspace /home/me/.config/clawdesk/workspace',
        '--chdir /home/me/.config/clawdesk/workspace/src',
      ]),
    );
    // Writable: the workspace alone. The home and data folders are simply never mounted.
    expect(args.filter((a) => a.startsWith('--bind '))).toHaveLength(1);
    expect(args.some((a) => a.includes('/home/me/.config/clawdesk ') && a.startsWith('--ro'))).toBe(
      false,
    );
  });

  it('runs the program by its real path after "--"', () => {
    const args = bwrapArgs(plan(), layout);
    expect(args.slice(args.indexOf('--'))).toEqual(['--', '/usr/bin/python3', '-u', '-']);
  });

  it('shares the network and shows the resolver only when the tool may use it', () => {
    const on = options(bwrapArgs(plan({ network: true }), layout));
    expect(on).toContain('--share-net');
    expect(on).toContain(`--ro-bind-try ${layout.resolvConf} ${layout.resolvConf}`);
    const off = options(bwrapArgs(plan(), layout));
    expect(off.some((a) => a.startsWith('--ro-bind-try'))).toBe(false);
  });

  it("shows a program's own folder read-only", () => {
    const folder = '/home/me/.nvm/versions/node/v24';
    const args = options(bwrapArgs(plan({ readOnly: [folder] }), layout));
    expect(args).toContain(`--ro-bind ${folder} ${folder}`);
  });

  it('covers a data folder that a system folder would show, before binding the workspace in it', () => {
    const args = options(
      bwrapArgs(
        plan({ hidden: ['/opt/clawdesk'], workspace: '/opt/clawdesk/ws', cwd: '/opt/clawdesk/ws' }),
        layout,
      ),
    );
    const cover = args.indexOf('--tmpfs /opt/clawdesk');
    const bind = args.indexOf('--bind /opt/clawdesk/ws /opt/clawdesk/ws');
    expect(cover).toBeGreaterThan(-1);
    expect(cover).toBeLessThan(bind);
  });

  it('covers a data folder inside the workspace after binding it', () => {
    const args = options(
      bwrapArgs(
        plan({ workspace: '/home/me', cwd: '/home/me', hidden: ['/home/me/.config/clawdesk'] }),
        layout,
      ),
    );
    expect(args.indexOf('--tmpfs /home/me/.config/clawdesk')).toBeGreaterThan(
      args.indexOf('--bind /home/me /home/me'),
    );
  });
});

const seatbelt = (over: Partial<SeatbeltPlan> = {}): SeatbeltPlan => ({
  workspace: '/Users/me/Library/Application Support/ClawDesk/workspace',
  home: '/private/var/folders/xy/T/clawdesk-home-abc',
  userHome: '/Users/me',
  hidden: ['/Users/me/Library/Application Support/ClawDesk'],
  readOnly: ['/Users/me/.nvm/versions/node/v24'],
  network: false,
  command: '/usr/bin/python3',
  args: ['-u', '-'],
  ...over,
});

describe('macOS Seatbelt profile (generated only; sandbox-exec cannot run here)', () => {
  it('denies by default and lets the call see and signal only its own processes', () => {
    const profile = seatbeltProfile(seatbelt());
    expect(profile.startsWith('(version 1)\n(deny default)\n')).toBe(true);
    expect(profile).toContain('(allow process-info* (target same-sandbox))');
    expect(profile).toContain('(allow signal (target same-sandbox))');
    expect(profile).not.toMatch(/kern\.procargs/);
  });

  it('writes only the workspace and the private HOME; hides homes, temp and the data folder', () => {
    const lines = seatbeltProfile(seatbelt()).split('\n');
    const writes = lines.filter((l) => l.startsWith('(allow file-write*'));
    expect(writes).toEqual([
      '(allow file-write* (subpath "/Users/me/Library/Application Support/ClawDesk/workspace") ' +
        '(subpath "/private/var/folders/xy/T/clawdesk-home-abc") (literal "/dev/null") ' +
        '(literal "/dev/tty") (regex #"^/dev/fd/[0-9]+$"))',
    ]);
    const deny = lines.findIndex((l) => l.startsWith('(deny file-read*'));
    const allow = lines.findIndex((l) => l.startsWith('(allow file-read* (subpath'));
    expect(lines[deny]).toContain('(subpath "/Users")');
    expect(lines[deny]).toContain('(subpath "/private/tmp")');
    expect(lines[deny]).toContain('(subpath "/Users/me/Library/Application Support/ClawDesk")');
    // Later rules win: the workspace and the program's folder are re-allowed after the denial.
    expect(allow).toBeGreaterThan(deny);
    expect(lines[allow]).toContain('(subpath "/Users/me/.nvm/versions/node/v24")');
  });

  it('has no network unless the tool may use it', () => {
    expect(seatbeltProfile(seatbelt())).not.toContain('network');
    expect(seatbeltProfile(seatbelt({ network: true }))).toContain('(allow network*)');
  });

  it('re-denies a data folder inside the workspace, last', () => {
    const profile = seatbeltProfile(
      seatbelt({
        workspace: '/Users/me',
        hidden: ['/Users/me/Library/Application Support/ClawDesk'],
      }),
    );
    const last = profile.trim().split('\n').at(-1);
    expect(last).toBe(
      '(deny file-read* file-write* (subpath "/Users/me/Library/Application Support/ClawDesk"))',
    );
  });

  it('escapes quotes and backslashes in paths, and runs the program after the profile', () => {
    const args = seatbeltArgs(seatbelt({ workspace: '/Users/me/a "q" \\b' }));
    expect(args[0]).toBe('-p');
    expect(args[1]).toContain('(subpath "/Users/me/a \\"q\\" \\\\b")');
    expect(args.slice(2)).toEqual(['/usr/bin/python3', '-u', '-']);
  });
});

describe('finding the program', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(path.join(os.tmpdir(), 'clawdesk-program-')));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function tool(folder: string, name: string): Promise<string> {
    await mkdir(folder, { recursive: true });
    const file = path.join(folder, name);
    await writeFile(file, '#!/bin/sh\n');
    await chmod(file, 0o755);
    return file;
  }

  it('prefers a copy the sandbox shows anyway over an earlier one elsewhere', async () => {
    const shim = await tool(path.join(dir, 'shims'), 'py');
    const system = await tool(path.join(dir, 'system', 'bin'), 'py');
    const search = [path.dirname(shim), path.dirname(system)].join(path.delimiter);
    const visible = (p: string): boolean => p.startsWith(path.join(dir, 'system'));
    expect(await findProgram('py', search, visible)).toBe(system);
    expect(await findProgram('py', path.dirname(shim), visible)).toBe(shim);
    expect(await findProgram('missing', search, visible)).toBeUndefined();
  });

  it('follows symlinks to the real file and skips what is not executable', async () => {
    const real = await tool(path.join(dir, 'real', 'bin'), 'node');
    await mkdir(path.join(dir, 'links'));
    await symlink(real, path.join(dir, 'links', 'node'));
    await writeFile(path.join(dir, 'plain'), 'x');
    expect(await findProgram('node', path.join(dir, 'links'), () => false)).toBe(real);
    expect(await findProgram('plain', dir, () => false)).toBeUndefined();
  });

  it("shows a program's installation folder, never one holding the home or a private folder", () => {
    const home = '/home/me';
    expect(programFolder('/home/me/.nvm/versions/node/v24/bin/node', home, [])).toBe(
      '/home/me/.nvm/versions/node/v24',
    );
    expect(programFolder('/home/me/bin/tool', home, [])).toBe('/home/me/bin/tool');
    expect(programFolder('/bin/tool', home, [])).toBe('/bin/tool');
    expect(programFolder('/srv/tools/bin/x', home, ['/srv/tools/data'])).toBe('/srv/tools/bin/x');
    expect(programFolder('/srv/data/bin/x', home, ['/srv/data'])).toBe('/srv/data/bin/x');
    expect(programFolder('/opt/py/bin/python3', home, ['/srv/data'])).toBe('/opt/py');
  });
});
