/** The monitor's keyboard moves and the limiter chart's value axis (issue 14). */
import { describe, expect, test } from 'vitest';
import { nextRow } from '../../src/renderer/src/monitor/row-keys.ts';
import { axisTop } from '../../src/renderer/src/monitor/chart-scale.ts';
import { allowed } from '../../src/renderer/src/monitor/task-actions.ts';

describe('keyboard moves in the task list', () => {
  test('arrows step, pages jump by ten, Home and End go to the ends, all clamped', () => {
    expect(nextRow('ArrowDown', -1, 5)).toBe(0);
    expect(nextRow('ArrowUp', -1, 5)).toBe(0);
    expect(nextRow('ArrowDown', 4, 5)).toBe(4);
    expect(nextRow('ArrowUp', 0, 5)).toBe(0);
    expect(nextRow('PageDown', 3, 50)).toBe(13);
    expect(nextRow('PageDown', 45, 50)).toBe(49);
    expect(nextRow('PageUp', 5, 50)).toBe(0);
    expect(nextRow('Home', 20, 50)).toBe(0);
    expect(nextRow('End', 2, 50)).toBe(49);
    expect(nextRow('a', 2, 50)).toBeNull();
    expect(nextRow('ArrowDown', -1, 0)).toBeNull();
  });
});

describe('limiter chart', () => {
  test('the value axis tops a little above the limit or the highest sample, on a round step', () => {
    expect(axisTop(40, [0, 12])).toBe(50);
    expect(axisTop(2, [0, 1])).toBe(4);
    expect(axisTop(40, [70])).toBe(80);
    expect(axisTop(100, [])).toBe(120);
  });
});

describe('monitor actions', () => {
  test('a finished task offers no pause, resume or cancel', () => {
    for (const action of ['pause', 'resume', 'cancel'] as const) {
      expect(allowed(action, 'succeeded')).toBe(false);
    }
    expect(allowed('retry', 'failed')).toBe(true);
    expect(allowed('pause', 'running')).toBe(true);
  });
});
