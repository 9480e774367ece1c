/**
 * The performance report's arithmetic: the chart's rolling-window counts (bench/chart.ts), the
 * summary's ratios and targets (bench/report.ts) and the UI section's figures (bench/ui-figures.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollingWindowCounts, tickStep, windowChartSvg } from '../../bench/chart.ts';
import { figureCells, meets } from '../../bench/report.ts';
import { uiFigures } from '../../bench/ui-figures.ts';
import { maxInWindow } from '../helpers/rolling-window.ts';

describe('rollingWindowCounts', () => {
  it('counts the starts of the window ending at each step, and drains to zero', () => {
    // Window 1000 ms, steps of 500 ms; starts at 0, 100, 1200 (ms after the first).
    const points = rollingWindowCounts([5000, 5100, 6200], 1000, 500);
    expect(points).toEqual([
      { t: 0, count: 2 }, // 0 and 100
      { t: 500, count: 2 },
      { t: 1000, count: 1 }, // 0 left at 1000; 100 leaves at 1100, 1200 arrives later
      { t: 1500, count: 1 }, // 1200
      { t: 2000, count: 1 },
      { t: 2500, count: 0 }, // 1200 left at 2200
    ]);
  });

  it('keeps a peak that fills and drains between two samples', () => {
    // Three starts within 30 ms of a 50 ms window, sampled every second: gone by the next sample.
    const points = rollingWindowCounts([0, 10, 30, 5000], 50, 1000);
    expect(points[0]?.count).toBe(3);
    expect(points[1]?.count).toBe(0);
    expect(points.at(-1)?.count).toBe(0);
  });

  it('lets a start leave exactly one window later, as the limiter returns its unit', () => {
    const points = rollingWindowCounts([0, 1000], 1000, 1000);
    expect(points.map((p) => p.count)).toEqual([1, 1, 0]);
  });

  it('has no points without starts, and refuses a zero window or step', () => {
    expect(rollingWindowCounts([], 1000)).toEqual([]);
    expect(() => rollingWindowCounts([1], 0)).toThrow(RangeError);
    expect(() => rollingWindowCounts([1], 1000, 0)).toThrow(RangeError);
  });

  it("peaks at the run's true maximum, whatever the sampling step", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 1000 }),
        (starts, windowMs, stepMs) => {
          const counts = rollingWindowCounts(starts, windowMs, stepMs).map((p) => p.count);
          expect(Math.max(...counts)).toBe(maxInWindow(starts, windowMs));
          expect(counts.at(-1)).toBe(0);
        },
      ),
    );
  });
});

describe('the chart', () => {
  it('picks round tick steps', () => {
    expect(tickStep(80, 10)).toBe(10);
    expect(tickStep(46, 6)).toBe(10);
    expect(tickStep(12, 6)).toBe(2);
    expect(tickStep(0.3, 6)).toBeCloseTo(0.05, 10);
  });

  it('draws the limit line and escapes the title', () => {
    const svg = windowChartSvg({
      file: 'x.png',
      title: 'starts < limit & more',
      starts: [0, 10, 20],
      windowMs: 1000,
      limit: 2,
    });
    expect(svg).toContain('starts &lt; limit &amp; more');
    expect(svg).toContain('limit 2');
    expect(svg).toContain('(peak 3)');
  });
});

describe('summary figures', () => {
  it('says whether a target is met', () => {
    expect(meets(49.9, { op: '<', value: 50 })).toBe(true);
    expect(meets(50, { op: '<', value: 50 })).toBe(false);
    expect(meets(40, { op: '≤', value: 40 })).toBe(true);
    expect(meets(1, { op: '=', value: 0 })).toBe(false);
  });

  it('divides by the baseline, as × or as a percentage', () => {
    const base = { issue: 3, name: 'x', unit: 'ms' as const };
    expect(
      figureCells({ ...base, value: 2, baseline: { name: 'bare', value: 0.5 } }).slice(0, 3),
    ).toEqual(['2 ms', 'bare: 0.500 ms', '4×']);
    expect(
      figureCells({
        ...base,
        value: 6.5,
        unit: '/s',
        baseline: { name: 'ceiling', value: 6.67, percent: true },
        target: { op: '≥', value: 6 },
      }),
    ).toEqual(['6.50 /s', 'ceiling: 6.67 /s', '97.45 %', '≥ 6 /s', 'yes']);
  });
});

describe('the UI figures', () => {
  const probe = { latencies: [17, 18, 30], longTasks: [], messages: 0, seconds: 1 };

  it('hold typing to its P95 target against one frame, and count long tasks', () => {
    const figures = uiFigures('idle: type', { ...probe, ready: [2, 3, 20], missed: [0, 0, 1] });
    const byName = new Map(figures.map((f) => [f.name, f]));
    const p95 = byName.get('idle: type: keydown → app done, P95');
    expect(p95).toMatchObject({ issue: 5, value: 20, target: { op: '<', value: 16 } });
    expect(p95?.baseline?.value).toBeCloseTo(16.67, 2);
    expect(byName.get('idle: type: keys painted in the next frame')?.value).toBeCloseTo(66.67, 2);
    expect(byName.get('idle: type: long tasks (> 50 ms)')).toMatchObject({ value: 0 });
  });

  it('give frame intervals for scrolling, which counts no keys', () => {
    const names = uiFigures('scroll', { ...probe, ready: [], missed: [] }).map((f) => f.name);
    expect(names).toEqual([
      'scroll: frame interval, P50',
      'scroll: frame interval, P95',
      'scroll: long tasks (> 50 ms)',
    ]);
  });
});
