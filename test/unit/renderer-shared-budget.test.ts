/**
 * What the limiter strip and the monitor say of a budget shared through Redis (issue 15), in
 * both languages: with whom it is shared, and the local share while Redis is away.
 */
import { describe, expect, test } from 'vitest';
import type { SharedBudgetStatus } from '../../src/shared/upstream.ts';
import { budgetText } from '../../src/renderer/src/components/task-status.ts';
import { i18next } from '../../src/renderer/src/i18n/index.ts';
import { upstreamStatus } from '../helpers/renderer-scripted-api.ts';

const install = (name: string, self = false) => ({
  name,
  self,
  live: true,
  startsInWindow: 3,
  running: 1,
});

function limiter(shared: Partial<SharedBudgetStatus> | undefined, perWindow = 40) {
  const base = upstreamStatus({ perWindow }).limiter;
  if (!shared) return base;
  const full: SharedBudgetStatus = {
    state: 'shared',
    budget: 'home',
    server: '10.0.0.2:6379',
    share: null,
    offlineSince: null,
    reason: null,
    reserved: 0,
    installs: [install('laptop', true), install('desktop'), install('nas')],
    ...shared,
  };
  return { ...base, shared: full };
}

describe('the shared budget in words', () => {
  test('not shared: nothing to say', () => {
    expect(budgetText(limiter(undefined))).toBeNull();
  });

  test('shared: the budget and how many installs share it', () => {
    expect(budgetText(limiter({}))).toBe('Shared budget “home” across 3 installs');
    expect(budgetText(limiter({ installs: [install('laptop', true)] }))).toBe(
      'Shared budget “home”: this install only so far',
    );
    expect(budgetText(limiter({ state: 'connecting' }))).toBe(
      'Connecting to the shared budget “home”…',
    );
  });

  test('offline: the local share as a rate, and why', () => {
    const away = limiter(
      {
        state: 'offline',
        share: { perWindow: 13, maxConcurrent: 1 },
        reason: 'connection refused',
      },
      13,
    );
    expect(budgetText(away)).toBe(
      'Shared budget offline — local share 13/min (connection refused; rejoins by itself)',
    );
    const zh = i18next.getFixedT('zh-CN', 'chat');
    expect(budgetText(away, zh)).toBe(
      '共享预算离线 — 本地份额 13/分钟 (connection refused；将自动重新加入)',
    );
    expect(budgetText(limiter({}), zh)).toBe('共享预算“home”，共 3 个安装');
  });
});
