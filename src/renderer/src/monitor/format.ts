import type { TaskSummary } from '../../../shared/monitor.ts';
import type { TaskView } from '../../../shared/task.ts';

/** "4 s", "3 min 05 s", "2 h 07 min". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** How long a task ran (or has been running); null while it has not started. */
export function elapsedMs(row: TaskSummary, now: number): number | null {
  if (row.startedAt === null) return null;
  return (row.finishedAt ?? now) - row.startedAt;
}

export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** "14:03:07" today, "2026-11-24 14:03" otherwise. */
export function when(epochMs: number, now = Date.now()): string {
  const d = new Date(epochMs);
  const today = new Date(now).toDateString() === d.toDateString();
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (today) return `${time}:${pad(d.getSeconds())}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** A task as a Markdown document: its facts, the prompt and the answer. */
export function taskMarkdown(task: TaskView): string {
  const facts = [
    `- Task: \`${task.id}\``,
    `- State: ${task.state}`,
    `- Lane: ${task.lane}`,
    `- Runs: ${task.attempts}; failed attempts: ${task.failures ?? 0} of ${task.maxAttempts}`,
    `- Created: ${new Date(task.createdAt).toISOString()}`,
  ];
  if (task.finishedAt !== null) {
    facts.push(`- Finished: ${new Date(task.finishedAt).toISOString()}`);
  }
  if (task.error) facts.push(`- Error: ${task.error.code} — ${task.error.message}`);
  return [
    `# ${task.prompt.split('\n', 1)[0]?.slice(0, 160) ?? task.id}`,
    '',
    ...facts,
    '',
    '## Prompt',
    '',
    task.prompt,
    '',
    '## Output',
    '',
    task.output,
    '',
  ].join('\n');
}

export const taskJson = (task: TaskView): string => `${JSON.stringify(task, null, 2)}\n`;

/** Hands the text to the browser as a download. */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
