import type { ExecRequest } from './os-sandbox/confine.ts';
import { confine } from './os-sandbox/confine.ts';
import { describeRun, runProcess } from './run-process.ts';
import type { ToolContext, ToolResult } from './types.ts';

/**
 * One exec call from start to answer: confined by the OS sandbox, run with the context's
 * timeout, output cap and cancel signal, described for the model, its private HOME removed.
 */
export async function runExec(
  ctx: ToolContext,
  request: ExecRequest & { stdin?: string },
  missing: string,
): Promise<ToolResult> {
  const confined = await confine(ctx.sandbox, ctx.workspace, request);
  if (!confined.ok) return { ok: false, content: missing };
  const { command, args, env, cleanup } = confined.run;
  try {
    const result = await runProcess({
      command,
      args,
      cwd: request.cwd,
      env,
      ...(request.stdin !== undefined ? { stdin: request.stdin } : {}),
      timeoutMs: ctx.limits.timeoutMs,
      maxOutputBytes: ctx.limits.maxOutputBytes,
      signal: ctx.signal,
    });
    if (result.end.kind === 'spawn-error' && result.end.code === 'ENOENT') {
      // Without a sandbox the program itself was not found; with one, the sandbox's launcher.
      return {
        ok: false,
        content: command === request.program ? missing : `the sandbox (${command}) is missing`,
      };
    }
    return describeRun(result, ctx.limits);
  } finally {
    await cleanup();
  }
}
