/**
 * Small helpers shared by the OpenClaw suites: fresh session keys, waiting on a transcript, and
 * compact views of streams and transcripts for observations.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatCallRecord } from './chat-call.ts';
import { messageText, readHistory, type ChatHistory } from './operator.ts';

/** A session header value (`clawdesk:<name>-<random>`) no other test uses. */
export const freshSession = (name: string): string =>
  `clawdesk:${name}-${randomBytes(4).toString('hex')}`;

/** Polls chat.history until `done` accepts it; returns that transcript. */
export async function waitForHistory(
  gateway: { wsUrl: string; token: string },
  header: string,
  done: (history: ChatHistory) => boolean,
  timeoutMs = 120_000,
  intervalMs = 1_000,
): Promise<{ history: ChatHistory; seen: ChatHistory[] }> {
  const deadline = Date.now() + timeoutMs;
  const seen: ChatHistory[] = [];
  for (;;) {
    const history = await readHistory(gateway, header);
    seen.push(history);
    if (done(history)) return { history, seen };
    if (Date.now() > deadline) {
      throw new Error(`transcript never matched: ${JSON.stringify(brief(history))}`);
    }
    await sleep(intervalMs);
  }
}

/** Roles, texts, run ids and provenance of a transcript, plus the run state. */
export function brief(history: ChatHistory): object {
  const info = history.sessionInfo;
  return {
    messages: history.messages.map((m) => ({
      role: m.role,
      text: messageText(m).slice(0, 160),
      ...(m.stopReason ? { stopReason: m.stopReason } : {}),
      ...(m.__openclaw?.runId ? { runId: m.__openclaw.runId } : {}),
      ...(m.idempotencyKey ? { idempotencyKey: m.idempotencyKey } : {}),
      ...(m.provenance ? { provenance: m.provenance } : {}),
    })),
    pendingInputs: history.pendingInputs?.total ?? 0,
    inFlightRun: history.inFlightRun?.runId,
    sessionInfo: {
      status: info.status,
      abortedLastRun: info.abortedLastRun,
      hasActiveRun: info.hasActiveRun,
      activeRunIds: info.activeRunIds,
      lastRunId: info.lastRunId,
    },
  };
}

/** The first and last events of a stream and how long everything took. */
export function streamShape(record: ChatCallRecord): object {
  return {
    status: record.status,
    error: record.error,
    contentType: record.headers?.['content-type'],
    headersMs: record.headersMs,
    endMs: record.endMs,
    events: record.events.length,
    first: record.events[0]?.data,
    lastTwo: record.events.slice(-2).map((e) => `${e.ms}ms ${e.data}`),
  };
}

export const choiceOf = (event: { json?: Record<string, unknown> } | undefined) =>
  (event?.json?.choices as { delta?: Record<string, unknown>; finish_reason?: unknown }[])?.[0];
