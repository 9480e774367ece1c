import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { describeLeaks, MIN_TOKEN_CHARS, scanForSecrets } from '../../helpers/secret-scan.ts';
import type { ScanDir, ScanText } from '../../helpers/secret-scan.ts';
import { E2E_ENV } from './env.ts';

/**
 * Issue 7 for the whole e2e run: "the gateway token appears in no log file, no SQLite table
 * and no message sent to the renderer". While the run goes, every server started (headless.ts)
 * and every page (fixtures.ts) leave a record under test-results/leak-scan; the global
 * teardown then scans them all for every gateway token used and fails the run on a find.
 *
 *   servers.jsonl   one line per server start (log file, data folder) and stop (data copy)
 *   tokens/         gateway tokens used: given to a server, or typed into Settings by a spec
 *   data/           each server's data folder as it was when it stopped, minus gateway-token
 *   frames/         every WebSocket frame each test's pages received
 */

const ROOT = resolve(import.meta.dirname, '../../..');
const E2E_DIR = join(ROOT, 'test/e2e');
export const LEAK_SCAN_DIR = join(ROOT, 'test-results/leak-scan');
/** The headless host's 0600 token file: the one place a token may be on disk. */
const TOKEN_FILE = 'gateway-token';

type ServerRecord =
  | { event: 'start'; name: string; logFile: string; dataDir: string }
  | { event: 'stop'; name: string; copy: string };

/** Recording is on only inside an e2e run (global setup says so), not for the UI bench. */
function recordDir(): string | undefined {
  return process.env[E2E_ENV.leakScan];
}

let counter = 0;
const unique = (name: string): string => `${name}-${process.pid}-${Date.now()}-${++counter}`;

/** Global setup: a fresh record for this run, and the flag that turns recording on. */
export function startRecording(): void {
  rmSync(LEAK_SCAN_DIR, { recursive: true, force: true });
  for (const sub of ['tokens', 'data', 'frames']) {
    mkdirSync(join(LEAK_SCAN_DIR, sub), { recursive: true });
  }
  process.env[E2E_ENV.leakScan] = LEAK_SCAN_DIR;
}

export function recordToken(token: string, source: string): void {
  const dir = recordDir();
  if (!dir || !token) return;
  writeFileSync(join(dir, 'tokens', `${unique(source)}.json`), JSON.stringify({ source, token }));
}

export function recordServerStart(name: string, logFile: string, dataDir: string): void {
  const dir = recordDir();
  if (!dir) return;
  const line: ServerRecord = { event: 'start', name, logFile, dataDir };
  appendFileSync(join(dir, 'servers.jsonl'), `${JSON.stringify(line)}\n`);
}

/** After the server stopped, before its folder may be deleted: keep a copy to scan. */
export function recordServerStop(name: string, dataDir: string): void {
  const dir = recordDir();
  if (!dir || !existsSync(dataDir)) return;
  const copy = join(dir, 'data', unique(name));
  cpSync(dataDir, copy, { recursive: true, filter: (src) => src !== join(dataDir, TOKEN_FILE) });
  const line: ServerRecord = { event: 'stop', name, copy };
  appendFileSync(join(dir, 'servers.jsonl'), `${JSON.stringify(line)}\n`);
}

export function recordFrames(test: string, received: readonly string[]): void {
  const dir = recordDir();
  if (!dir) return;
  const file = join(dir, 'frames', `${unique('test')}.json`);
  writeFileSync(file, JSON.stringify({ test, received }));
}

/**
 * Global teardown, after every server stopped: scans the run's record and throws, naming
 * each place, when a token was found. On success the copies and tokens are deleted (the
 * frames stay, for a person to read).
 */
export function scanRecordedRun(): string {
  const problems: string[] = [...specsNotRecording()];
  const servers = readLines<ServerRecord>(join(LEAK_SCAN_DIR, 'servers.jsonl'));
  const tokens = readJsonFiles<{ token: string }>(join(LEAK_SCAN_DIR, 'tokens')).map(
    (r) => r.token,
  );
  const frames = readJsonFiles<{ test: string; received: string[] }>(join(LEAK_SCAN_DIR, 'frames'));
  const targets = { files: [] as string[], dirs: [] as ScanDir[], texts: [] as ScanText[] };
  for (const server of servers) {
    if (server.event === 'stop') {
      targets.dirs.push({ path: server.copy });
      continue;
    }
    if (existsSync(server.logFile)) targets.files.push(server.logFile);
    else problems.push(`the log of server "${server.name}" is missing: ${server.logFile}`);
    // Still there: a server nobody stopped, or a folder its spec keeps. Scan it as it is.
    if (existsSync(server.dataDir)) {
      targets.dirs.push({ path: server.dataDir, allowed: [TOKEN_FILE] });
    }
  }
  for (const { test, received } of frames) {
    received.forEach((text, i) => {
      targets.texts.push({ where: `frame ${i + 1} received by the page in "${test}"`, text });
    });
  }
  const usable = tokens.filter((t) => t.length >= MIN_TOKEN_CHARS);
  if (servers.length === 0 || usable.length === 0) {
    problems.push('nothing was recorded: the leak scan would have checked nothing');
  }
  const leaks = problems.length ? [] : scanForSecrets(usable, targets);
  const summary =
    `leak scan: ${new Set(usable).size} gateway tokens in ${targets.files.length} server logs, ` +
    `${targets.dirs.length} data folders and ${targets.texts.length} frames received by pages`;
  if (problems.length || leaks.length) {
    throw new Error(
      `${summary}: FAILED\n${[...problems, describeLeaks(leaks)].filter(Boolean).join('\n')}\n` +
        `(the run's record is kept in ${LEAK_SCAN_DIR})`,
    );
  }
  rmSync(join(LEAK_SCAN_DIR, 'data'), { recursive: true, force: true });
  rmSync(join(LEAK_SCAN_DIR, 'tokens'), { recursive: true, force: true });
  return `${summary}: none found`;
}

/** A spec that takes `test` from @playwright/test records no frames: the scan would miss it. */
function specsNotRecording(): string[] {
  return readdirSync(E2E_DIR)
    .filter((file) => file.endsWith('.spec.ts'))
    .filter((file) => {
      const source = readFileSync(join(E2E_DIR, file), 'utf8');
      return !/import\s*\{[^}]*\btest\b[^}]*\}\s*from\s*'\.\/support\/fixtures\.ts'/.test(source);
    })
    .map(
      (file) =>
        `${file} does not take \`test\` from ./support/fixtures.ts: its pages' frames are not recorded`,
    );
}

function readLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

function readJsonFiles<T>(dir: string): T[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T);
}
