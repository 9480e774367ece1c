/**
 * One install of the shared-budget bench (shared-budget.ts), in a process of its own: a budget
 * (shared through Redis, or the local limiter alone), `concurrency` callers that each take a
 * grant, report the first byte at once, hold the slot `callMs` and release it, until `calls`
 * grants were taken. It says `ready` once joined, starts on `go`, and answers with every
 * grant's time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BudgetSwitch } from '../src/main/core/budget-switch.ts';
import type { RateLimitSettings } from '../src/main/core/rate-limit-types.ts';

export interface InstallConfig {
  name: string;
  /** '' = the local limiter, no Redis. */
  url: string;
  budget: string;
  limits: RateLimitSettings;
  calls: number;
  concurrency: number;
  callMs: number;
}

export type InstallMessage = { type: 'ready' } | { type: 'done'; starts: number[] };

const config = JSON.parse(process.argv[2] ?? '{}') as InstallConfig;
const send = (message: InstallMessage) => process.send?.(message);

const budget = new BudgetSwitch({
  settings: config.limits,
  sharing: {
    enabled: config.url !== '',
    url: config.url,
    name: config.budget,
    installName: config.name,
  },
  install: { id: config.name, name: config.name },
});

async function run(): Promise<void> {
  const starts: number[] = [];
  let left = config.calls;
  const caller = async (n: number) => {
    while (left > 0) {
      left--;
      const grant = await budget.acquire(n % 3);
      starts.push(Date.now());
      grant.reachedUpstream();
      await sleep(config.callMs);
      grant.release({ kind: 'ok' });
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, (_, n) => caller(n)));
  send({ type: 'done', starts });
  budget.stop();
  await sleep(100);
  process.exit(0);
}

while (config.url !== '' && budget.budgetMode() !== 'shared') await sleep(10);
// `on`, not `once`: the listener keeps the IPC channel, and so this process, alive meanwhile.
let started = false;
process.on('message', () => {
  if (!started) void run();
  started = true;
});
send({ type: 'ready' });
