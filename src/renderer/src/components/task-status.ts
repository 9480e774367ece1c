import type { TaskView } from '../../../shared/task.ts';
import type { QueueSlot, UpstreamStatus } from '../../../shared/upstream.ts';
import { englishChat } from '../i18n/index.ts';
import { stateLabel } from './state-label.ts';

/**
 * The words a message and the limiter strip use. Each takes the chat namespace's `t` (the
 * UI's language); English by default, which is what the unit tests pin down.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** "4 s", "1.5 s", "2 min": a window or a wait, short. */
function span(ms: number, t = englishChat): string {
  if (ms >= MINUTE && ms % MINUTE === 0) return t('limits.minutes', { count: ms / MINUTE });
  return t('limits.seconds', { count: Math.round((ms / SECOND) * 10) / 10 });
}

/** The limit as people quote it: "40/min", else "2 per 4 s". */
export function rateWords(perWindow: number, windowMs: number, t = englishChat): string {
  return windowMs === MINUTE
    ? t('limits.perMinute', { count: perWindow })
    : t('limits.perSpan', { count: perWindow, span: span(windowMs, t) });
}

/** "minute" for the usual window, else its length: "Requests 12/40 in the last minute". */
export function windowWords(windowMs: number, t = englishChat): string {
  return windowMs === MINUTE ? t('limits.minute') : span(windowMs, t);
}

/**
 * A rough wait in words. Main's ETA is a lower bound (it cannot foresee a 429), so it is
 * rounded and said with "about", never as a countdown.
 */
export function etaWords(etaMs: number, t = englishChat): string {
  if (etaMs < SECOND) return t('queue.startsNow');
  if (etaMs < MINUTE) return t('queue.startsInSeconds', { count: Math.round(etaMs / SECOND) });
  return t('queue.startsInMinutes', { count: Math.round(etaMs / MINUTE) });
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
export function queuedText(
  slot: QueueSlot | undefined,
  upstream: UpstreamStatus | null,
  t = englishChat,
): string {
  if (!slot) return stateLabel('queued', t);
  const line = t('queue.line', { position: slot.position });
  // What holds the whole queue first (issue 12): an absent gateway, the provider's limit.
  const held = upstream && heldBy(upstream, t);
  if (held) return t('queue.withWhen', { line, when: held });
  // OpenClaw runs one turn per session: an earlier message of this conversation goes first.
  if (slot.turnAhead)
    return t('queue.withWhen', { line, when: t('queue.waitTurn', { count: slot.turnAhead }) });
  if (!upstream) return t('queue.withWhen', { line, when: etaWords(slot.etaMs, t) });
  const { limiter, breaker, auth } = upstream;
  if (auth.state === 'rejected') return t('queue.withWhen', { line, when: t('queue.waitToken') });
  if (breaker.state !== 'closed') {
    return t('queue.withWhen', { line, when: t('queue.waitRecover') });
  }
  // The ETA ignores calls in flight: with every slot busy, "now" means "after one of them".
  const busy = limiter.running >= limiter.maxConcurrent;
  const when = slot.etaMs < SECOND && busy ? t('queue.waitRunning') : etaWords(slot.etaMs, t);
  const rate = rateWords(limiter.perWindow, limiter.windowMs, t);
  return t('queue.withWhenRate', { line, when, rate });
}

/**
 * What keeps every queued message waiting, in the words the banner and the monitor use too:
 * the gateway being away, or the model provider's rate limit after OpenClaw's own retries.
 */
export function heldBy(upstream: UpstreamStatus, t = englishChat): string | null {
  const { gateway, limiter } = upstream;
  if (gateway.state === 'down') {
    return gateway.nextProbeAt === null
      ? t('queue.waitGateway', { origin: gateway.origin })
      : t('queue.waitGatewayNext', {
          origin: gateway.origin,
          time: clockTime(gateway.nextProbeAt),
        });
  }
  if (limiter.pausedUntil !== null && limiter.pauseCause === 'provider') {
    return t('queue.waitProvider', { time: clockTime(limiter.pausedUntil) });
  }
  return null;
}

/** A running task: what it waits for, then "Streaming…" once its text flows. */
export function runningText(task: TaskView, t = englishChat): string {
  if (task.phase === 'waiting_for_rate_limit') return t('state.waitingRateLimit');
  if (task.phase === 'thinking') return t('state.thinking');
  if (task.phase === 'recovering') return t('state.recovering');
  if (task.phase === 'waiting_approval') return t('state.waitingApproval');
  // Handed to a worker that has not asked for its slot yet: a moment, not a state to explain.
  return task.output === '' ? t('state.starting') : stateLabel('running', t);
}

/**
 * The limiter strip's line in parts: "Requests 12/40 in the last minute", "running 3/5" and, when
 * calls wait for a slot, "2 waiting". Joined with " · ", and wrapped between parts only.
 */
export function limiterParts(limiter: UpstreamStatus['limiter'], t = englishChat): string[] {
  const parts = [
    t('limits.requests', {
      used: limiter.startsInWindow,
      limit: limiter.perWindow,
      window: windowWords(limiter.windowMs, t),
    }),
    t('limits.running', { running: limiter.running, max: limiter.maxConcurrent }),
  ];
  if (limiter.waiting > 0) parts.push(t('limits.waiting', { count: limiter.waiting }));
  return parts;
}

export const limiterLine = (limiter: UpstreamStatus['limiter'], t = englishChat): string =>
  limiterParts(limiter, t).join(' · ');
