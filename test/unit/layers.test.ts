import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function importErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

/** The layer table of DESIGN.md, checked through the real lint configuration. */
describe('layer rule', () => {
  const cases: [string, string, boolean][] = [
    ['src/shared/x.ts', "import { app } from 'electron';", false],
    ['src/shared/x.ts', "import { readFile } from 'node:fs';", false],
    ['src/shared/x.ts', "import { z } from 'zod';", true],
    ['src/main/core/x.ts', "import { app } from 'electron';", false],
    ['src/main/core/x.ts', "import { a } from '../electron/window.ts';", false],
    ['src/main/core/x.ts', "import Database from 'better-sqlite3';", true],
    ['src/main/core/x.ts', "import { Redis } from 'ioredis';", true],
    ['src/main/headless/x.ts', "import { Redis } from 'ioredis';", false],
    ['src/worker/x.ts', "import { Redis } from 'ioredis';", false],
    ['src/renderer/src/x.ts', "import { Redis } from 'ioredis';", false],
    ['src/main/electron/x.ts', "import { A } from '../../renderer/src/app.tsx';", false],
    ['src/main/electron/x.ts', "import { app } from 'electron';", true],
    ['src/main/headless/x.ts', "import { app } from 'electron';", false],
    ['src/worker/x.ts', "import { TaskStore } from '../main/core/task-store.ts';", false],
    ['src/worker/x.ts', "import { request } from 'undici';", true],
    ['src/preload/x.ts', "import { spawn } from 'node:child_process';", false],
    ['src/preload/x.ts', "import { contextBridge } from 'electron';", true],
    ['src/renderer/src/x.ts', "import { ipcRenderer } from 'electron';", false],
    ['src/renderer/src/x.ts', "import { join } from 'path';", false],
    ['src/renderer/src/x.ts', "import { create } from 'zustand';", true],
  ];
  for (const [file, source, allowed] of cases) {
    it(`${file}: ${source} is ${allowed ? 'allowed' : 'refused'}`, async () => {
      const errors = await importErrors(file, `${source}\nexport {};\n`);
      expect(errors.length === 0).toBe(allowed);
    });
  }
});
