/**
 * What the observation tests saw, kept as evidence: every `observe(topic, value)` lands in
 * `test-results/openclaw/observations.json` (with the OpenClaw version and the date), which is
 * what docs/openclaw-behaviour.md is written from. Assertions stay in the tests; this only
 * records exact shapes and timings that assertions would make brittle.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { wantedVersion } from './install.ts';

const FILE = resolve(import.meta.dirname, '../../../test-results/openclaw/observations.json');

export function observe(topic: string, value: unknown): void {
  mkdirSync(join(FILE, '..'), { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    // First observation of the run.
  }
  all[topic] = { openclaw: wantedVersion(), at: new Date().toISOString(), value };
  writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
}
