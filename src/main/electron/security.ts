import type { Session, WebContents } from 'electron';

/**
 * Electron's security checklist as small functions, so each rule is asserted by a unit test
 * (DESIGN.md "Security"). The page itself carries a <meta> CSP too; the header below adds
 * what a meta tag cannot (frame-ancestors) and stays in force if that tag is ever loosened:
 * both policies apply, so the page gets the stricter of the two.
 */

/**
 * The policy for our page, header-delivered. 'unsafe-inline' styles only: React sets inline
 * style attributes. Remote images stay blocked: Markdown from a model must not be able to
 * leak conversation text through an image URL.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Adds the CSP header to our own page's responses. Other responses (DevTools' own pages, which
 * bring their own policy) pass untouched; no other page can load in our windows anyway.
 */
export function installContentSecurityPolicy(
  session: Session,
  isOwnUrl: (url: string) => boolean,
  policy: string = CONTENT_SECURITY_POLICY,
): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isOwnUrl(details.url)) {
      callback({});
      return;
    }
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] },
    });
  });
}

/** Camera, microphone, notifications-by-page, geolocation…: the page needs none of them. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export type OpenExternal = (url: string) => unknown;

/** Only web links leave the app; file:, javascript:, custom schemes and the rest never do. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * No page may open a window. A web link (e.g. in a model's Markdown) goes to the user's
 * browser when `openExternal` is given; everything else is dropped.
 */
export function denyNewWindows(contents: WebContents, openExternal?: OpenExternal): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (openExternal && isExternalWebUrl(url)) void openExternal(url);
    return { action: 'deny' };
  });
}

/**
 * The main frame may only go to our own page (a reload); subframes nowhere else either. A
 * clicked web link opens in the browser instead of replacing the app.
 */
export function blockForeignNavigation(
  contents: WebContents,
  isOwnUrl: (url: string) => boolean,
  openExternal?: OpenExternal,
): void {
  contents.on('will-navigate', (event) => {
    if (isOwnUrl(event.url)) return;
    event.preventDefault();
    if (openExternal && isExternalWebUrl(event.url)) void openExternal(event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    // The main frame is handled by 'will-navigate' above (which also opens web links).
    if (!event.isMainFrame && !isOwnUrl(event.url)) event.preventDefault();
  });
}

/**
 * Belt and braces for every WebContents the app ever creates (app 'web-contents-created'):
 * no <webview>, no windows, no foreign navigation, even for contents we did not make on
 * purpose. Never opens anything externally: only our own window does that.
 */
export function hardenWebContents(contents: WebContents, isOwnUrl: (url: string) => boolean): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  denyNewWindows(contents);
  blockForeignNavigation(contents, isOwnUrl);
}
