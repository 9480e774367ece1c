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
 * The sending side for one window: the current page's port, and the per-frame flush of the
 * batch to it. Without a port (loading, reloading, crashed) events wait, bounded.
 */
function createPortSender(contents: BrowserWindow['webContents']) {
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
  return {
    batch,
    schedule,
    closePort,
    openPort(): void {
      closePort();
      const channel = new MessageChannelMain();
      contents.postMessage(EVENT_PORT_CHANNEL, null, [channel.port2]);
      port = channel.port1;
      if (batch.size > 0) schedule();
    },
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = null;
      closePort();
      batch.clear();
    },
  };
}

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
  const sender = createPortSender(contents);
  const unsubscribe = core.onEvent((event) => {
    sender.batch.push(event);
    sender.schedule();
  });
  contents.on('did-start-navigation', (event) => {
    if (!event.isMainFrame || event.isSameDocument) return;
    // A new document loads its state itself, after this point: older events are covered.
    sender.closePort();
    sender.batch.clear();
  });
  // Fires again after every reload, each time for a new document with a new preload.
  contents.on('did-finish-load', sender.openPort);
  contents.on('render-process-gone', sender.closePort);

  let detached = false;
  const detach = (): void => {
    if (detached) return;
    detached = true;
    unsubscribe();
    sender.stop();
  };
  window.once('closed', detach);
  return detach;
}
