import type { App } from 'electron';

/** Longest we hold the quit for the core; a hung close must not make the app unquittable. */
export const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Electron does not wait for promises in 'before-quit'. So the first quit is held back, the
 * core is closed (workers stopped, SQLite closed cleanly), and then the quit is repeated.
 */
export function closeBeforeQuit(
  app: Pick<App, 'on' | 'quit'>,
  close: () => Promise<void>,
  log: (line: string) => void,
  timeoutMs: number = CLOSE_TIMEOUT_MS,
): void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log(`closing took over ${timeoutMs} ms; quitting anyway`);
        resolve();
      }, timeoutMs);
    });
    const closing = close().catch((err: unknown) => {
      log(`closing failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    void Promise.race([closing, timeout]).then(() => {
      clearTimeout(timer);
      state = 'closed';
      app.quit();
    });
  });
}
