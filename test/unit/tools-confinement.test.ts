import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createExecCommandTool, execCommandTool } from '../../src/worker/tools/exec-command.ts';
import { execPythonTool } from '../../src/worker/tools/exec-python.ts';
import type { ToolContext, ToolResult } from '../../src/worker/tools/types.ts';
import { NO_BWRAP, skipWithoutBwrap } from '../helpers/bwrap.ts';

/**
 * Issue 13's proofs of concept against exec_command and exec_python, run for real inside
 * bubblewrap: each one escaped on the code before the OS sandbox. Every test also checks that
 * the program did run (a marker it prints), so a sandbox that failed to start cannot pass.
 */

let root: string;
let data: string;
let ws: string;
let outside: string;

const SECRET = `environ-secret-${process.pid}`;

beforeEach(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), 'clawdesk-confine-')));
  // The default layout: the workspace is a folder of the data folder, beside the database.
  data = path.join(root, 'data');
  ws = path.join(data, 'workspace');
  outside = path.join(root, 'outside');
  await mkdir(ws, { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(data, 'clawdesk.db'), 'db-secret');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function ctx(
  options: { timeoutMs?: number; network?: string[]; signal?: AbortSignal } = {},
): ToolContext {
  return {
    workspace: ws,
    signal: options.signal ?? new AbortController().signal,
    limits: {
      maxReadBytes: 1_000_000,
      maxWriteBytes: 1_000_000,
      maxOutputBytes: 64 * 1024,
      timeoutMs: options.timeoutMs ?? 20_000,
    },
    sandbox: { kind: 'bubblewrap', hidden: [data], network: options.network ?? [] },
  };
}

const exec = (program: string, args: string[], c = ctx()): Promise<ToolResult> =>
  execCommandTool.run({ program, args }, c);
const python = (code: string, c = ctx()): Promise<ToolResult> => execPythonTool.run({ code }, c);

/** Python that tries `attempt` and prints `ran` either way, then what happened. */
const tryPython = (attempt: string): string =>
  `print('ran')\ntry:\n    ${attempt}\n    print('did it')\nexcept Exception as e:\n    print('refused', type(e).__name__)`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skipWithoutBwrap('the exec sandbox tests'))('exec tools inside bubblewrap', () => {
  it('has bubblewrap here (required under CI)', () => {
    expect(NO_BWRAP).toBeUndefined();
  });

  describe('reading what is not theirs', () => {
    /** Stands for the headless server: a process holding a token in its environment. */
    let server: ChildProcess;
    beforeAll(() => {
      server = spawn('sleep', ['60'], { env: { ...process.env, CLAWDESK_UI_TOKEN: SECRET } });
    });
    afterAll(() => {
      server.kill('SIGKILL');
    });

    it("cannot read the worker's or the server's environment from /proc/<pid>/environ", async () => {
      // /proc/<pid>/environ holds the environment a process started with.
      const own = readFileSync('/proc/self/environ', 'utf8').split('\0');
      const pathEntry = own.find((entry) => entry.startsWith('PATH='));
      expect(pathEntry).toBeDefined();
      for (const pid of [process.pid, server.pid]) {
        const environ = `/proc/${pid}/environ`;
        const viaCat = await exec('cat', [environ]);
        expect(viaCat.content).not.toContain(pathEntry);
        expect(viaCat.content).not.toContain(SECRET);
        expect(viaCat.content).toMatch(/No such file or directory/);
        const viaPython = await python(tryPython(`print(open(${JSON.stringify(environ)}).read())`));
        expect(viaPython.content).toContain('ran');
        expect(viaPython.content).toContain('refused FileNotFoundError');
        expect(viaPython.content).not.toContain(SECRET);
      }
    });

    it('sees no other process at all', async () => {
      const r = await python(
        "import os\nprint('pids', sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))",
      );
      const pids = JSON.parse(/pids (\[.*\])/.exec(r.content)?.[1] ?? 'null') as number[];
      expect(pids.length).toBeGreaterThan(0);
      expect(pids).not.toContain(process.pid);
      expect(Math.max(...pids)).toBeLessThan(10);
    });

    it('cannot read a data-folder file by absolute path', async () => {
      const db = path.join(data, 'clawdesk.db');
      const viaCat = await exec('cat', [db]);
      expect(viaCat.ok).toBe(false);
      expect(viaCat.content).not.toContain('db-secret');
      const viaPython = await python(tryPython(`print(open(${JSON.stringify(db)}).read())`));
      expect(viaPython.content).toContain('ran');
      expect(viaPython.content).not.toContain('db-secret');
    });
  });

  describe('writing outside the workspace', () => {
    it('exec_python cannot open an absolute path outside for writing', async () => {
      const targets = [
        path.join(outside, 'planted.txt'),
        path.join(tmpdir(), `planted-${process.pid}`),
      ];
      for (const target of targets) {
        const r = await python(tryPython(`open(${JSON.stringify(target)}, 'w').write('x')`));
        expect(r.content).toContain('ran');
        expect(existsSync(target)).toBe(false);
      }
      expect(await readdir(outside)).toEqual([]);
    });

    it('writes inside the workspace still work', async () => {
      const r = await python("open('made.txt', 'w').write('hi')\nprint('ran')");
      expect(r.ok).toBe(true);
      expect(existsSync(path.join(ws, 'made.txt'))).toBe(true);
    });

    it('find -fprint and sort -o write nothing outside', async () => {
      await writeFile(path.join(ws, 'list.txt'), 'b\na\n');
      const found = await exec('find', ['.', '-fprint', path.join(outside, 'found.txt')]);
      const sorted = await exec('sort', ['-o', path.join(outside, 'sorted.txt'), 'list.txt']);
      expect(found.content).toMatch(/found\.txt/);
      expect(sorted.content).toMatch(/sorted\.txt/);
      expect(await readdir(outside)).toEqual([]);
      // The same programs do write inside the workspace.
      expect((await exec('sort', ['-o', 'sorted.txt', 'list.txt'])).ok).toBe(true);
      expect(existsSync(path.join(ws, 'sorted.txt'))).toBe(true);
    });

    it("git -c alias.x='!…' and find -exec run only inside the sandbox", async () => {
      const planted = path.join(outside, 'alias.txt');
      await exec('git', ['init', '-q']);
      const alias = await exec('git', ['-c', `alias.x=!touch ${planted}; echo ran`, 'x']);
      expect(alias.content).toMatch(/ran|touch/);
      const viaFind = await exec('find', ['.', '-maxdepth', '0', '-exec', 'touch', planted, ';']);
      expect(viaFind.content).toMatch(/touch/);
      expect(await readdir(outside)).toEqual([]);
    });
  });

  it('still runs system programs, with an empty private HOME', async () => {
    const node = await exec('node', ['-e', "console.log('ran', require('os').homedir())"]);
    expect(node.ok).toBe(true);
    expect(node.content).toContain('ran /home/agent');
    expect((await exec('git', ['--version'])).ok).toBe(true);
    expect((await exec('ls', ['-A', '/home/agent'])).content).toBe(
      'exit code 0\n--- output ---\n(no output)',
    );
  });

  describe('a program installed outside the system folders (nvm, conda…)', () => {
    const savedPath = process.env.PATH;
    afterEach(() => {
      process.env.PATH = savedPath;
    });

    it('runs with its own installation folder shown read-only, and nothing beside it', async () => {
      const install = path.join(root, 'tools', 'mytool-1.0');
      await mkdir(path.join(install, 'bin'), { recursive: true });
      await mkdir(path.join(install, 'share'));
      await writeFile(path.join(install, 'share', 'note.txt'), 'from its share folder');
      await writeFile(path.join(root, 'tools', 'beside.txt'), 'beside-secret');
      const script = [
        '#!/bin/sh',
        'cat "$(dirname "$0")/../share/note.txt"',
        `cat ${path.join(root, 'tools', 'beside.txt')}`,
        `echo x > ${path.join(install, 'share', 'planted.txt')}`,
      ].join('\n');
      await writeFile(path.join(install, 'bin', 'mytool'), `${script}\n`, { mode: 0o755 });
      process.env.PATH = `${path.join(install, 'bin')}${path.delimiter}${savedPath ?? ''}`;
      const tool = createExecCommandTool({ allowlist: ['mytool'] });
      const r = await tool.run({ program: 'mytool', args: [] }, ctx());
      expect(r.content).toContain('from its share folder');
      expect(r.content).not.toContain('beside-secret');
      expect(r.content).toMatch(/Read-only file system/);
      expect(existsSync(path.join(install, 'share', 'planted.txt'))).toBe(false);
    });
  });

  describe('processes left behind', () => {
    /** Starts a new session that writes into the workspace 2 s later, then waits forever. */
    const lingering = [
      'import subprocess, time',
      "subprocess.Popen(['setsid', 'sh', '-c', 'sleep 2; touch late.txt'])",
      "print('ran', flush=True)",
      'time.sleep(60)',
    ].join('\n');

    it('a setsid child is gone after the timeout and writes nothing later', async () => {
      const r = await python(lingering, ctx({ timeoutMs: 1000 }));
      expect(r.content).toMatch(/^timed out after 1 s/);
      expect(r.content).toContain('ran');
      await sleep(3000);
      expect(existsSync(path.join(ws, 'late.txt'))).toBe(false);
    }, 15_000);

    it('a setsid child is gone after a cancel and writes nothing later', async () => {
      const controller = new AbortController();
      const pending = python(lingering, ctx({ signal: controller.signal }));
      setTimeout(() => controller.abort(), 1000);
      const r = await pending;
      expect(r.content).toMatch(/^stopped: the task was cancelled/);
      expect(r.content).toContain('ran');
      await sleep(3000);
      expect(existsSync(path.join(ws, 'late.txt'))).toBe(false);
    }, 15_000);
  });

  it('a .gitconfig with core.fsmonitor in the workspace does not run on git status', async () => {
    const hook = path.join(ws, 'hook.sh');
    await writeFile(hook, `#!/bin/sh\ntouch ${path.join(ws, 'pwned.txt')}\n`, { mode: 0o755 });
    await writeFile(path.join(ws, '.gitconfig'), `[core]\n\tfsmonitor = ${hook}\n`);
    expect((await exec('git', ['init', '-q'])).ok).toBe(true);
    const status = await exec('git', ['status', '--short']);
    expect(status.ok).toBe(true);
    expect(status.content).toContain('.gitconfig');
    expect(existsSync(path.join(ws, 'pwned.txt'))).toBe(false);
  });

  describe('network', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((socket) => socket.end('hello from the host\n'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const connect = (): string =>
      tryPython(
        `import socket\n    s = socket.create_connection(('127.0.0.1', ${port}), timeout=5)\n    print(s.recv(100).decode())`,
      );

    it('is off by default: a connect to a port on the host fails', async () => {
      const r = await python(connect());
      expect(r.content).toContain('ran');
      expect(r.content).not.toContain('hello from the host');
      expect(r.content).toMatch(/refused (ConnectionRefusedError|OSError)/);
    });

    it('is on for the tool the user allowed it for', async () => {
      const on = await python(connect(), ctx({ network: ['exec_python'] }));
      expect(on.content).toContain('hello from the host');
      const other = await python(connect(), ctx({ network: ['exec_command'] }));
      expect(other.content).not.toContain('hello from the host');
    });
  });
});
