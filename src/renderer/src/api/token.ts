const STORAGE_KEY = 'clawdesk.token';

/**
 * The headless server prints a URL with `?token=` (as Jupyter does). Take it from the address
 * bar once, keep it in sessionStorage so reloads still work, and strip it from the address bar
 * so it does not end up in bookmarks, screenshots or the history list.
 */
export function takeToken(
  location: Location,
  history: History,
  storage: Storage | null,
): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      storage?.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    url.searchParams.delete('token');
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  try {
    return storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The token this page holds (null: opened without one); set once the bridge URL is made. */
let held: string | null = null;
export const pageToken = (): string | null => held;

/** `ws(s)://<host>/bridge?token=…` for the page's own origin. */
export function bridgeUrl(path: string): string {
  const token = takeToken(window.location, window.history, sessionStorageOrNull());
  held = token;
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}://${window.location.host}${path}${query}`;
}
