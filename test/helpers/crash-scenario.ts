import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openBridge, type BridgeClient } from './bridge-client.ts';
import type { CrashClient } from './crash-client.ts';
import { allTerminal, everyTask, submitBatch, until } from './crash-client.ts';
import type { Verdict } from './crash-invariants.ts';
import { checkDatabase, expectedReply, inspectStopped, uidOf } from './crash-invariants.ts';
import { startFakeGateway, type FakeGateway } from './fake-gateway.ts';
import type { ServerProcess } from './headless-process.ts';
import { startServerProcess, taggedProcesses, waitForTaggedExit } from './headless-process.ts';
import { seededRandom } from './seeded-random.ts';
import { tempDir } from './temp-dir.ts';

/**
 * The crash scenario shared by test/integration/crash-recovery.test.ts and scripts/stress.ts,
 * modelled on BullMQ's stalled-job tests: run the headless server as a child process against a
 * slow fake gateway, submit tasks, kill -9 it at a random moment while tasks are queued and
 * streaming, start it again on the same data folder, repeat; then let everything finish, kill
 * it once more while idle, start it once more to see that nothing runs again, stop it cleanly
 * and check the database against what the client was told (crash-invariants.ts).
 */
export interface ScenarioOptions {
  seed: number;
  /** Rounds stopped at a random moment, before the draining and the quiet ones. */
  kills: number;
  workers?: number;
  /** Tasks submitted per round. */
  batch?: [min: number, max: number];
  conversations?: number;
  /** The kill comes up to this long after the round's first upstream request. */
  killWindowMs?: number;
  /** How long the draining round may take to finish every task. */
  drainTimeoutMs?: number;
  /** Share of rounds (0–1) that end with SIGTERM, a clean stop, instead of kill -9. */
  graceful?: number;
  log?: (line: string) => void;
}

export interface RoundReport {
  /** When the stop came: while the batch was being sent, or once streaming had begun. */
  phase: 'submitting' | 'streaming';
  stop: 'SIGKILL' | 'SIGTERM';
  acked: number;
  unacked: number;
  killAfterMs: number;
  /** Upstream streams open and worker processes alive when the kill came. */
  streamingAtKill: number;
  workersAtKill: number;
  /** How long the stopped server's upstream calls stayed open. */
  streamsClosedAfterMs: number;
  /** Workers of the stopped server still alive 3 s later (killed by the scenario then). */
  orphans: number[];
}

export interface ScenarioReport extends Verdict {
  seed: number;
  accepted: number;
  rounds: RoundReport[];
  orphans: number;
  /** The servers' last stderr lines (and their workers'), round by round. */
  serverLog: string[];
}

interface Run {
  gateway: FakeGateway;
  dataDir: string;
  options: Required<Omit<ScenarioOptions, 'log'>> & Pick<ScenarioOptions, 'log'>;
  client: CrashClient;
  /** Servers started so far; the one running now. */
  round: number;
  violations: string[];
  serverLog: string[];
  orphans: number;
}

/** About 20 ms here; the limit leaves room for a loaded machine. */
const STREAM_CLOSE_LIMIT_MS = 500;
/** Workers give an aborted job 2 s to settle before they exit (src/worker/index.ts). */
const WORKER_EXIT_LIMIT_MS = 3_000;
/** After a restart with nothing left to do, how long to watch for work that should not start. */
const QUIET_MS = 500;
/** A batch of 4–8 sends, 0–40 ms apart, takes about this long to go out. */
const SUBMIT_WINDOW_MS = 200;

export async function runCrashScenario(options: ScenarioOptions): Promise<ScenarioReport> {
  const dir = tempDir('clawdesk-crash-');
  const upstream = new Map<string, number[]>();
  const gateway = await startFakeGateway({
    firstChunkDelayMs: 30,
    chunkDelayMs: 12,
    // Called once per streamed request, when it arrives: the log of who was asked when.
    reply: (text) => {
      const uid = uidOf(text) ?? 'unknown';
      upstream.set(uid, [...(upstream.get(uid) ?? []), Date.now()]);
      return expectedReply(uid);
    },
  });
  const opts = { ...DEFAULTS, ...options };
  const run: Run = {
    gateway,
    dataDir: dir.path,
    options: opts,
    client: {
      random: seededRandom(options.seed),
      ledger: { acked: new Map(), upstream, kills: 0, cleanStops: 0, settled: new Map() },
      conversations: [],
      maxConversations: opts.conversations,
      batch: opts.batch,
      nextUid: 1,
    },
    round: 0,
    violations: [],
    serverLog: [],
    orphans: 0,
  };
  try {
    const rounds: RoundReport[] = [];
    for (let i = 0; i < options.kills; i++) rounds.push(await crashRound(run));
    await drainRound(run);
    await quietRound(run);
    const verdict = checkDatabase(dbPathOf(run), run.client.ledger);
    return {
      ...verdict,
      violations: [...run.violations, ...verdict.violations],
      seed: options.seed,
      accepted: run.client.ledger.acked.size,
      rounds,
      orphans: run.orphans,
      serverLog: run.serverLog,
    };
  } finally {
    await gateway.close();
    dir.cleanup();
  }
}

const DEFAULTS = {
  workers: 2,
  batch: [4, 8] as [number, number],
  conversations: 3,
  killWindowMs: 400,
  drainTimeoutMs: 30_000,
  graceful: 0,
};

const dbPathOf = (run: Run): string => join(run.dataDir, 'clawdesk.sqlite');

async function start(run: Run): Promise<{ server: ServerProcess; bridge: BridgeClient }> {
  run.round++;
  const server = await startServerProcess({
    dataDir: run.dataDir,
    gatewayUrl: run.gateway.url,
    gatewayToken: run.gateway.token,
    workers: run.options.workers,
  });
  try {
    return { server, bridge: await openBridge(server.url) };
  } catch (error) {
    await server.kill();
    throw error;
  }
}

/**
 * One round: start, submit, stop abruptly. Every third round (the 2nd, 5th…) strikes while the
 * batch is still being sent, between sends and their answers; the others once upstream
 * streaming has begun, among queued, running and streaming tasks.
 */
async function crashRound(run: Run): Promise<RoundReport> {
  const { server, bridge } = await start(run);
  const seen = run.gateway.chatRequests().length;
  const sending = submitBatch(run.client, bridge);
  const phase = run.round % 3 === 2 ? 'submitting' : 'streaming';
  if (phase === 'streaming' && !(await until(() => run.gateway.chatRequests().length > seen))) {
    run.violations.push(`round ${run.round}: no upstream request within 10 s of the restart`);
  }
  const { stoppedAt, ...strike } = await stopAtRandom(run, server, phase);
  // Watched from now on: the sends still pending take a moment to give up.
  const closing = upstreamClosed(run, stoppedAt);
  if (strike.stop === 'SIGKILL') run.client.ledger.kills++;
  else run.client.ledger.cleanStops++;
  const { acked, unacked } = await sending;
  bridge.close();
  const after = await afterStop(run, server, closing);
  const report: RoundReport = { phase, ...strike, acked, unacked, ...after };
  run.options.log?.(`round ${run.round}: ${JSON.stringify(report)}`);
  return report;
}

/** Waits a random moment of the phase's window, notes what was in flight, then stops. */
async function stopAtRandom(run: Run, server: ServerProcess, phase: RoundReport['phase']) {
  const window = phase === 'submitting' ? SUBMIT_WINDOW_MS : run.options.killWindowMs;
  const killAfterMs = Math.floor(run.client.random() * window);
  const stop = run.client.random() < run.options.graceful ? 'SIGTERM' : 'SIGKILL';
  await sleep(killAfterMs);
  const streamingAtKill = run.gateway.stats.inFlight;
  const workersAtKill = taggedProcesses(server.tag).filter((pid) => pid !== server.pid).length;
  const stoppedAt = Date.now();
  await (stop === 'SIGKILL' ? server.kill() : server.stop());
  return { stop, killAfterMs, streamingAtKill, workersAtKill, stoppedAt } as const;
}

/**
 * Whatever the stop: its upstream calls close and its workers exit, promptly; the database is
 * whole, and its finished tasks are noted as the next server will find them.
 */
async function afterStop(run: Run, server: ServerProcess, closing: Promise<number>) {
  const streamsClosedAfterMs = await closing;
  const orphans = await waitForTaggedExit(server.tag, WORKER_EXIT_LIMIT_MS);
  if (orphans.length > 0) {
    run.orphans += orphans.length;
    run.violations.push(`round ${run.round}: workers outlived their server: ${orphans.join()}`);
  }
  run.serverLog.push(`--- round ${run.round}: server pid ${server.pid} ---`, ...server.log);
  const integrity = inspectStopped(dbPathOf(run), run.client.ledger);
  if (integrity !== 'ok') run.violations.push(`round ${run.round}: integrity: ${integrity}`);
  return { streamsClosedAfterMs, orphans };
}

/**
 * A dead server's workers must drop their upstream calls at once, not finish them: a call
 * that runs on would be run again by the next server (twice the agent run, twice the quota).
 */
async function upstreamClosed(run: Run, stoppedAt: number): Promise<number> {
  await until(() => run.gateway.stats.inFlight === 0, WORKER_EXIT_LIMIT_MS);
  const after = Date.now() - stoppedAt;
  if (after > STREAM_CLOSE_LIMIT_MS) {
    run.violations.push(`round ${run.round}: upstream calls still open ${after} ms after the stop`);
  }
  return after;
}

/** Restart, submit once more, wait for every task to end, then kill -9 the idle server. */
async function drainRound(run: Run): Promise<void> {
  const { server, bridge } = await start(run);
  try {
    await submitBatch(run.client, bridge);
    const { ledger } = run.client;
    const drained = async () => allTerminal(await everyTask(bridge), ledger);
    if (!(await until(drained, run.options.drainTimeoutMs, 100))) {
      run.violations.push(`tasks still unfinished ${run.options.drainTimeoutMs} ms on`);
    }
  } catch (error) {
    // The server died on its own, say: still judge what it left in the database.
    run.violations.push(`round ${run.round}: ${String(error)}`);
  } finally {
    bridge.close();
  }
  const closing = server.kill().then(() => upstreamClosed(run, Date.now()));
  await afterStop(run, server, closing);
}

/** Everything has ended: a restart must run nothing again. Then a clean stop. */
async function quietRound(run: Run): Promise<void> {
  const { server, bridge } = await start(run);
  const seen = run.gateway.chatRequests().length;
  try {
    await sleep(QUIET_MS);
    if (!allTerminal(await everyTask(bridge), run.client.ledger)) {
      run.violations.push(`round ${run.round}: a finished task is not finished after a restart`);
    }
  } catch (error) {
    run.violations.push(`round ${run.round}: ${String(error)}`);
  } finally {
    bridge.close();
  }
  const closing = server.stop().then(() => upstreamClosed(run, Date.now()));
  await closing;
  const again = run.gateway.chatRequests().length - seen;
  if (again > 0) run.violations.push(`round ${run.round}: ${again} upstream requests, none due`);
  await afterStop(run, server, closing);
}
