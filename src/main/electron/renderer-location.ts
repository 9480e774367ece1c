import { dirname } from 'node:path';
import { APP_INDEX_URL, isAppUrl } from './app-protocol.ts';

/**
 * Where our own page lives: the built renderer, served as `app://clawdesk/` from its folder
 * on disk (app-protocol.ts), or (development only) the electron-vite dev server. Navigation,
 * IPC sender checks and the CSP all ask "is this URL ours?", so the answer is computed in one
 * place.
 */
export type RendererLocation =
  { kind: 'app'; root: string; url: string } | { kind: 'dev'; url: string; origin: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface RendererLocationInput {
  /** `process.env.ELECTRON_RENDERER_URL`, set by `electron-vite dev`. */
  devServerUrl: string | undefined;
  /** `app.isPackaged`: a shipped app never loads a URL taken from its environment. */
  isPackaged: boolean;
  /** Absolute path of the built renderer's index.html (its folder is what app:// serves). */
  indexPath: string;
}

export function resolveRendererLocation(input: RendererLocationInput): RendererLocation {
  const dev = input.isPackaged ? undefined : loopbackHttpUrl(input.devServerUrl);
  if (dev) return { kind: 'dev', url: dev.href, origin: dev.origin };
  return { kind: 'app', root: dirname(input.indexPath), url: APP_INDEX_URL };
}

/**
 * The dev server URL is honoured only on loopback over http(s): anything else in that
 * variable would hand our preload API to a page we do not control.
 */
function loopbackHttpUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    const web = url.protocol === 'http:' || url.protocol === 'https:';
    return web && LOOPBACK_HOSTS.has(url.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `url` is our page: same origin as the dev server, or any path of
 * `app://clawdesk/` (any query or hash). No file:// URL is ours: a file page could be
 * anything on disk.
 */
export function isOwnUrl(location: RendererLocation, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return location.kind === 'dev' ? parsed.origin === location.origin : isAppUrl(parsed);
}
