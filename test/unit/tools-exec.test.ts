import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_EXEC_ALLOWLIST,
  MAX_EXEC_ARGS,
  createExecCommandTool,
  execCommandTool,
} from '../../src/worker/tools/exec-command.ts';
import {
  MAX_PYTHON_CODE_BYTES,
  createExecPythonTool,
  execPythonTool,
} from '../../src/worker/tools/exec-python.ts';
import { scrubbedEnv } from '../../src/worker/tools/os-sandbox/confine.ts';
import { isInside } from '../../src/worker/tools/sandbox.ts';
import type { ToolContext, ToolLimits } from '../../src/worker/tools/types.ts';

const hasPython = spawnSync('python3', ['--version']).status === 0;

let workspace: string;

beforeEach(async () => {
  workspace = await realpath(await mkdtemp(path.join(tmpdir(), 'clawdesk-exec-')));
});

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

function ctx(limits: Partial<ToolLimits> = {}, signal = new AbortController().signal): ToolContext {
  return {
    workspace,
    signal,
    limits: {
      maxReadBytes: 1_000_000,
      maxWriteBytes: 1_000_000,
      maxOutputBytes: 64 * 1024,
      timeoutMs: 20_000,
      ...limits,
    },
    // These tests are about running and ending processes; the OS sandbox has its own
    // (tools-confinement.test.ts), so here the process runs as it does where there is none.
    sandbox: { kind: 'none', hidden: [], network: [] },
  };
}

/** The process's own output, without the status line the tool puts first. */
function outputOf(content: string): string {
  const marker = content.match(/--- output(?: so far)? ---\n/);
  if (!marker || marker.index === undefined) throw new Error(`no output section in: ${content}`);
  return content.slice(marker.index + marker[0].length);
}

/**
 * A killed process whose parent died first stays a zombie until init reaps it, and init in a
 * container may take its time; a zombie runs nothing, so on Linux it counts as gone.
 */
function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /\) [ZX] /.test(stat);
  } catch {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }
}

const run = (args: unknown, c: ToolContext = ctx()) => execCommandTool.run(args, c);

describe('exec_command', () => {
  it('is described for the model and asks before running', () => {
    expect(execCommandTool.name).toBe('exec_command');
    expect(execCommandTool.policy).toBe('ask');
    expect(execCommandTool.parameters.required).toEqual(['program', 'args']);
    expect(execCommandTool.description).toContain('without a shell');
  });

  it('runs an allowlisted program with its arguments and reports exit code 0', async () => {
    const result = await run({ program: 'echo', args: ['hello', 'world'] });
    expect(result.ok).toBe(true);
    expect(result.content).toMatch(/^exit code 0\n/);
    expect(outputOf(result.content)).toBe('hello world\n');
  });

  it('reports a non-zero exit code as not ok, with the output', async () => {
    const result = await run({
      program: 'node',
      args: ['-e', 'console.error("bad input"); process.exit(3)'],
    });
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/^exit code 3\n/);
    expect(outputOf(result.content)).toContain('bad input');
  });

  it('refuses a program that is not on the allowlist and names the allowed ones', async () => {
    const result = await run({ program: 'rm', args: ['-rf', '.'] });
    expect(result).toEqual({
      ok: false,
      content: `program rm is not allowed (allowed: ${DEFAULT_EXEC_ALLOWLIST.join(', ')})`,
    });
  });

  it('uses an allowlist given in its options instead of the default one', async () => {
    const tool = createExecCommandTool({ allowlist: ['node'] });
    expect((await tool.run({ program: 'echo', args: ['x'] }, ctx())).content).toBe(
      'program echo is not allowed (allowed: node)',
    );
    expect((await tool.run({ program: 'node', args: ['-e', '1'] }, ctx())).ok).toBe(true);
  });

  it.each(['/bin/echo', './echo', '../echo', 'bin\\echo'])(
    'refuses a program given as a path (%s), even when allowlisted',
    async (program) => {
      const tool = createExecCommandTool({ allowlist: [program, 'echo'] });
      const result = await tool.run({ program, args: ['x'] }, ctx());
      expect(result.ok).toBe(false);
      expect(result.content).toContain('must be a bare name');
    },
  );

  it('passes shell metacharacters to the program as plain arguments', async () => {
    const args = ['; rm -rf / #', '$(whoami)', '`id`', '|', 'cat', '>', 'out.txt', '&&', '$HOME'];
    const result = await run({ program: 'echo', args });
    expect(result.ok).toBe(true);
    expect(outputOf(result.content)).toBe(`${args.join(' ')}\n`);
    expect(existsSync(path.join(workspace, 'out.txt'))).toBe(false);
  });

  it('runs in the workspace by default and in a subfolder given as cwd', async () => {
    await mkdir(path.join(workspace, 'sub', 'dir'), { recursive: true });
    const atRoot = await run({ program: 'pwd', args: [] });
    expect(outputOf(atRoot.content)).toBe(`${workspace}\n`);
    const inSub = await run({ program: 'pwd', args: [], cwd: 'sub/dir' });
    expect(outputOf(inSub.content)).toBe(`${path.join(workspace, 'sub', 'dir')}\n`);
  });

  it.each([
    ['..', 'must stay inside the workspace'],
    ['sub/../../x', 'must stay inside the workspace'],
    ['/etc', 'must be a path relative to the workspace'],
    ['missing', 'does not exist in the workspace'],
  ])('refuses cwd %s', async (cwd, message) => {
    await mkdir(path.join(workspace, 'sub'));
    const result = await run({ program: 'pwd', args: [], cwd });
    expect(result.ok).toBe(false);
    expect(result.content).toContain(message);
  });

  it('refuses a cwd that is a symlink leading out of the workspace', async () => {
    const outside = await realpath(await mkdtemp(path.join(tmpdir(), 'clawdesk-outside-')));
    try {
      await symlink(outside, path.join(workspace, 'escape'));
      const result = await run({ program: 'pwd', args: [], cwd: 'escape' });
      expect(result.ok).toBe(false);
      expect(result.content).toMatch(/^cwd refused: .*outside/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('rejects malformed arguments with a message the model can act on', async () => {
    expect((await run({ program: 'echo', args: 'hello' })).content).toMatch(
      /^invalid arguments: args: /,
    );
    const tooMany = Array.from({ length: MAX_EXEC_ARGS + 1 }, () => 'a');
    expect((await run({ program: 'echo', args: tooMany })).content).toMatch(
      /^invalid arguments: args: /,
    );
    expect((await run({ program: 'echo', args: ['a'.repeat(4097)] })).content).toMatch(
      /^invalid arguments: args\.0: /,
    );
    expect((await run({ program: 'echo', args: ['a\0b'] })).content).toContain('NUL');
    expect((await run(null)).ok).toBe(false);
  });

  it('gives the program no stdin, so one that reads it finishes instead of waiting', async () => {
    const result = await run({ program: 'cat', args: [] });
    expect(result).toEqual({
      ok: true,
      content: 'exit code 0\n--- output ---\n(no output)',
      truncated: false,
    });
  });

  it('kills the program and what it started on timeout, keeping the output so far', async () => {
    const script = [
      "const child = require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);",
      "console.log('started ' + child.pid);",
      'setTimeout(() => {}, 30000);',
    ].join('\n');
    const result = await run({ program: 'node', args: ['-e', script] }, ctx({ timeoutMs: 4000 }));
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/^timed out after 4 s; the process was killed\n/);
    const grandchild = Number(/started (\d+)/.exec(result.content)?.[1]);
    expect(grandchild).toBeGreaterThan(0);
    await vi.waitFor(() => expect(isGone(grandchild)).toBe(true), { timeout: 10_000 });
  }, 15_000);

  it('times out a program that sleeps far longer than the budget', async () => {
    const result = await run(
      { program: 'node', args: ['-e', 'setTimeout(() => {}, 30000)'] },
      ctx({ timeoutMs: 100 }),
    );
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/^timed out after 0\.1 s/);
  });

  it('does not wait for a background process the program left holding its output', async () => {
    const script =
      "require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'inherit' }).unref();" +
      "console.log('done');";
    const result = await run({ program: 'node', args: ['-e', script] });
    expect(result.ok).toBe(true);
    expect(outputOf(result.content)).toBe('done\n');
  });

  it('returns even when a descendant left the process group and still holds the output', async () => {
    const script =
      "const c = require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'inherit', detached: true });" +
      "c.unref(); console.log('escaped ' + c.pid);";
    const result = await run({ program: 'node', args: ['-e', script] });
    const escaped = Number(/escaped (\d+)/.exec(result.content)?.[1]);
    if (escaped > 0) process.kill(escaped, 'SIGKILL');
    expect(result.ok).toBe(true);
    expect(result.content).toMatch(/^exit code 0\n/);
  }, 15_000);

  it('stops the program when the task is cancelled', async () => {
    const controller = new AbortController();
    const pending = run(
      { program: 'node', args: ['-e', 'setTimeout(() => {}, 30000)'] },
      ctx({ timeoutMs: 60_000 }, controller.signal),
    );
    setTimeout(() => controller.abort(), 50);
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/^stopped: the task was cancelled/);
  });

  it('does not start at all when the task is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await run({ program: 'echo', args: ['never'] }, ctx({}, controller.signal));
    expect(result.ok).toBe(false);
    expect(result.content).not.toContain('never');
  });

  it('caps the whole answer at maxOutputBytes and says how much was dropped', async () => {
    const result = await run(
      { program: 'node', args: ['-e', "process.stdout.write('x'.repeat(100000))"] },
      ctx({ maxOutputBytes: 1000 }),
    );
    expect(result.ok).toBe(true);
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.content)).toBeLessThanOrEqual(1000);
    const [, shown, note] =
      /^(x+)\n\[truncated: showing (\d+) of 100000 bytes\]$/.exec(outputOf(result.content)) ?? [];
    expect(Number(note)).toBe(shown?.length);
    expect(shown?.length).toBeGreaterThan(800);
  });

  it('does not split a UTF-8 character at the cap', async () => {
    const result = await run(
      { program: 'node', args: ['-e', "process.stdout.write('é'.repeat(1000))"] },
      ctx({ maxOutputBytes: 201 }),
    );
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.content)).toBeLessThanOrEqual(201);
    expect(outputOf(result.content)).toMatch(/^é+\n\[truncated: showing \d+ of 2000 bytes\]$/);
  });

  describe('environment', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    });

    it('passes no tokens, keys or CLAWDESK_* variables to the program', async () => {
      process.env.CLAWDESK_GATEWAY_TOKEN = 'gateway-secret';
      process.env.CLAWDESK_DATA_DIR = '/somewhere';
      process.env.OPENAI_API_KEY = 'sk-secret';
      process.env.DB_PASSWORD = 'hunter2';
      const result = await run({
        program: 'node',
        args: ['-e', 'console.log(JSON.stringify(process.env))'],
      });
      expect(result.ok).toBe(true);
      const env = JSON.parse(outputOf(result.content)) as Record<string, string>;
      expect(
        Object.keys(env).filter((name) => /CLAWDESK|TOKEN|KEY|SECRET|PASSWORD/i.test(name)),
      ).toEqual([]);
      expect(result.content).not.toMatch(/gateway-secret|sk-secret|hunter2/);
      expect(env.PATH).toBeTruthy();
    });

    it('gives each call a fresh empty HOME outside the workspace, removed afterwards', async () => {
      const script =
        "const fs = require('fs'); const h = process.env.HOME;" +
        'console.log(JSON.stringify({ h, entries: fs.readdirSync(h), git: process.env.GIT_CONFIG_GLOBAL }))';
      const first = await run({ program: 'node', args: ['-e', script] });
      const second = await run({ program: 'node', args: ['-e', script] });
      const a = JSON.parse(outputOf(first.content)) as {
        h: string;
        entries: string[];
        git: string;
      };
      const b = JSON.parse(outputOf(second.content)) as { h: string };
      expect(a.entries).toEqual([]);
      expect(a.git).toBe('/dev/null');
      expect(a.h).not.toBe(b.h);
      expect(isInside(workspace, a.h)).toBe(false);
      expect(existsSync(a.h)).toBe(false);
    });

    it('keeps only absolute PATH entries outside the workspace', () => {
      const parentPath = [
        '/usr/bin',
        '.',
        '',
        'relative/bin',
        path.join(workspace, 'bin'),
        '/bin',
      ].join(path.delimiter);
      const parent = { PATH: parentPath, LANG: 'C.UTF-8', GITHUB_TOKEN: 'x', SSH_AUTH_SOCK: '/s' };
      const env = scrubbedEnv(workspace, '/home/agent', parent);
      expect(env).toEqual({
        PATH: ['/usr/bin', '/bin'].join(path.delimiter),
        HOME: '/home/agent',
        LANG: 'C.UTF-8',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
      });
    });
  });
});

describe('exec_python', () => {
  it('is described for the model and asks before running', () => {
    expect(execPythonTool.name).toBe('exec_python');
    expect(execPythonTool.policy).toBe('ask');
    expect(execPythonTool.parameters.required).toEqual(['code']);
  });

  it('says python3 is missing when the interpreter cannot be found', async () => {
    const tool = createExecPythonTool({ python: 'python3-definitely-missing' });
    const result = await tool.run({ code: 'print(1+1)' }, ctx());
    expect(result).toEqual({
      ok: false,
      content: 'python3-definitely-missing is not installed on this machine',
    });
  });

  it('refuses code over the size limit without running it', async () => {
    const code = `# ${'x'.repeat(MAX_PYTHON_CODE_BYTES)}`;
    const result = await execPythonTool.run({ code }, ctx());
    expect(result.ok).toBe(false);
    expect(result.content).toMatch(/^invalid arguments: code: must be at most 100 KB/);
  });

  describe.skipIf(!hasPython)(
    'with python3 on PATH (skipped when python3 is not installed)',
    () => {
      it('runs the code and returns what it prints', async () => {
        const result = await execPythonTool.run({ code: 'print(1+1)' }, ctx());
        expect(result.ok).toBe(true);
        expect(outputOf(result.content)).toBe('2\n');
      });

      it('runs in the workspace, so the files it writes land there', async () => {
        const code = "import os\nopen('made.txt', 'w').write('hi')\nprint(os.getcwd())";
        const result = await execPythonTool.run({ code }, ctx());
        expect(outputOf(result.content)).toBe(`${workspace}\n`);
        expect(existsSync(path.join(workspace, 'made.txt'))).toBe(true);
      });

      it('reports an exception as a non-zero exit with the traceback', async () => {
        const result = await execPythonTool.run({ code: "raise ValueError('nope')" }, ctx());
        expect(result.ok).toBe(false);
        expect(result.content).toMatch(/^exit code 1\n/);
        expect(result.content).toContain('ValueError: nope');
      });

      it('kills code that runs past the timeout', async () => {
        const code = 'import time\ntime.sleep(30)';
        const result = await execPythonTool.run({ code }, ctx({ timeoutMs: 200 }));
        expect(result.ok).toBe(false);
        expect(result.content).toMatch(/^timed out after 0\.2 s/);
      });

      it('caps what it prints', async () => {
        const result = await execPythonTool.run(
          { code: "print('y' * 50000)" },
          ctx({ maxOutputBytes: 100 }),
        );
        expect(result.truncated).toBe(true);
        expect(Buffer.byteLength(result.content)).toBeLessThanOrEqual(100);
        expect(result.content).toMatch(
          /^exit code 0\n--- output ---\ny+\n\[truncated: showing \d+ of 50001 bytes\]$/,
        );
      });
    },
  );
});
