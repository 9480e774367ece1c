import type { TaskView } from '../../../shared/task.ts';

/**
 * Which of a conversation's tasks the chat lists once a page of its history arrives. What we
 * hold is a window: every task from the oldest held (`earlier`, when older ones exist) to the
 * latest. Pages come in task id order, which is the server's order of creation.
 */
export interface HistoryWindow {
  /** Task ids to list, oldest first. */
  ids: string[];
  /** The oldest task listed, when the conversation has older ones: the next page's `before`. */
  earlier: string | undefined;
}

export const byCreation = (a: TaskView, b: TaskView): number =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The latest page (all of the history without a `limit`). Tasks we hold that it does not list
 * yet stay (created after it was read: the server never deletes a task a client is showing).
 * A full page means older tasks exist; what we hold before its start may not join it (more
 * tasks came meanwhile than the page spans), so that part goes and is paged in again.
 */
export function withLatest(
  held: readonly string[],
  page: readonly TaskView[],
  limit: number | undefined,
  views: Readonly<Record<string, TaskView>>,
): HistoryWindow {
  const start = page[0]?.id;
  const earlier = limit !== undefined && page.length >= limit ? start : undefined;
  const kept = earlier === undefined ? held : held.filter((id) => id >= earlier);
  const ids = new Set([...kept, ...page.map((t) => t.id)]);
  const listed = [...ids].flatMap((id) => views[id] ?? []);
  return { ids: listed.sort(byCreation).map((t) => t.id), earlier };
}

/** The page just before what we hold goes on top; a page shorter than asked is the start. */
export function withEarlier(
  held: readonly string[],
  page: readonly TaskView[],
  limit: number,
): HistoryWindow {
  const known = new Set(held);
  const older = page.map((t) => t.id).filter((id) => !known.has(id));
  return { ids: [...older, ...held], earlier: page.length >= limit ? page[0]?.id : undefined };
}
