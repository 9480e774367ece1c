import { BRIDGE_PATH } from '../../../shared/bridge-protocol.ts';
import type { ClawDeskApi } from '../../../shared/ipc-contract.ts';
import { BridgeClient } from './bridge-client.ts';
import { bridgeUrl } from './token.ts';
import type { RendererApi } from './types.ts';

export type { ConnectionStatus, RendererApi } from './types.ts';

/** The preload talks to main over IPC in-process: there is no connection to lose. */
function fromPreload(api: ClawDeskApi): RendererApi {
  return {
    invoke: (method, params) => api.invoke(method, params),
    onEvent: (listener) => api.onEvent(listener),
    onStatus: (listener) => {
      listener('online');
      return () => {};
    },
    onResync: () => () => {},
  };
}

let shared: RendererApi | undefined;

/**
 * Electron gives us `window.clawdesk`; a browser tab talks to the headless bridge instead.
 * One per page: the chat, the monitor and the settings share its connection.
 */
export function selectApi(): RendererApi {
  const preload = window.clawdesk;
  shared ??= preload ? fromPreload(preload) : new BridgeClient(bridgeUrl(BRIDGE_PATH));
  return shared;
}
