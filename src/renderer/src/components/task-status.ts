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

/** Wall-clock time to the minute: "Rate-limited by the model provider, retrying at 14:05". */
export function shortClock(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

/**
 * "Waiting for the gateway at http://127.0.0.1:18790… (connection refused; next try at
 * 14:03:07)": what the banner and every queued message say while the gateway is down.
 */
export function gatewayDownText(gateway: UpstreamStatus['gateway'], t = englishChat): string {
  const head = t('words:wait.gatewayDown', { origin: gateway.origin });
  if (gateway.reason === null) return head;
  const detail =
    gateway.nextProbeAt === null
      ? t('words:wait.gatewayDownNoProbe', { reason: gateway.reason })
      : t('words:wait.gatewayDownDetail', {
          reason: gateway.reason,
          time: clockTime(gateway.nextProbeAt),
        });
  return `${head} (${detail})`;
}

/** A 429 pause in words: the provider's own limit, or the gateway's Retry-After. */
export function pauseText(limiter: UpstreamStatus['limiter'], t = englishChat): string | null {
  if (limiter.pausedUntil === null) return null;
  return limiter.pauseCause === 'provider'
    ? t('words:wait.providerPause', { time: shortClock(limiter.pausedUntil) })
    : t('words:wait.gatewayPause', { time: clockTime(limiter.pausedUntil) });
}

/** What holds this queued message beyond its place in line, when something does. */
function waitOf(
  slot: QueueSlot,
  upstream: UpstreamStatus,
  now: number,
  t = englishChat,
): string | null {
  const { limiter, breaker, auth, gateway } = upstream;
  if (gateway.state === 'down') return gatewayDownText(gateway, t);
  if (auth.state === 'rejected') return t('words:wait.token');
  if (breaker.state !== 'closed') return t('words:wait.breaker');
  if (slot.afterTaskId !== undefined) {
    const ahead = slot.turnAhead ?? 1;
    return ahead > 1 ? t('words:wait.turnMany', { count: ahead }) : t('words:wait.turnOne');
  }
  // The provider's own limit is worth naming; a gateway's Retry-After is in the ETA already.
  const pausedByProvider = limiter.pauseCause === 'provider' && (limiter.pausedUntil ?? 0) > now;
  if (pausedByProvider) return pauseText(limiter, t);
  return null;
}

/**
 * "Queued — #37, starts in about 50 s (40/min)". What holds the message (the gateway down, a
 * refused token, an open circuit, an earlier message of the conversation, a provider pause)
 * beats the ETA, which only counts the rate window.
 */
export function queuedText(
  slot: QueueSlot | undefined,
  upstream: UpstreamStatus | null,
  t = englishChat,
  now = Date.now(),
): string {
  if (!slot) {
    const down = upstream?.gateway.state === 'down' ? gatewayDownText(upstream.gateway, t) : null;
    return down
      ? t('queue.withWait', { line: stateLabel('queued', t), wait: down })
      : stateLabel('queued', t);
  }
  const line = t('queue.line', { position: slot.position });
  if (!upstream) return t('queue.withWhen', { line, when: etaWords(slot.etaMs, t) });
  const wait = waitOf(slot, upstream, now, t);
  if (wait !== null) return t('queue.withWait', { line, wait });
  const { limiter } = upstream;
  // The ETA ignores calls in flight: with every slot busy, "now" means "after one of them".
  const busy = limiter.running >= limiter.maxConcurrent;
  const when = slot.etaMs < SECOND && busy ? t('queue.waitRunning') : etaWords(slot.etaMs, t);
  const rate = rateWords(limiter.perWindow, limiter.windowMs, t);
  return t('queue.withWhenRate', { line, when, rate });
}

/** A running task: what it waits for, then "Streaming…" once its text flows. */
export function runningText(task: TaskView, t = englishChat): string {
  if (task.phase) return t(`words:phase.${task.phase}`);
  // Handed to a worker that has not asked for its slot yet: a moment, not a state to explain.
  return task.output === '' ? t('words:activity.starting') : t('words:activity.streaming');
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

/**
 * The budget shared through Redis in one line (issue 15): "Shared budget “home” across 3
 * installs", or, while Redis is away, "Shared budget offline — local share 13/min". Null when
 * the budget is not shared.
 */
export function budgetText(limiter: UpstreamStatus['limiter'], t = englishChat): string | null {
  const shared = limiter.shared;
  if (!shared) return null;
  const name = shared.budget;
  if (shared.state === 'connecting') return t('words:budget.connecting', { name });
  if (shared.state === 'shared') {
    return t('words:budget.shared', { name, count: shared.installs.length });
  }
  const perWindow = shared.share?.perWindow ?? limiter.perWindow;
  const head = t('words:budget.offline', { share: rateWords(perWindow, limiter.windowMs, t) });
  if (shared.reason === null) return head;
  return `${head} (${t('words:budget.offlineDetail', { reason: shared.reason })})`;
}
