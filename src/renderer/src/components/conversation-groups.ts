import type { ConversationView } from '../../../shared/task.ts';

export type DateGroup = 'today' | 'yesterday' | 'week' | 'month' | 'older';

export interface ConversationGroup {
  group: DateGroup;
  conversations: ConversationView[];
}

const DAY = 86_400_000;
const ORDER: readonly DateGroup[] = ['today', 'yesterday', 'week', 'month', 'older'];

/** Which bucket a moment falls in, counted in local calendar days before `now`. */
export function dateGroup(at: number, now: number): DateGroup {
  const startOfToday = new Date(now);
  startOfToday.setHours(0, 0, 0, 0);
  const today = startOfToday.getTime();
  if (at >= today) return 'today';
  if (at >= today - DAY) return 'yesterday';
  if (at >= today - 7 * DAY) return 'week';
  if (at >= today - 30 * DAY) return 'month';
  return 'older';
}

/**
 * The sidebar's list: conversations whose title holds every word of `query` (any case),
 * grouped by when they were last active, most recent first within each group.
 */
export function groupConversations(
  conversations: readonly ConversationView[],
  query: string,
  now: number,
): ConversationGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const buckets = new Map<DateGroup, ConversationView[]>();
  for (const c of conversations) {
    const title = c.title.toLowerCase();
    if (!words.every((w) => title.includes(w))) continue;
    const group = dateGroup(c.updatedAt, now);
    const list = buckets.get(group) ?? [];
    list.push(c);
    buckets.set(group, list);
  }
  return ORDER.flatMap((group) => {
    const list = buckets.get(group);
    return list ? [{ group, conversations: list.sort((a, b) => b.updatedAt - a.updatedAt) }] : [];
  });
}
