/** Rows a Page Up / Page Down moves by. */
const PAGE_ROWS = 10;

/** Where a navigation key moves the selection in a list of `count` rows, or null. */
export function nextRow(key: string, current: number, count: number): number | null {
  if (count === 0) return null;
  const last = count - 1;
  const from = current < 0 ? -1 : current;
  switch (key) {
    case 'ArrowDown':
      return Math.min(last, from + 1);
    case 'ArrowUp':
      return from < 0 ? 0 : Math.max(0, from - 1);
    case 'PageDown':
      return Math.min(last, Math.max(0, from) + PAGE_ROWS);
    case 'PageUp':
      return Math.max(0, from - PAGE_ROWS);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}
