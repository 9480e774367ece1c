import type { TaskView } from '../../../shared/task.ts';
import type { QueueSlot, UpstreamStatus } from '../../../shared/upstream.ts';
import { STATE_LABEL } from './state-label.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** "4 s", "1.5 s", "2 min": a window or a wait, short. */
function span(ms: number): string {
  if (ms >= MINUTE && ms % MINUTE === 0) return `${ms / MINUTE} min`;
  return `${Math.round((ms / SECOND) * 10) / 10} s`;
}

/** The limit as people quote it: "40/min", else "2 per 4 s". */
export function rateWords(perWindow: number, windowMs: number): string {
  return windowMs === MINUTE ? `${perWindow}/min` : `${perWindow} per ${span(windowMs)}`;
}

/** "minute" for the usual window, else its length: "Requests 12/40 in the last minute". */
export function windowWords(windowMs: number): string {
  return windowMs === MINUTE ? 'minute' : span(windowMs);
}

/**
 * A rough wait in words. Main's ETA is a lower bound (it cannot foresee a 429), so it is
 * rounded and said with "about", never as a countdown.
 */
export function etaWords(etaMs: number): string {
  if (etaMs < SECOND) return 'starts now';
  if (etaMs < MINUTE) return `starts in about ${Math.round(etaMs / SECOND)} s`;
  return `starts in about ${Math.round(etaMs / MINUTE)} min`;
}

/** Wall-clock time of a deadline, to the second: "Paused until 14:03:27". */
export function clockTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
}

/**
 * "Queued — #37, starts in about 50 s (40/min)". What holds the whole queue (a refused token,
 * an open circuit) beats the ETA, which only counts the rate window and a 429 pause.
 */
export function queuedText(slot: QueueSlot | undefined, upstream: UpstreamStatus | null): string {
  if (!slot) return STATE_LABEL.queued;
  const line = `Queued — #${slot.position}`;
  if (!upstream) return `${line}, ${etaWords(slot.etaMs)}`;
  const { limiter, breaker, auth } = upstream;
  if (auth.state === 'rejected') return `${line}, waiting for a valid gateway token`;
  if (breaker.state !== 'closed') return `${line}, waiting for the gateway to recover`;
  // The ETA ignores calls in flight: with every slot busy, "now" means "after one of them".
  const busy = limiter.running >= limiter.maxConcurrent;
  const when =
    slot.etaMs < SECOND && busy ? 'starts when a running request ends' : etaWords(slot.etaMs);
  return `${line}, ${when} (${rateWords(limiter.perWindow, limiter.windowMs)})`;
}

/** A running task: what it waits for, then "Streaming…" once its text flows. */
export function runningText(task: TaskView): string {
  if (task.phase === 'waiting_for_rate_limit') return 'Waiting for rate limit…';
  if (task.phase === 'waiting_for_gateway') return 'Waiting for the gateway…';
  // Handed to a worker that has not asked for its slot yet: a moment, not a state to explain.
  return task.output === '' ? 'Starting…' : STATE_LABEL.running;
}

/**
 * The limiter strip's line in parts: "Requests 12/40 in the last minute", "running 3/5" and, when
 * calls wait for a slot, "2 waiting". Joined with " · ", and wrapped between parts only.
 */
export function limiterParts(limiter: UpstreamStatus['limiter']): string[] {
  const parts = [
    `Requests ${limiter.startsInWindow}/${limiter.perWindow} in the last ${windowWords(limiter.windowMs)}`,
    `running ${limiter.running}/${limiter.maxConcurrent}`,
  ];
  if (limiter.waiting > 0) parts.push(`${limiter.waiting} waiting`);
  return parts;
}

export const limiterLine = (limiter: UpstreamStatus['limiter']): string =>
  limiterParts(limiter).join(' · ');
