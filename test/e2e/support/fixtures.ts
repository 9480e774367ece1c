import { test as base, type Page } from '@playwright/test';
import { recordFrames, recordToken } from './leak-scan.ts';

export { expect } from '@playwright/test';

/**
 * Playwright's `test`, plus what issue 7's leak scan needs from every test: each frame its
 * pages receive on their WebSockets (what the server sent the renderer), and each gateway
 * token a spec types into Settings (read from the `settings.update` the page sends). Specs
 * take `test` from here; the global teardown refuses a spec that does not.
 */
export const test = base.extend<{ recordFrames: void }>({
  recordFrames: [
    async ({ context }, use, testInfo) => {
      const received: string[] = [];
      const watch = (page: Page): void => {
        page.on('websocket', (socket) => {
          socket.on('framereceived', ({ payload }) => received.push(String(payload)));
          socket.on('framesent', ({ payload }) => {
            const token = typedToken(String(payload));
            if (token) recordToken(token, 'typed-in-settings');
          });
        });
      };
      for (const page of context.pages()) watch(page);
      context.on('page', watch);
      await use();
      recordFrames(testInfo.titlePath.join(' › '), received);
    },
    { auto: true },
  ],
});

function typedToken(frame: string): string | undefined {
  try {
    const request = JSON.parse(frame) as { method?: unknown; params?: { token?: unknown } };
    const token = request.method === 'settings.update' ? request.params?.token : undefined;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}
