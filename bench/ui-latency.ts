/**
 * UI responsiveness (issue 5): typing into the composer while 1000 tasks stream, and
 * scrolling the task monitor's 10,000 rows meanwhile. A headless server with high limits on a
 * seeded database (10,000 tasks) in front of a fake gateway that streams slowly and steadily,
 * the real renderer in Debian's Chromium, and in-page probes (see `ui-page-probe.ts`).
 * Targets: P95 under 16 ms, no long tasks. A table, not pass/fail.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from '@playwright/test';
import { startFakeGateway } from '../test/helpers/fake-gateway.ts';
import { startHeadless } from '../test/e2e/support/headless.ts';
import { connectBridge } from './bridge-client.ts';
import { seedDatabase, TASKS as SEEDED } from './seed-db.ts';
import { fmt, summarize, table } from './stats.ts';
import { CHROMIUM_ARGS, chromiumOnPath } from '../test/helpers/chromium.ts';
import { measure, PAGE_SCRIPT, type Probe } from './ui-page-probe.ts';
import { uiFigures } from './ui-figures.ts';
import type { Figure, SectionReport } from './util.ts';
import { benchDir, onCleanup } from './util.ts';

const ROOT = resolve(import.meta.dirname, '..');
const TASKS = 1000;
const KEYSTROKES = 200;
const KEY_DELAY_MS = 25;
const WHEEL_STEPS = 120;
/** A scenario stops after this long, however slow the page is. */
const ACT_CAP_MS = 15_000;
const WORKERS = 8;
const CHUNK_DELAY_MS = 20;
const REPLY_WORDS = 400;
const SERVER_ENV = {
  CLAWDESK_RATE_PER_WINDOW: '100000',
  CLAWDESK_MAX_CONCURRENT: '64',
  CLAWDESK_WORKERS: String(WORKERS),
};

/** Builds the app when `out/` is missing (the UI sections need the real renderer). */
export function ensureBuilt(): void {
  if (existsSync(join(ROOT, 'out/main/serve.js')) && existsSync(join(ROOT, 'out/renderer'))) {
    return;
  }
  const built = spawnSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('electron-vite build failed');
}

/** Types KEYSTROKES characters into the composer, as a person would. */
function typing(page: Page): Promise<Probe> {
  const composer = page.getByRole('textbox', { name: 'Message' });
  const text = 'the quick brown fox jumps over the lazy dog '.repeat(10).slice(0, KEYSTROKES);
  return (async () => {
    await composer.fill('');
    await composer.focus();
    return measure(page, composer, 'type', async () => {
      const t0 = performance.now();
      for (const char of text) {
        if (performance.now() - t0 > ACT_CAP_MS) break;
        await page.keyboard.press(char === ' ' ? 'Space' : char);
        await sleep(KEY_DELAY_MS);
      }
    });
  })();
}

/** Wheels down the task monitor's rows, then back up. */
async function scrolling(page: Page): Promise<Probe> {
  const scroller = page.getByTestId('task-scroll');
  const box = await scroller.boundingBox();
  if (!box) throw new Error('the task list is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  return measure(page, scroller, 'scroll', async () => {
    const t0 = performance.now();
    for (let i = 0; i < WHEEL_STEPS; i++) {
      if (performance.now() - t0 > ACT_CAP_MS) break;
      await page.mouse.wheel(0, i < WHEEL_STEPS / 2 ? 600 : -600);
      await sleep(KEY_DELAY_MS);
    }
  });
}

function row(label: string, p: Probe, running: number): (string | number)[] {
  const paint = summarize(p.latencies);
  const ready = summarize(p.ready);
  const typed = p.missed.length > 0;
  const nextFrame = p.missed.filter((m) => m === 0).length / (p.missed.length || 1);
  const longMax = p.longTasks.length ? Math.max(...p.longTasks) : 0;
  return [
    label,
    running,
    Math.round(p.messages / p.seconds),
    paint.n,
    typed ? fmt(ready.p50) : '—',
    typed ? fmt(ready.p95) : '—',
    fmt(paint.p50),
    fmt(paint.p95),
    fmt(paint.max),
    typed ? `${fmt(nextFrame * 100)} %` : '—',
    p.longTasks.length,
    longMax ? fmt(longMax) : '—',
  ];
}

/** The metric's floor: the same keys into a bare textarea, no app, in the same browser. */
async function control(browser: Browser): Promise<Probe> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.setContent('<textarea aria-label="Message"></textarea>');
    await page.evaluate(PAGE_SCRIPT);
    return await typing(page);
  } finally {
    await page.close();
  }
}

export async function uiLatency(): Promise<SectionReport> {
  ensureBuilt();
  const dir = benchDir('ui');
  const seed = seedDatabase(join(dir.path, 'clawdesk.sqlite'));
  const filler = Array.from({ length: REPLY_WORDS }, (_, i) => `word${i}`).join(' ');
  const gateway = await startFakeGateway({
    firstChunkDelayMs: 200,
    chunkDelayMs: CHUNK_DELAY_MS,
    reply: (text) => `Echo: ${text}\n\n${filler}`,
  });
  const closeGateway = onCleanup(() => gateway.close());
  const server = await startHeadless({
    name: 'bench-ui',
    gatewayUrl: gateway.url,
    gatewayToken: gateway.token,
    dataDir: dir.path,
    env: SERVER_ENV,
  });
  const stopServer = onCleanup(() => server.stop());
  const browser = await chromium.launch({ executablePath: chromiumOnPath(), args: CHROMIUM_ARGS });
  const closeBrowser = onCleanup(() => browser.close());
  const token = new URL(server.url).searchParams.get('token') ?? '';
  const bridge = await connectBridge(server.url, token);
  const closeBridge = onCleanup(() => bridge.close());
  try {
    // The seeded queue would start at once: hold it for the idle baseline.
    await bridge.call('tasks.pauseAll', {});
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript({ content: PAGE_SCRIPT });
    await page.goto(server.url);
    await page.getByTestId('connection').and(page.locator('[data-status="online"]')).waitFor();
    // A fresh chat: the page must not follow the busy conversation on its own.
    await page.getByRole('button', { name: 'New chat' }).click();
    await sleep(500);

    const views = page.getByRole('navigation', { name: 'Views' });
    const scrollMonitor = async (label: string): Promise<void> => {
      await views.getByRole('button', { name: 'Tasks' }).click();
      await page.getByTestId('task-scroll').getByRole('row').first().waitFor();
      await sleep(1_000);
      rows.push(measured(label, await scrolling(page)));
      await views.getByRole('button', { name: 'Chat' }).click();
    };
    const figures: Figure[] = [];
    const measured = (label: string, probe: Probe): (string | number)[] => {
      figures.push(...uiFigures(label, probe));
      return row(label, probe, bridge.running.size);
    };
    const floor = 'control: a bare textarea, no app';
    const controlProbe = await control(browser);
    // The yardstick, not a figure of the app: only its keydown → frame is worth a summary row.
    figures.push(...uiFigures(floor, controlProbe).filter((f) => f.name.endsWith('frame, P95')));
    const rows: (string | number)[][] = [row(floor, controlProbe, 0)];
    rows.push(measured('idle: type in a new chat', await typing(page)));
    await scrollMonitor('idle: scroll the monitor (10,000 rows)');

    const t0 = performance.now();
    await bridge.call('tasks.resumeAll', {});
    // OpenClaw runs one turn per session (issue 12): the tasks go round-robin into one
    // conversation per worker, so every worker streams while the page takes all their events.
    const conversations: string[] = [];
    for (let w = 0; w < WORKERS; w++) {
      const sent = (await bridge.call('chat.send', { text: `background ${w}`, lane: 'long' })) as {
        conversation: { id: string };
      };
      conversations.push(sent.conversation.id);
    }
    await Promise.all(
      Array.from({ length: TASKS - WORKERS }, (_, i) => {
        const n = i + WORKERS;
        const conversationId = conversations[n % WORKERS];
        return bridge.call('chat.send', { conversationId, text: `background ${n}`, lane: 'long' });
      }),
    );
    const submitMs = performance.now() - t0;
    const deadline = performance.now() + 15_000;
    while (bridge.running.size < WORKERS && performance.now() < deadline) await sleep(100);
    await sleep(500); // let the first replies get going

    rows.push(measured('streaming: type in a new chat', await typing(page)));
    await scrollMonitor('streaming: scroll the monitor');

    // One of those conversations (a fifth of the tasks) on screen, still streaming.
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: /background 0/ })
      .first()
      .click();
    await sleep(1_000);
    rows.push(measured('streaming: type in their conversation', await typing(page)));

    const header = [
      'scenario',
      'running',
      'ws msgs/s',
      'samples',
      'ready P50',
      'ready P95',
      'frame P50',
      'frame P95',
      'frame max',
      'next frame',
      'long tasks',
      'longest ms',
    ];
    return {
      title: `UI latency: typing and scrolling while ${TASKS} tasks stream (Chromium)`,
      tables: [table(header, rows)],
      figures,
      notes: [
        "all in ms from keydown (in-page performance.now). ready: until the page has finished responding (handlers, React render and commit) — the app's own work; frame: until the animation frame after the input event, which adds the wait for the display's 60 Hz clock (uniform 0–16.7 ms: the bare textarea shows the floor); next frame: keys painted in the first frame that began after them (no frame missed)",
        'scrolling rows: frame intervals (rAF to rAF) while wheeling, so 16.7 is a perfect 60 fps (ready and next frame do not apply)',
        "target (issue 5): typing P95 under 16 ms and no long tasks; the summary checks it on the app's own work (ready), since keydown → frame cannot go under one frame at P95 even with no app (control row)",
        'long tasks: PerformanceObserver "longtask" entries (> 50 ms) during the scenario; target none',
        `database seeded with ${SEEDED.toLocaleString('en')} tasks (${fmt(seed.buildMs)} ms), held paused for the idle row, then resumed with ${TASKS} new ones (lane long, round-robin over ${WORKERS} conversations since OpenClaw runs one turn per session, submitted over the bridge in ${fmt(submitMs)} ms)`,
        `server: ${WORKERS} workers (one task each), max 64 concurrent, 100000 per window; gateway: ${REPLY_WORDS}-word replies, a chunk every ${CHUNK_DELAY_MS} ms; ${KEYSTROKES} keys or ${WHEEL_STEPS} wheel steps ${KEY_DELAY_MS} ms apart`,
        'server, workers, gateway and browser share this machine: a busy server steals CPU from the page',
      ],
    };
  } finally {
    await closeBridge();
    await closeBrowser();
    await stopServer();
    await closeGateway();
    await dir.cleanup();
  }
}
