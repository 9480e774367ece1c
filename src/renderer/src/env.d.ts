import type { ClawDeskApi } from '../../shared/ipc-contract.ts';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent when the page is served by the headless server. */
    clawdesk?: ClawDeskApi;
  }
}

export {};
