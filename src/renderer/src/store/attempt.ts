/**
 * Which automatic attempt a task is on: failures since the last user retry, plus one. Pauses
 * and user retries start runs too, so the count of runs would read "attempt 3 of 3" after a
 * pause and a resume. Older main processes send no `failures`: fall back to runs.
 */
export function attemptNumber(task: { attempts: number; failures?: number | undefined }): number {
  return task.failures === undefined ? task.attempts : task.failures + 1;
}
