import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * The seed's code standards as checks of `npm run lint`: functions of at most 50 lines
 * (ESLint's max-lines-per-function through the real configuration) and no import cycles
 * (dpdm, type-only imports included, run with the very command of the lint:cycles script).
 */
const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function tooLong(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'max-lines-per-function')
    .map((m) => m.message);
}

/** A function of `statements` lines of code, with blank lines and comments in between. */
function functionOf(statements: number, wrap = (body: string) => body): string {
  const body = Array.from(
    { length: statements },
    (_, i) => `  // step ${i}\n\n  total += ${i};`,
  ).join('\n');
  return wrap(`export function long(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`);
}

describe('functions of at most 50 lines', () => {
  it('counts code lines only: 50 pass, 51 fail', async () => {
    // Opening line, `let`, the statements, `return` and the closing brace.
    expect(await tooLong('src/main/core/x.ts', functionOf(46))).toEqual([]);
    expect(await tooLong('src/main/core/x.ts', functionOf(47))).toEqual([
      expect.stringContaining('(51)'),
    ]);
  });

  it('holds for React components and scripts, not for tests', async () => {
    expect(await tooLong('src/renderer/src/x.tsx', functionOf(60))).toHaveLength(1);
    expect(await tooLong('scripts/x.ts', functionOf(60))).toHaveLength(1);
    expect(await tooLong('test/unit/x.test.ts', functionOf(60))).toEqual([]);
  });
});

describe('no import cycles', () => {
  const script = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts['lint:cycles']!;
  const fixture = tempDir('clawdesk-cycles-');
  afterAll(() => fixture.cleanup());

  function check(files: Record<string, string>): { status: number | null; output: string } {
    const dir = join(fixture.path, String(Object.keys(files).length), String(Math.random()));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const bin = join(root, 'node_modules', '.bin');
    const run = spawnSync(script, {
      cwd: dir,
      shell: true,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  it('fails on a cycle made of type-only imports, naming its files', () => {
    const { status, output } = check({
      'src/store.ts':
        "import { load } from './loader.ts';\nexport type Store = { n: number };\nexport const s = load;\n",
      'src/loader.ts':
        "import type { Store } from './store.ts';\nexport const load = (s: Store) => s.n;\n",
    });
    expect(status).toBe(1);
    expect(output).toContain('src/store.ts');
    expect(output).toContain('src/loader.ts');
  });

  it('passes a tree of imports, and sees a cycle through a .tsx file', () => {
    const tree = {
      'src/a.ts': "import { b } from './b.tsx';\nexport const a = b;\n",
      'src/b.tsx': "import { c } from './c.ts';\nexport const b = c;\n",
      'src/c.ts': 'export const c = 1;\n',
    };
    expect(check(tree).status).toBe(0);
    const cycle = { ...tree, 'src/c.ts': "import { a } from './a.ts';\nexport const c = a;\n" };
    expect(check(cycle).status).toBe(1);
  });
});
