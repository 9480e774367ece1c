import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskView } from '../../src/shared/task.ts';
import { TERMINAL_STATES } from '../../src/shared/task.ts';
import type { BridgeClient } from './bridge-client.ts';
import type { Ledger } from './crash-invariants.ts';
import { promptFor } from './crash-invariants.ts';
import { between } from './seeded-random.ts';

/** The crash scenario's user: what it sends, and what it was told (the ledger). */
export interface CrashClient {
  random: () => number;
  ledger: Ledger;
  /** Conversations whose first send was answered, in order. */
  conversations: string[];
  /** How many conversations to spread the sends over. */
  maxConversations: number;
  batch: readonly [min: number, max: number];
  nextUid: number;
}

/**
 * Sends a batch without waiting for each answer, a few ms apart, so a kill can fall between a
 * send and its answer. Only answered sends enter the ledger: they are the accepted ones.
 */
export async function submitBatch(
  client: CrashClient,
  bridge: BridgeClient,
): Promise<{ acked: number; unacked: number }> {
  const size = between(client.random, ...client.batch);
  const sends: Promise<boolean>[] = [];
  for (let i = 0; i < size; i++) {
    const uid = `t${client.nextUid++}`;
    const conversationId = pickConversation(client);
    const sent = bridge.call('chat.send', { conversationId, text: promptFor(uid) });
    sends.push(
      sent.then(
        ({ conversation, task }) => {
          client.ledger.acked.set(uid, { taskId: task.id, conversationId: conversation.id });
          if (!client.conversations.includes(conversation.id)) {
            client.conversations.push(conversation.id);
          }
          return true;
        },
        () => false,
      ),
    );
    await sleep(between(client.random, 0, 40));
  }
  const answered = await Promise.all(sends);
  const acked = answered.filter(Boolean).length;
  return { acked, unacked: size - acked };
}

/** A new conversation while there are few, otherwise one of those already answered. */
function pickConversation(client: CrashClient): string | undefined {
  const known = client.conversations;
  if (known.length < client.maxConversations && client.random() < 0.5) return undefined;
  return known.length === 0 ? undefined : known[between(client.random, 0, known.length - 1)];
}

/** Every task the server lists, through the API a window would use. */
export async function everyTask(bridge: BridgeClient): Promise<TaskView[]> {
  const conversations = await bridge.call('conversations.list', {});
  const histories = await Promise.all(
    conversations.map((c) => bridge.call('chat.history', { conversationId: c.id })),
  );
  return histories.flat();
}

/** Every accepted task is listed and every listed task has ended. */
export function allTerminal(tasks: TaskView[], ledger: Ledger): boolean {
  const ids = new Set(tasks.map((t) => t.id));
  const everyAckedListed = [...ledger.acked.values()].every(({ taskId }) => ids.has(taskId));
  return everyAckedListed && tasks.every((t) => TERMINAL_STATES.includes(t.state));
}

/** Polls `check` until it holds (true) or the time is up (false). */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  everyMs = 10,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return false;
}
