import type { BrowserWindow, MessagePortMain } from 'electron';
import { MessageChannelMain } from 'electron';
import type { TaskEvent } from '../../shared/ipc-contract.ts';
import { EVENT_PORT_CHANNEL } from '../../shared/ipc-contract.ts';
import type { ClawDeskCore } from '../core/core.ts';
import { createEventBatch } from './event-batch.ts';

/**
 * Wire format on the port: every message is a non-empty `TaskEvent[]`, in order per task.
 * The preload parses each element with `TaskEventSchema`.
 */
export type EventPortMessage = TaskEvent[];

/** About one frame: the renderer repaints at most this often however many tasks stream. */
export const FLUSH_INTERVAL_MS = 16;

/**
 * Events kept while the page has no port (loading, reloading, crashed). The page loads its
 * state with `invoke` while it starts, so only the newest events can still matter to it.
 */
export const MAX_PENDING_EVENTS = 5_000;

/**
 * Streams core events to one window over a MessagePort. A fresh channel is handed to each
 * page load (the old page's port died with it); events are batched per frame; the port is
 * closed and the core listener removed when the window closes. Returns that cleanup.
 */
export function attachEventPort(
  window: BrowserWindow,
  core: Pick<ClawDeskCore, 'onEvent'>,
): () => void {
  const contents = window.webContents;
  const batch = createEventBatch();
  let port: MessagePortMain | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = (): void => {
    timer = null;
    if (!port) {
      // Kept for the next page's port; bounded so a page that never loads cannot grow it.
      batch.trim(MAX_PENDING_EVENTS);
      return;
    }
    if (batch.size > 0) port.postMessage(batch.take() satisfies EventPortMessage);
  };
  const schedule = (): void => {
    timer ??= setTimeout(flush, FLUSH_INTERVAL_MS);
  };
  const closePort = (): void => {
    port?.close();
    port = null;
  };
  const openPort = (): void => {
    closePort();
    const channel = new MessageChannelMain();
    contents.postMessage(EVENT_PORT_CHANNEL, null, [channel.port2]);
    port = channel.port1;
    if (batch.size > 0) schedule();
  };

  const unsubscribe = core.onEvent((event) => {
    batch.push(event);
    schedule();
  });
  contents.on('did-start-navigation', (event) => {
    if (!event.isMainFrame || event.isSameDocument) return;
    // A new document loads its state itself, after this point: older events are covered.
    closePort();
    batch.clear();
  });
  // Fires again after every reload, each time for a new document with a new preload.
  contents.on('did-finish-load', openPort);
  contents.on('render-process-gone', closePort);

  let detached = false;
  const detach = (): void => {
    if (detached) return;
    detached = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
    timer = null;
    closePort();
    batch.clear();
  };
  window.once('closed', detach);
  return detach;
}
