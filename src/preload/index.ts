import { contextBridge, ipcRenderer } from 'electron';
import { z } from 'zod';
import { createPreloadApi } from './api.ts';

export type { ApiCallErrorData } from './api.ts';

/**
 * The sandboxed preload (bundled to out/preload/index.cjs). It exposes exactly
 * `window.clawdesk = { invoke, onEvent, onOpenTask }`; the renderer declares that global on its side.
 */

// zod would otherwise probe `new Function` once, which the page's CSP reports as a violation.
z.config({ jitless: true });

contextBridge.exposeInMainWorld('clawdesk', createPreloadApi(ipcRenderer));
