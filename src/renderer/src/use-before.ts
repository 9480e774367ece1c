import { useEffect, useState } from 'react';

/**
 * True until `deadline` has passed, re-rendering once when it does: a "paused until" line
 * must go away on time even when no status update arrives to say so.
 */
export function useBefore(deadline: number | null): boolean {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === null) return;
    const wait = deadline - Date.now();
    if (wait <= 0) return;
    const timer = setTimeout(() => setNow(Date.now()), wait + 50);
    return () => clearTimeout(timer);
  }, [deadline]);
  return deadline !== null && deadline > now && deadline > Date.now();
}
