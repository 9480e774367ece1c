import { z } from 'zod';
import { runExec } from './exec-run.ts';
import { resolveCwd } from './run-process.ts';
import { parseToolArgs } from './types.ts';
import type { ToolContext, ToolDefinition, ToolResult } from './types.ts';

/**
 * `exec_command`: one allowlisted program with an argument array, never a shell, so `;`, `|`,
 * `$(…)` or `>` in an argument reach the program as plain characters.
 *
 * The allowlist is a convenience, not the security boundary: `node`, `python3`, `git -c alias…`
 * or `find -exec` can run arbitrary code, and arguments may name files outside the workspace.
 * What bounds the damage is the OS sandbox (os-sandbox/): only the workspace writable, the data
 * and home folders invisible, no network unless allowed, nothing left running after the call;
 * where there is none, the 'ask' policy (the user sees the exact call) is the only boundary.
 */

export const DEFAULT_EXEC_ALLOWLIST: readonly string[] = [
  'ls',
  'cat',
  'head',
  'tail',
  'wc',
  'grep',
  'echo',
  'git',
  'node',
  'python3',
  'pwd',
  'date',
  'sort',
  'uniq',
  'diff',
  'find',
];

export const MAX_EXEC_ARGS = 100;
export const MAX_EXEC_ARG_CHARS = 4096;

const execCommandArgs = z.object({
  program: z.string().min(1, 'must not be empty'),
  args: z
    .array(
      z
        .string()
        .max(MAX_EXEC_ARG_CHARS, `each argument must be at most ${MAX_EXEC_ARG_CHARS} characters`)
        // spawn would throw on a NUL byte; say so instead.
        .refine((arg) => !arg.includes('\0'), 'arguments must not contain NUL characters'),
    )
    .max(MAX_EXEC_ARGS, `at most ${MAX_EXEC_ARGS} arguments`)
    .default([]),
  cwd: z.string().optional(),
});

export interface ExecCommandOptions {
  /** Program names that may run; replaces the default list (a setting). */
  allowlist?: readonly string[];
}

/**
 * A bare name only: with a slash (or backslash) the program would be a path the agent chose,
 * possibly a script it just wrote into the workspace, and the allowlist would mean nothing.
 */
function isBareName(program: string): boolean {
  return !/[\\/]/.test(program) && program !== '.' && program !== '..';
}

/** The model's view of the arguments: JSON schema, the allowlist as the program's enum. */
function execCommandParameters(allowlist: string[]): ToolDefinition['parameters'] {
  return {
    type: 'object',
    properties: {
      program: {
        type: 'string',
        description: 'Name of the program, e.g. "ls" or "git" (no path).',
        ...(allowlist.length > 0 ? { enum: allowlist } : {}),
      },
      args: {
        type: 'array',
        items: { type: 'string', maxLength: MAX_EXEC_ARG_CHARS },
        maxItems: MAX_EXEC_ARGS,
        description: 'Arguments, one per item, passed literally.',
      },
      cwd: {
        type: 'string',
        description: 'Working directory relative to the workspace; defaults to the workspace.',
      },
    },
    required: ['program', 'args'],
    additionalProperties: false,
  };
}

/** Why a program may not run (a path, or not on the allowlist), or undefined. */
function programRefusal(program: string, allowlist: string[]): string | undefined {
  if (!isBareName(program)) {
    return `program must be a bare name such as "ls", not a path: ${program}`;
  }
  if (allowlist.includes(program)) return undefined;
  const list = allowlist.length > 0 ? allowlist.join(', ') : 'none';
  return `program ${program} is not allowed (allowed: ${list})`;
}

export function createExecCommandTool(options: ExecCommandOptions = {}): ToolDefinition {
  const allowlist = [...(options.allowlist ?? DEFAULT_EXEC_ALLOWLIST)];

  async function run(rawArgs: unknown, ctx: ToolContext): Promise<ToolResult> {
    const parsed = parseToolArgs(execCommandArgs, rawArgs);
    if (!parsed.ok) return parsed.result;
    const { program, args, cwd } = parsed.value;
    const refusal = programRefusal(program, allowlist);
    if (refusal) return { ok: false, content: refusal };
    const where = await resolveCwd(ctx.workspace, cwd);
    if (!where.ok) return { ok: false, content: where.message };

    return runExec(
      ctx,
      { tool: 'exec_command', program, args, cwd: where.cwd },
      `program ${program} is allowed but was not found on PATH`,
    );
  }

  return {
    name: 'exec_command',
    description:
      'Run one program from an allowlist with an argument array, without a shell (no pipes, ' +
      'redirections or variable expansion: every argument is passed literally). Runs in the ' +
      'workspace folder (or a subfolder given as cwd) with a timeout; returns the exit code and ' +
      `the combined stdout/stderr, capped in size. Allowed programs: ${allowlist.join(', ')}.`,
    parameters: execCommandParameters(allowlist),
    policy: 'ask',
    run,
  };
}

export const execCommandTool: ToolDefinition = createExecCommandTool();
