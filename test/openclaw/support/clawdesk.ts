/**
 * ClawDesk itself against the harness's real OpenClaw gateway, for scenario tests: the core
 * with real worker processes in this process (test/helpers/worker-core.ts), or the whole
 * headless server as a child process that can be killed (test/helpers/headless-process.ts).
 *
 *   const oc = await startOpenClaw();
 *   const desk = startClawDeskCore(oc, join(dir, 'clawdesk.sqlite'));
 *   const { conversation } = await sendOk(desk.core, 'hello');
 *   await allFinished(desk.core, [conversation.id], 300_000);
 *   await desk.core.close();
 */
import type { CoreSettings } from '../../../src/main/core/settings.ts';
import {
  startServerProcess,
  type ServerProcess,
  type ServerProcessOptions,
} from '../../helpers/headless-process.ts';
import { startWorkerCore } from '../../helpers/worker-core.ts';

export { allFinished, sendOk } from '../../helpers/worker-core.ts';
export { startOpenClaw, type OpenClawGateway } from './openclaw-gateway.ts';
export { readHistory, connectOperator, sessionKeyOf, messageText } from './operator.ts';

interface GatewayAddress {
  url: string;
  token: string;
}

/** ClawDesk's core and workers, pointed at `gateway` (its URL and token). */
export function startClawDeskCore(
  gateway: GatewayAddress,
  dbPath: string,
  overrides: Partial<CoreSettings> = {},
): ReturnType<typeof startWorkerCore> {
  return startWorkerCore(dbPath, gateway, overrides);
}

/** `npm run serve`'s server from source as a child process, pointed at `gateway`. */
export function startClawDeskServer(
  gateway: GatewayAddress,
  options: Omit<ServerProcessOptions, 'gatewayUrl' | 'gatewayToken'>,
): Promise<ServerProcess> {
  return startServerProcess({ ...options, gatewayUrl: gateway.url, gatewayToken: gateway.token });
}
