import Database from 'better-sqlite3';

/**
 * The crash scenario's workload and its invariants. Every prompt carries a unique id, and the
 * fake gateway's reply is a pure function of it, so each task's one right output is known and
 * each upstream request maps to one task.
 */

export const promptFor = (uid: string): string => `[task ${uid}] crash test message`;

export function uidOf(text: string): string | undefined {
  return /\[task (\S+?)\]/.exec(text)?.[1];
}

/** 4–59 words, each naming its task, so a text recorded twice or mixed from two tasks shows. */
export function expectedReply(uid: string): string {
  const words = 4 + (fnv1a(uid) % 56);
  return `${Array.from({ length: words }, (_, i) => `${uid}/${i}`).join(' ')}.`;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** What the client knows: the answers it got, and when the gateway was asked for what. */
export interface Ledger {
  /** uid → the task and conversation a `chat.send` answered with. */
  acked: Map<string, { taskId: string; conversationId: string }>;
  /** uid → arrival time (ms) of every upstream request for it. */
  upstream: Map<string, number[]>;
  /** kill -9 stops so far: each may cost a running task one failure (an interrupted run). */
  kills: number;
  /** Clean stops so far: each may interrupt a running task, uncharged, for one more run. */
  cleanStops: number;
  /** taskId → how it first looked finished, read from the database while no server ran. */
  settled: Map<string, Settled>;
}

interface Settled {
  state: string;
  finishedAt: number | null;
  output: string;
}

export interface Verdict {
  /** Rows in the database (acknowledged or not). */
  stored: number;
  succeeded: number;
  /** Failed because every attempt was interrupted by a kill: the design's limit, not a bug. */
  exhausted: number;
  lost: number;
  duplicated: number;
  stuck: number;
  integrity: string;
  violations: string[];
}

interface Row {
  id: string;
  conversation_id: string;
  state: string;
  prompt: string;
  output: string;
  /** Runs started. */
  attempts: number;
  /** Runs that failed, interruptions by a crash included: what the retry budget counts. */
  failures: number;
  max_attempts: number;
  error_code: string | null;
  finished_at: number | null;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

/**
 * Between a stop and the restart: notes every task that has finished, as it is now (a finished
 * task must never change again: its next server must neither re-run nor rewrite it), and
 * returns the integrity check of the database as the kill left it.
 */
export function inspectStopped(dbPath: string, ledger: Ledger): string {
  // Read-only, so the crashed database reaches the next server exactly as the kill left it.
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const rows = db
      .prepare(`SELECT id, state, finished_at, output FROM tasks WHERE finished_at IS NOT NULL`)
      .all() as Pick<Row, 'id' | 'state' | 'finished_at' | 'output'>[];
    for (const row of rows) {
      if (ledger.settled.has(row.id)) continue;
      ledger.settled.set(row.id, {
        state: row.state,
        finishedAt: row.finished_at,
        output: row.output,
      });
    }
    return integrity;
  } finally {
    db.close();
  }
}

/** Opens the stopped server's database read-only and checks every invariant against the ledger. */
export function checkDatabase(dbPath: string, ledger: Ledger): Verdict {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const foreignKeys = db.pragma('foreign_key_check') as unknown[];
    const rows = db.prepare('SELECT * FROM tasks ORDER BY id').all() as Row[];
    const verdict = judge(rows, ledger);
    verdict.integrity = foreignKeys.length === 0 ? integrity : `${integrity}; foreign keys broken`;
    if (verdict.integrity !== 'ok') verdict.violations.push(`integrity: ${verdict.integrity}`);
    return verdict;
  } finally {
    db.close();
  }
}

function judge(rows: Row[], ledger: Ledger): Verdict {
  const verdict: Verdict = {
    stored: rows.length,
    succeeded: 0,
    exhausted: 0,
    lost: 0,
    duplicated: 0,
    stuck: 0,
    integrity: '',
    violations: [],
  };
  const byUid = new Map<string, Row[]>();
  for (const row of rows) {
    const uid = uidOf(row.prompt);
    if (!uid) verdict.violations.push(`task ${row.id} has a prompt this run never sent`);
    else byUid.set(uid, [...(byUid.get(uid) ?? []), row]);
  }
  for (const [uid, { taskId, conversationId }] of ledger.acked) {
    const found = byUid.get(uid)?.find((row) => row.id === taskId);
    if (!found) {
      verdict.lost++;
      verdict.violations.push(`lost: ${uid} (task ${taskId}) was acknowledged but is not stored`);
    } else if (found.conversation_id !== conversationId) {
      verdict.violations.push(
        `${uid}: stored in ${found.conversation_id}, sent to ${conversationId}`,
      );
    }
  }
  for (const [uid, copies] of byUid) {
    if (copies.length > 1) {
      verdict.duplicated++;
      verdict.violations.push(`${uid}: one send stored as ${copies.length} tasks`);
    }
    for (const row of copies) judgeRow(uid, row, ledger, verdict);
  }
  return verdict;
}

function judgeRow(uid: string, row: Row, ledger: Ledger, verdict: Verdict): void {
  const fail = (why: string): number => verdict.violations.push(`${uid} (${row.id}): ${why}`);
  const expected = expectedReply(uid);
  const requests = ledger.upstream.get(uid) ?? [];
  judgeBudget(row, ledger, fail);
  // One run makes at most one upstream request; more means something ran it twice.
  if (requests.length > row.attempts) {
    verdict.duplicated++;
    fail(`${requests.length} upstream requests for ${row.attempts} runs`);
  }
  const first = ledger.settled.get(row.id);
  if (first && !sameEnd(first, row)) {
    verdict.duplicated++;
    fail(
      `finished twice: ${first.state} at ${first.finishedAt} after a kill, ${row.state} at ${row.finished_at} in the end`,
    );
  }
  if (!TERMINAL.has(row.state)) {
    verdict.stuck++;
    fail(`ended ${row.state}, not terminal`);
    return;
  }
  if (row.state === 'succeeded') {
    verdict.succeeded++;
    const successAt = first?.state === 'succeeded' ? first.finishedAt : row.finished_at;
    judgeSucceeded(row, successAt, expected, requests, verdict, fail);
    return;
  }
  // ClawDesk's own death never spends an attempt (issue 13): with a healthy gateway every task
  // ends succeeded, however often it was killed mid-run. `exhausted` counts the ones that did
  // not, each a violation.
  verdict.exhausted++;
  fail(
    `ended ${row.state} (${row.error_code ?? 'no error'}): a kill of ClawDesk spent its attempts`,
  );
  // Whatever text a failed task kept must come from one attempt of its own reply.
  if (!expected.startsWith(row.output)) {
    verdict.duplicated++;
    fail(`kept output that is not a prefix of its reply: ${JSON.stringify(row.output)}`);
  }
}

/**
 * The gateway is healthy, so a run ends early only when a kill interrupts it, and that is
 * ClawDesk's fault, not the task's: no failure is ever counted, and no more runs happen than
 * one per kill, per clean stop, plus the last.
 */
function judgeBudget(row: Row, ledger: Ledger, fail: (why: string) => number): void {
  if (row.failures > 0) fail(`${row.failures} failures counted for kills of ClawDesk`);
  const runs = ledger.kills + ledger.cleanStops + 1;
  if (row.attempts > runs) fail(`${row.attempts} runs > ${ledger.kills} kills + clean stops + 1`);
}

const sameEnd = (first: Settled, row: Row): boolean =>
  first.state === row.state && first.finishedAt === row.finished_at && first.output === row.output;

/** `successAt`: when it first succeeded; no upstream request for it may come later. */
function judgeSucceeded(
  row: Row,
  successAt: number | null,
  expected: string,
  requests: number[],
  verdict: Verdict,
  fail: (why: string) => number,
): void {
  if (row.output !== expected) {
    verdict.duplicated++;
    fail(`output differs from its reply: ${describeMismatch(row.output, expected)}`);
  }
  if (requests.length === 0) fail('succeeded without any upstream request');
  const finishedAt = successAt ?? 0;
  const late = requests.filter((at) => at > finishedAt);
  if (successAt === null) fail('succeeded without finished_at');
  else if (late.length > 0) {
    verdict.duplicated++;
    fail(
      `requested upstream again ${late.map((at) => at - finishedAt).join(', ')} ms after success`,
    );
  }
}

function describeMismatch(output: string, expected: string): string {
  if (output.length > expected.length && output.startsWith(expected)) return 'text recorded twice';
  if (expected.startsWith(output)) return `truncated at ${output.length}/${expected.length}`;
  return `got ${JSON.stringify(output.slice(0, 120))}`;
}
