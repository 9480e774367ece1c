// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const nodeBuiltins = ['node:*', ...builtinModules, ...builtinModules.map((m) => `${m}/*`)];
const electron = ['electron', 'electron/*'];
/** The shared budget's Redis client (issue 15) belongs to the core alone. */
const redis = ['ioredis', 'ioredis/*'];

/**
 * The layer table of DESIGN.md, one entry per folder: what the folder must not import.
 * Sibling layers are matched by folder name in the import path (`../core/x.ts`).
 * @type {Record<string, { files: string[]; groups: string[]; why: string }>}
 */
const layers = {
  shared: {
    files: ['src/shared/**/*.ts'],
    groups: [
      ...redis,
      ...electron,
      ...nodeBuiltins,
      'react',
      'react-dom',
      'react/*',
      'zustand',
      '**/main/*',
      '**/core/*',
      '**/renderer/*',
      '**/worker/*',
      '**/preload/*',
      '**/headless/*',
    ],
    why: 'src/shared is runtime-neutral: no electron, node:* or react, and no other layer.',
  },
  core: {
    files: ['src/main/core/**/*.ts'],
    groups: [
      ...electron,
      '**/electron/*',
      '**/headless/*',
      '**/renderer/*',
      '**/preload/*',
      '**/worker/*',
      'react',
      'react-dom',
    ],
    why: 'src/main/core runs under Electron and plain Node alike: shared, node, better-sqlite3, bottleneck, ioredis only.',
  },
  electron: {
    files: ['src/main/electron/**/*.ts'],
    groups: [
      ...redis,
      '**/renderer/*',
      '**/headless/*',
      '**/preload/*',
      '**/worker/*',
      'react',
      'react-dom',
    ],
    why: 'src/main/electron may import core, shared and electron, never the renderer.',
  },
  headless: {
    files: ['src/main/headless/**/*.ts'],
    groups: [
      ...redis,
      ...electron,
      '**/electron/*',
      '**/renderer/*',
      '**/preload/*',
      '**/worker/*',
      'react',
      'react-dom',
    ],
    why: 'src/main/headless is the plain-Node host: core, shared and node only.',
  },
  worker: {
    files: ['src/worker/**/*.ts'],
    groups: [
      ...redis,
      ...electron,
      '**/main/*',
      '**/core/*',
      '**/renderer/*',
      '**/preload/*',
      '**/headless/*',
      'react',
      'react-dom',
    ],
    why: 'src/worker talks to main only over its port: shared, undici and node.',
  },
  preload: {
    files: ['src/preload/**/*.ts'],
    groups: [
      ...redis,
      'fs',
      'node:fs',
      'fs/*',
      'node:fs/*',
      'child_process',
      'node:child_process',
      '**/main/*',
      '**/core/*',
      '**/renderer/*',
      '**/worker/*',
      'react',
      'react-dom',
    ],
    why: 'src/preload exposes a narrow API: shared and electron (contextBridge, ipcRenderer), no fs/child_process.',
  },
  renderer: {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    groups: [
      ...redis,
      ...electron,
      ...nodeBuiltins,
      '**/main/*',
      '**/core/*',
      '**/preload/*',
      '**/worker/*',
      '**/headless/*',
    ],
    why: 'src/renderer is a web page: shared, react and zustand, never electron or node.',
  },
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The seed's code standard: functions of at most 50 lines, blank lines and comments not
    // counted. React components are functions too. Tests and benchmarks are left out: a
    // describe() block or a measurement scenario reads best whole.
    files: ['src/**/*.{ts,tsx}', 'scripts/**/*.ts', 'resources/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 50, skipBlankLines: true, skipComments: true }],
    },
  },
  ...Object.values(layers).map(({ files, groups, why }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: groups, message: why }] }] },
  })),
  prettier,
);

export { layers };
