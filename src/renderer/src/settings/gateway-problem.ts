import type { TaskView } from '../../../shared/task.ts';
import type { UpstreamStatus } from '../../../shared/upstream.ts';

/** What stops every message, not one: the banner says what to do about it. */
export type GatewayProblemKind = 'unreachable' | 'rejected' | 'endpoint-disabled';

export interface GatewayProblem {
  kind: GatewayProblemKind;
  /** The gateway address named in the error, when it names one. */
  url: string | null;
}

/** OpenClaw answers 404 when its OpenAI-compatible endpoint is switched off. */
const ENDPOINT_DISABLED = /HTTP 404|chatCompletions|endpoint.*disabled/i;
const URL_IN_TEXT = /https?:\/\/[^\s,;()"']+/;

/**
 * The newest task that says something about the gateway decides: a reply (or streamed text)
 * means it works; a failed or waiting task carries the reason. Tasks that never reached it
 * (queued, paused, cancelled without error) say nothing.
 */
function verdict(task: TaskView): GatewayProblem | 'ok' | undefined {
  if (task.state === 'succeeded') return 'ok';
  if (task.state === 'running' && task.output.length > 0) return 'ok';
  if (task.state === 'cancelled' || !task.error) return undefined;
  const { code, message } = task.error;
  const url = URL_IN_TEXT.exec(message)?.[0]?.replace(/[.:]+$/, '') ?? null;
  if (code === 'gateway_unreachable') return { kind: 'unreachable', url };
  if (code === 'unauthorized') return { kind: 'rejected', url };
  if (code === 'bad_response' && ENDPOINT_DISABLED.test(message)) {
    return { kind: 'endpoint-disabled', url };
  }
  return 'ok'; // it answered, with something else wrong: not a banner matter
}

export function gatewayProblem(
  tasks: Iterable<TaskView>,
  upstream: UpstreamStatus | null,
): GatewayProblem | null {
  if (upstream?.auth.state === 'rejected') return { kind: 'rejected', url: null };
  // The health probe knows best whether the gateway is there (issue 12); a task that waited
  // for it still carries the old reason until it runs again.
  if (upstream?.gateway.state === 'down') {
    return { kind: 'unreachable', url: upstream.gateway.origin };
  }
  let newest: TaskView | undefined;
  let found: GatewayProblem | 'ok' | undefined;
  for (const task of tasks) {
    if (newest && task.updatedAt < newest.updatedAt) continue;
    let said = verdict(task);
    if (upstream && said !== 'ok' && said?.kind === 'unreachable') said = undefined;
    if (said === undefined) continue;
    newest = task;
    found = said;
  }
  return found === undefined || found === 'ok' ? null : found;
}
