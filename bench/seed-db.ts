/**
 * A realistic database for the benchmarks: 10,000 tasks over 100 conversations (one of them ten
 * times the others), mostly succeeded with ~1 KB outputs, the newest still queued or running.
 * Written with SQL in one transaction after `openDatabase()` made the schema.
 */
import { performance } from 'node:perf_hooks';
import { monotonicFactory } from 'ulid';
import { openDatabase } from '../src/main/core/database.ts';

export const TASKS = 10_000;
export const CONVERSATIONS = 100;
export const RUNNING = 50;
export const QUEUED = 200;

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ';

export interface Seed {
  largest: { id: string; tasks: number };
  states: Record<string, number>;
  buildMs: number;
}

/** Writes the database at `path` (which must not exist yet) and checkpoints its WAL. */
export function seedDatabase(path: string): Seed {
  const t0 = performance.now();
  const db = openDatabase(path);
  const newId = monotonicFactory();
  const now = Date.now();
  const start = now - 6 * 24 * 3600_000; // inside the 7-day retention
  const step = Math.floor((now - 60_000 - start) / TASKS);
  const convIds = Array.from({ length: CONVERSATIONS }, (_, i) => newId(start - 1000 + i));
  const counts = new Array<number>(CONVERSATIONS).fill(0);
  const states: Record<string, number> = {};
  const output = LOREM.repeat(9).slice(0, 1024);
  const addConv = db.prepare(
    'INSERT INTO conversations (id, title, session_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
  );
  const addTask = db.prepare(
    `INSERT INTO tasks (id, conversation_id, lane, priority, state, prompt, agent_id, session_key,
       attempts, max_attempts, output, usage_json, finish_reason, error_code, error_message,
       created_at, updated_at, started_at, finished_at)
     VALUES (?, ?, 'interactive', 0, ?, ?, 'main', ?, ?, 3, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const [i, id] of convIds.entries()) {
      addConv.run(id, `Conversation ${i}`, `clawdesk:${id}`, start, start);
    }
    for (let i = 0; i < TASKS; i++) {
      // Every tenth task goes to conversation 0, the rest round-robin over the other 99.
      const c = i % 10 === 0 ? 0 : 1 + (i % (CONVERSATIONS - 1));
      counts[c] = (counts[c] ?? 0) + 1;
      const conv = convIds[c] as string;
      const t = start + i * step;
      const pending = TASKS - i; // the newest tasks are the unfinished ones
      const state =
        pending <= QUEUED
          ? 'queued'
          : pending <= QUEUED + RUNNING
            ? 'running'
            : i % 50 === 7
              ? 'failed'
              : 'succeeded';
      states[state] = (states[state] ?? 0) + 1;
      const done = state === 'succeeded' || state === 'failed';
      addTask.run(
        newId(t),
        conv,
        state,
        `Task ${i}: ${LOREM.slice(0, 100)}`,
        `clawdesk:${conv}`,
        state === 'queued' ? 0 : 1,
        state === 'succeeded' ? `${i} ${output}` : state === 'running' ? output.slice(0, 300) : '',
        state === 'succeeded'
          ? '{"promptTokens":30,"completionTokens":250,"totalTokens":280}'
          : null,
        state === 'succeeded' ? 'stop' : null,
        state === 'failed' ? 'upstream_error' : null,
        state === 'failed' ? 'the gateway answered 502 upstream provider error' : null,
        t,
        t + (done ? 20_000 : 0),
        state === 'queued' ? null : t + 10,
        done ? t + 20_000 : null,
      );
    }
    db.exec(`UPDATE conversations SET updated_at =
               (SELECT MAX(updated_at) FROM tasks WHERE conversation_id = conversations.id)`);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const biggest = counts.indexOf(Math.max(...counts));
  return {
    largest: { id: convIds[biggest] as string, tasks: counts[biggest] as number },
    states,
    buildMs: performance.now() - t0,
  };
}
