import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  startOpenClaw,
  type OpenClawGateway,
  type StartOpenClawOptions,
} from './openclaw-gateway.ts';

/**
 * One real OpenClaw gateway for the calling file: started before its first test, stopped after
 * its last (also when a test fails; the process-exit and reaper nets of process-group.ts catch
 * the rest). A failed test prints the end of the gateway's own log.
 */
export function useOpenClaw(options: StartOpenClawOptions = {}): {
  readonly gateway: OpenClawGateway;
} {
  const holder = {} as { gateway: OpenClawGateway };
  beforeAll(async () => {
    holder.gateway = await startOpenClaw(options);
  });
  afterEach((context) => {
    if (context.task.result?.state !== 'fail' || !holder.gateway) return;
    process.stderr.write(`--- OpenClaw gateway log (end) ---\n${holder.gateway.logTail(80)}\n`);
  });
  afterAll(async () => {
    await holder.gateway?.stop();
  });
  return holder;
}
