import type { Lane } from '../../shared/task.ts';
import type { MainToWorker } from '../../shared/worker-protocol.ts';
import type { CoreSettings } from './settings.ts';
import type { ClaimedTask } from './task-store.ts';
import { jobTools } from './tool-runs.ts';

/**
 * What a worker needs to run a claimed task, and nothing more: the new message (OpenClaw keeps
 * the history under the session key), the gateway with the task's agent, its lane's limits.
 */
export function runMessage(claimed: ClaimedTask, settings: CoreSettings): MainToWorker {
  const { gateway, lanes } = settings;
  return {
    type: 'run',
    job: {
      taskId: claimed.id,
      attempt: claimed.attempt,
      text: claimed.prompt,
      sessionKey: claimed.sessionKey,
      gateway: { ...gateway, agentId: claimed.agentId },
      timeouts: lanes[claimed.lane],
      ...jobTools(settings),
      ...(claimed.resume ? { resume: claimed.resume } : {}),
    },
  };
}

const LANE_BASE: Record<Lane, number> = { interactive: 0, short: 3, long: 6 };

/**
 * Bottleneck priorities, 0 first: lanes in order, and within each the conversation in front of
 * the user ahead of the rest. An unknown run counts as a background one.
 */
export function callPriority(
  run: { conversationId: string; lane: Lane } | undefined,
  focused: string | null,
): number {
  return LANE_BASE[run?.lane ?? 'long'] + (run && run.conversationId === focused ? 0 : 1);
}
