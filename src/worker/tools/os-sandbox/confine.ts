import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ToolSandbox } from '../../../shared/worker-protocol.ts';
import { isInside } from '../sandbox.ts';
import { bwrapArgs, inSystemFolder, linuxLayout, SANDBOX_HOME } from './bwrap.ts';
import { findProgram, programFolder } from './program.ts';
import { SANDBOX_EXEC, seatbeltArgs } from './seatbelt.ts';

/**
 * Turns one exec call (program, arguments, cwd) into the command that runs it inside the OS
 * sandbox main found on this machine (bubblewrap, sandbox-exec), or as is where there is none.
 * The environment is built here too: it never carries a token, and HOME is always a fresh empty
 * folder, so a `.gitconfig` or `.ssh` the agent wrote anywhere is never read as configuration.
 */

export interface ExecRequest {
  /** Which tool runs it; decides whether the network is allowed. */
  tool: string;
  /** A bare program name, looked up on the scrubbed PATH. */
  program: string;
  args: readonly string[];
  /** Real, already-checked folder inside the workspace. */
  cwd: string;
}

export interface Confined {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Removes the call's private HOME where it was a real folder. Never rejects. */
  cleanup: () => Promise<void>;
}

export type ConfineResult = { ok: true; run: Confined } | { ok: false; missing: string };

const isWindows = process.platform === 'win32';

/** The only parent variables a tool's process inherits; everything else (tokens included) stays. */
const PASSED_VARIABLES = isWindows ? ['LANG', 'TZ', 'SystemRoot', 'PATHEXT'] : ['LANG', 'TZ'];

/**
 * PATH is kept so `git` or `python3` are found, but only its absolute entries outside the
 * workspace: an empty or `.` entry would resolve against the cwd, where the agent can write a file
 * called `ls` and have it run under an allowlisted name.
 */
function safePath(parentPath: string | undefined, workspace: string): string {
  const root = path.resolve(workspace);
  return (parentPath ?? '')
    .split(path.delimiter)
    .filter((entry) => path.isAbsolute(entry) && !isInside(root, path.resolve(entry)))
    .join(path.delimiter);
}

/**
 * PATH (filtered), HOME, LANG and TZ, and git told to read no system or global configuration
 * (`core.fsmonitor`, `core.pager` or an alias there would run a program) and never to prompt.
 */
export function scrubbedEnv(
  workspace: string,
  home: string,
  parent: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: safePath(parent.PATH ?? parent.Path, workspace) };
  env.HOME = home;
  if (isWindows) env.USERPROFILE = home;
  for (const name of PASSED_VARIABLES) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_CONFIG_GLOBAL = '/dev/null';
  env.GIT_TERMINAL_PROMPT = '0';
  return env;
}

async function realOr(p: string): Promise<string> {
  return realpath(p).catch(() => path.resolve(p));
}

async function privateHome(): Promise<{ home: string; cleanup: () => Promise<void> }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'clawdesk-home-'));
  return { home, cleanup: () => rm(home, { recursive: true, force: true }).catch(() => {}) };
}

async function bubblewrap(
  sandbox: ToolSandbox,
  workspace: string,
  hidden: string[],
  req: ExecRequest,
): Promise<ConfineResult> {
  const layout = linuxLayout();
  const env = scrubbedEnv(workspace, SANDBOX_HOME);
  const found = await findProgram(req.program, env.PATH ?? '', (p) => inSystemFolder(layout, p));
  if (found === undefined) return { ok: false, missing: req.program };
  const readOnly = inSystemFolder(layout, found)
    ? []
    : [programFolder(found, await realOr(os.homedir()), [workspace, ...hidden])];
  const args = bwrapArgs(
    {
      workspace,
      cwd: req.cwd,
      hidden,
      readOnly,
      network: sandbox.network.includes(req.tool),
      command: found,
      args: req.args,
    },
    layout,
  );
  return { ok: true, run: { command: 'bwrap', args, env, cleanup: async () => {} } };
}

async function seatbelt(
  sandbox: ToolSandbox,
  workspace: string,
  hidden: string[],
  req: ExecRequest,
): Promise<ConfineResult> {
  const { home, cleanup } = await privateHome();
  const realHome = await realOr(home);
  const env: NodeJS.ProcessEnv = { ...scrubbedEnv(workspace, realHome), TMPDIR: realHome };
  const found = await findProgram(req.program, env.PATH ?? '', (p) => p.startsWith('/usr/'));
  if (found === undefined) {
    await cleanup();
    return { ok: false, missing: req.program };
  }
  const userHome = await realOr(os.homedir());
  const plan = {
    workspace,
    home: realHome,
    userHome,
    hidden,
    readOnly: [programFolder(found, userHome, [workspace, ...hidden])],
    network: sandbox.network.includes(req.tool),
    command: found,
    args: req.args,
  };
  return { ok: true, run: { command: SANDBOX_EXEC, args: seatbeltArgs(plan), env, cleanup } };
}

/** The command for one exec call; `missing` when the program is not installed. */
export async function confine(
  sandbox: ToolSandbox,
  workspace: string,
  req: ExecRequest,
): Promise<ConfineResult> {
  const realWorkspace = await realOr(workspace);
  const hidden = await Promise.all(sandbox.hidden.map(realOr));
  if (sandbox.kind === 'bubblewrap') return bubblewrap(sandbox, realWorkspace, hidden, req);
  if (sandbox.kind === 'seatbelt') return seatbelt(sandbox, realWorkspace, hidden, req);
  // No OS sandbox (Windows, Linux without bubblewrap): exec tools only run once the user
  // approved the exact call; the process still gets a clean environment and a private HOME.
  const { home, cleanup } = await privateHome();
  const env = scrubbedEnv(realWorkspace, home);
  return { ok: true, run: { command: req.program, args: [...req.args], env, cleanup } };
}
