/**
 * In-page probes of the UI latency bench (`ui-latency.ts`). The page script is text because
 * the bench's tsconfig has no DOM types; it runs before the page's own code.
 */
import type { Locator, Page } from '@playwright/test';

/**
 * - `type`: keydown's timestamp → the animation frame after its `input` event;
 * - `scroll`: frame intervals (rAF to rAF) while scrolling: wheel events are aligned to frames
 *   in Chromium, so "wheel → next frame" would measure the frame clock, not the page;
 * - long tasks (PerformanceObserver 'longtask') while on;
 * - WebSocket messages received (events and replies), counted from before the app starts.
 */
export const PAGE_SCRIPT = `
(() => {
  const ws = { messages: 0 };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => ws.messages++);
    }
  };
  const probe = { on: false, latencies: [], longTasks: [], wsAtStart: 0 };
  const installed = new WeakSet();
  const frameAfter = (t0) =>
    requestAnimationFrame(() => probe.latencies.push(performance.now() - t0));
  new PerformanceObserver((list) => {
    if (probe.on) for (const e of list.getEntries()) probe.longTasks.push(e.duration);
  }).observe({ type: 'longtask' });
  window.__uiBench = {
    start(el, kind) {
      if (!installed.has(el)) {
        installed.add(el);
        if (kind === 'type') {
          let keydownAt = null;
          el.addEventListener('keydown', (e) => (keydownAt = e.timeStamp), true);
          el.addEventListener('input', () => {
            const t0 = keydownAt;
            keydownAt = null;
            if (t0 !== null && probe.on) frameAfter(t0);
          });
        }
      }
      Object.assign(probe, { on: true, latencies: [], longTasks: [] });
      if (kind === 'scroll') {
        let last = performance.now();
        const loop = (now) => {
          if (!probe.on) return;
          probe.latencies.push(now - last);
          last = now;
          requestAnimationFrame(loop);
        };
        requestAnimationFrame(loop);
      }
      probe.wsAtStart = ws.messages;
    },
    stop() {
      probe.on = false;
      const { latencies, longTasks } = probe;
      return { latencies, longTasks, messages: ws.messages - probe.wsAtStart };
    },
    frame: () => new Promise((done) => requestAnimationFrame(() => setTimeout(done))),
  };
})();
`;

export interface Probe {
  latencies: number[];
  longTasks: number[];
  messages: number;
  seconds: number;
}

/** Turns the probes on for `target`, runs `act`, and returns what they saw. */
export async function measure(
  page: Page,
  target: Locator,
  kind: 'type' | 'scroll',
  act: () => Promise<void>,
): Promise<Probe> {
  await target.evaluate((el, k) => {
    const bench = (globalThis as unknown as { __uiBench: { start(e: unknown, k: string): void } })
      .__uiBench;
    bench.start(el, k);
  }, kind);
  const t0 = performance.now();
  await act();
  await page.evaluate('window.__uiBench.frame()');
  const seconds = (performance.now() - t0) / 1000;
  const seen = (await page.evaluate('window.__uiBench.stop()')) as Omit<Probe, 'seconds'>;
  return { ...seen, seconds };
}
