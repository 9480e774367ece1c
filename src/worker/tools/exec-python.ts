import { z } from 'zod';
import { runExec } from './exec-run.ts';
import { resolveCwd } from './run-process.ts';
import { parseToolArgs } from './types.ts';
import type { ToolContext, ToolDefinition, ToolResult } from './types.ts';

/**
 * `exec_python`: a snippet of Python run by `python3` in the workspace, with the same OS sandbox,
 * timeout, output cap and scrubbed environment as `exec_command`.
 *
 * The code goes in through stdin (`python3 -u -`) rather than a temp file: nothing is left in the
 * workspace to clean up or to collide with the user's files, and a killed run leaves no debris.
 * `-u` keeps stdout unbuffered so that a run killed by the timeout still shows what it printed.
 */

export const MAX_PYTHON_CODE_BYTES = 100 * 1024;

const execPythonArgs = z.object({
  code: z
    .string()
    .min(1, 'must not be empty')
    .refine(
      (code) => Buffer.byteLength(code, 'utf8') <= MAX_PYTHON_CODE_BYTES,
      `must be at most ${MAX_PYTHON_CODE_BYTES / 1024} KB`,
    ),
});

export interface ExecPythonOptions {
  /** Interpreter looked up on PATH; injectable so the "not installed" answer can be tested. */
  python?: string;
}

export function createExecPythonTool(options: ExecPythonOptions = {}): ToolDefinition {
  const python = options.python ?? 'python3';

  async function run(rawArgs: unknown, ctx: ToolContext): Promise<ToolResult> {
    const parsed = parseToolArgs(execPythonArgs, rawArgs);
    if (!parsed.ok) return parsed.result;
    const where = await resolveCwd(ctx.workspace, undefined);
    if (!where.ok) return { ok: false, content: where.message };

    return runExec(
      ctx,
      {
        tool: 'exec_python',
        program: python,
        args: ['-u', '-'],
        cwd: where.cwd,
        stdin: parsed.value.code,
      },
      `${python} is not installed on this machine`,
    );
  }

  return {
    name: 'exec_python',
    description:
      'Run a Python 3 program (given as source code) with python3 in the workspace folder, with ' +
      'a timeout. Returns the exit code and the combined stdout/stderr, capped in size. No ' +
      'stdin is available; files it writes land in the workspace.',
    parameters: {
      type: 'object',
      properties: {
        code: {
          type: 'string',
          description: 'Complete Python 3 source to run; print what you want to see.',
          maxLength: MAX_PYTHON_CODE_BYTES,
        },
      },
      required: ['code'],
      additionalProperties: false,
    },
    policy: 'ask',
    run,
  };
}

export const execPythonTool: ToolDefinition = createExecPythonTool();
