import type { ClawDeskApi } from '../../../shared/ipc-contract.ts';

/**
 * `connecting`: not reached the host yet; `offline`: lost it, retrying; `unreachable`: several
 * attempts in a row failed (still retrying), worth telling the user what may be wrong.
 */
export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'unreachable';

/**
 * What the renderer uses: the shared API plus the connection state, which only the WebSocket
 * transport really has (the Electron preload is always "online").
 */
export interface RendererApi extends ClawDeskApi {
  /** The listener is called at once with the current status, then on every change. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Called after a reconnect: events sent while we were away are lost, so reload state. */
  onResync(listener: () => void): () => void;
}
