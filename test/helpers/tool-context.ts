import type { ToolContext } from '../../src/worker/tools/types.ts';

/** A file tool's context for tests: small limits, no OS sandbox, a signal that never aborts. */
export function fileToolContext(workspace: string): ToolContext {
  return {
    workspace,
    signal: new AbortController().signal,
    limits: { maxReadBytes: 1024, maxWriteBytes: 1024, maxOutputBytes: 4096, timeoutMs: 1000 },
    sandbox: { kind: 'none', hidden: [], network: [] },
  };
}
