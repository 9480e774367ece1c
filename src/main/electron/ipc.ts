import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcMain } from 'electron';
import type { ApiMethod, ApiOutcome } from '../../shared/ipc-contract.ts';
import { API_METHODS, ipcChannel } from '../../shared/ipc-contract.ts';
import type { ClawDeskCore } from '../core/core.ts';

/** Decides whether an invoke comes from a page allowed to use the API. */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export const REFUSED_SENDER: ApiOutcome<ApiMethod> = {
  ok: false,
  error: { code: 'refused', message: 'This page is not allowed to use the ClawDesk API.' },
};

/**
 * Electron's checklist: validate every IPC sender. Only the main frame of one of our own
 * windows, showing our own page, may call: not an iframe, not a page that navigated away
 * (its frame is gone: `senderFrame` null), not some other WebContents.
 */
export function createSenderCheck(
  isOurContents: (contents: WebContents) => boolean,
  isOwnUrl: (url: string) => boolean,
): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    if (!isOurContents(event.sender)) return false;
    return isOwnUrl(frame.url);
  };
}

export interface IpcOptions {
  core: Pick<ClawDeskCore, 'dispatch'>;
  isAllowedSender: SenderCheck;
  log?: (line: string) => void;
}

/**
 * One `ipcMain.handle` per method of the contract. Params go to the core untouched: the core
 * parses them with the contract's schema and answers a structured-clone friendly ApiOutcome,
 * so nothing here throws across IPC (a throw would reach the page as a stack trace).
 * Returns a function that removes the handlers again.
 */
export function registerIpcHandlers(options: IpcOptions): () => void {
  const log = options.log ?? ((line: string) => console.error(`[clawdesk] ${line}`));
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), (event, params: unknown) =>
      handleInvoke(options, log, method, event, params),
    );
  }
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}

async function handleInvoke(
  options: IpcOptions,
  log: (line: string) => void,
  method: ApiMethod,
  event: IpcMainInvokeEvent,
  params: unknown,
): Promise<ApiOutcome<ApiMethod>> {
  if (!options.isAllowedSender(event)) {
    // The URL says who knocked; params are not logged, they may hold user text.
    log(`refused ${method} from ${event.senderFrame?.url ?? 'a closed frame'}`);
    return REFUSED_SENDER;
  }
  try {
    return await options.core.dispatch(method, params);
  } catch (err) {
    // dispatch promises never to throw; if it ever does, the page still gets an outcome.
    log(`${method} threw: ${err instanceof Error ? err.message : String(err)}`);
    return { ok: false, error: { code: 'internal', message: `${method} failed` } };
  }
}
