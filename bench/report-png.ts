/**
 * SVG → PNG through the Chromium the UI bench and the e2e tests already use, so the chart needs
 * no image library. One browser for all of a run's charts.
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumOnPath } from '../test/helpers/chromium.ts';
import { onCleanup } from './util.ts';

export interface PngJob {
  svg: string;
  width: number;
  height: number;
  path: string;
}

export async function writePngs(jobs: readonly PngJob[]): Promise<void> {
  if (jobs.length === 0) return;
  const browser = await chromium.launch({ executablePath: chromiumOnPath(), args: CHROMIUM_ARGS });
  const close = onCleanup(() => browser.close());
  try {
    for (const job of jobs) {
      const page = await browser.newPage({
        viewport: { width: job.width, height: job.height },
        deviceScaleFactor: 1,
      });
      await page.setContent(
        `<!doctype html><html><body style="margin:0;background:#fff">${job.svg}</body></html>`,
      );
      await page.locator('svg').screenshot({ path: job.path });
      await page.close();
    }
  } finally {
    await close();
  }
}
