/**
 * The monitor's strings: English and Simplified Chinese hold the same keys, and every key the
 * monitor's source asks for exists (a typo would show the raw key to the user).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import en from '../../src/renderer/src/locales/en/monitor.json';
import zh from '../../src/renderer/src/locales/zh-CN/monitor.json';

const MONITOR = resolve(import.meta.dirname, '../../src/renderer/src/monitor');

/** Dotted paths of the leaves, plural suffixes (`_one`, `_other`) folded into their key. */
function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null
      ? keys(v as object, `${prefix}${k}.`)
      : [`${prefix}${k.replace(/_(zero|one|two|few|many|other)$/, '')}`],
  );
}

const unique = (list: string[]): string[] => [...new Set(list)].sort();

describe('monitor locales', () => {
  test('English and Chinese have the same keys', () => {
    expect(unique(keys(zh))).toEqual(unique(keys(en)));
  });

  test('every literal key the monitor uses exists', () => {
    const known = new Set(keys(en));
    const used = readdirSync(MONITOR)
      .filter((f) => f.endsWith('.tsx'))
      .flatMap((f) => [...readFileSync(join(MONITOR, f), 'utf8').matchAll(/\bt\('([\w.]+)'/g)])
      .map((m) => m[1] ?? '');
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((k) => !known.has(k))).toEqual([]);
  });

  test('the accessible names the tests use are the English strings', () => {
    expect(en.filters).toMatchObject({ state: 'State', lane: 'Lane', search: 'Search tasks' });
    expect(en.actions).toMatchObject({
      pause: 'Pause',
      resume: 'Resume',
      cancel: 'Cancel',
      retry: 'Retry',
      exportMarkdown: 'Export Markdown',
      exportJson: 'Export JSON',
    });
    expect(en.bulk).toMatchObject({ pauseAll: 'Pause all', resumeAll: 'Resume all' });
  });
});
