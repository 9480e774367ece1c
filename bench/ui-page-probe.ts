/**
 * In-page probes of the UI latency bench (`ui-latency.ts`). The page script is text because
 * the bench's tsconfig has no DOM types; it runs before the page's own code.
 */
import type { Locator, Page } from '@playwright/test';

/**
 * - `type`, three views of one keystroke, all from keydown's timestamp:
 *   `ready`: until the page has finished responding (keydown, input, React's render and
 *   commit — a microtask queued by a window `input` listener, which runs after React's root
 *   listener and its sync-lane flush); this is the app's own work;
 *   `latencies`: until the animation frame after the input event, which also waits for the
 *   display's 60 Hz clock (uniform 0–16.7 ms for keys not aligned to frames);
 *   `missed`: frames that began after the key and before that frame (0 = painted in the
 *   first frame it could be);
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
  const probe = { on: false, kind: '', latencies: [], ready: [], missed: [], longTasks: [], frames: [], wsAtStart: 0 };
  let keydownAt = null;
  new PerformanceObserver((list) => {
    if (probe.on) for (const e of list.getEntries()) probe.longTasks.push(e.duration);
  }).observe({ type: 'longtask' });
  window.addEventListener('keydown', (e) => (keydownAt = e.timeStamp), true);
  window.addEventListener('input', () => {
    const t0 = keydownAt;
    keydownAt = null;
    if (t0 === null || !probe.on || probe.kind !== 'type') return;
    queueMicrotask(() => probe.ready.push(performance.now() - t0));
    requestAnimationFrame((frameAt) => {
      probe.latencies.push(performance.now() - t0);
      probe.missed.push(probe.frames.filter((f) => f > t0 && f < frameAt).length);
    });
  });
  const frameLoop = () => {
    let last = performance.now();
    const loop = (now) => {
      if (!probe.on) return;
      if (probe.kind === 'scroll') probe.latencies.push(now - last);
      else probe.frames.push(now);
      last = now;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  };
  window.__uiBench = {
    start(kind) {
      Object.assign(probe, { on: true, kind, latencies: [], ready: [], missed: [], longTasks: [], frames: [] });
      frameLoop();
      probe.wsAtStart = ws.messages;
    },
    stop() {
      probe.on = false;
      const { latencies, ready, missed, longTasks } = probe;
      return { latencies, ready, missed, longTasks, messages: ws.messages - probe.wsAtStart };
    },
    frame: () => new Promise((done) => requestAnimationFrame(() => setTimeout(done))),
  };
})();
`;

export interface Probe {
  /** Typing: keydown → next frame. Scrolling: frame intervals. */
  latencies: number[];
  /** Typing only: keydown → the page done responding. */
  ready: number[];
  /** Typing only: frames missed before the key was painted. */
  missed: number[];
  longTasks: number[];
  messages: number;
  seconds: number;
}

/** Turns the probes on, runs `act` (which works on `target`), and returns what they saw. */
export async function measure(
  page: Page,
  target: Locator,
  kind: 'type' | 'scroll',
  act: () => Promise<void>,
): Promise<Probe> {
  await target.waitFor();
  await page.evaluate(`window.__uiBench.start(${JSON.stringify(kind)})`);
  const t0 = performance.now();
  await act();
  await page.evaluate('window.__uiBench.frame()');
  const seconds = (performance.now() - t0) / 1000;
  const seen = (await page.evaluate('window.__uiBench.stop()')) as Omit<Probe, 'seconds'>;
  return { ...seen, seconds };
}
