/**
 * The performance report (issue 7): the machine, the date and the command, one summary table of
 * every section's figures against its in-run baseline and its issue's target, the charts, then
 * each section's own tables and notes. run.ts writes it to bench/REPORT.md and prints it.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, freemem, loadavg, release, totalmem, type } from 'node:os';
import { fmt, table } from './stats.ts';
import type { Figure, SectionReport, Target } from './util.ts';
import { render } from './util.ts';

/** One section as run: its report, or why it failed. */
export interface SectionRun {
  name: string;
  seconds: number;
  report?: SectionReport;
  error?: string;
}

/** A chart as drawn for the report: a link, or why it could not be drawn. */
export interface ChartOutcome {
  title: string;
  file: string;
  error?: string;
}

export interface ReportInput {
  startedAt: Date;
  seconds: number;
  command: string;
  /** Every section run.ts knows, to say which did not run. */
  known: readonly string[];
  runs: readonly SectionRun[];
  charts: readonly ChartOutcome[];
  /** Load average when the run started: the run's own load shows in the one at the end. */
  loadAtStart: readonly number[];
}

/** Whether `value` meets `target`. */
export function meets(value: number, target: Target): boolean {
  switch (target.op) {
    case '<':
      return value < target.value;
    case '≤':
      return value <= target.value;
    case '=':
      return value === target.value;
    case '≥':
      return value >= target.value;
  }
}

function withUnit(value: number, unit: Figure['unit']): string {
  return unit === 'count' ? fmt(value) : `${fmt(value)} ${unit}`;
}

/** The summary table's cells for one figure: value, baseline, ratio, target, met. */
export function figureCells(f: Figure): string[] {
  const baseline = f.baseline ? `${f.baseline.name}: ${withUnit(f.baseline.value, f.unit)}` : '—';
  let ratio = '—';
  if (f.baseline && f.baseline.value !== 0) {
    const r = f.value / f.baseline.value;
    ratio = f.baseline.percent ? `${fmt(r * 100)} %` : `${fmt(r)}×`;
  }
  const target = f.target ? `${f.target.op} ${withUnit(f.target.value, f.unit)}` : '—';
  const met = f.target ? (meets(f.value, f.target) ? 'yes' : '**no**') : '—';
  return [withUnit(f.value, f.unit), baseline, ratio, target, met];
}

export function summaryTable(runs: readonly SectionRun[]): string {
  const rows: string[][] = [];
  for (const run of runs) {
    if (run.error !== undefined || !run.report) {
      rows.push(['—', `${run.name}: **failed**, see its section below`, '', '', '', '', '']);
    } else if (!run.report.figures?.length) {
      rows.push(['—', `${run.name}: no figures reported, see its table below`, '', '', '', '', '']);
    } else {
      for (const f of run.report.figures) rows.push([String(f.issue), f.name, ...figureCells(f)]);
    }
  }
  return table(
    ['issue', 'figure', 'value', 'baseline (same run)', 'ratio', 'target', 'met?'],
    rows,
  );
}

const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
const loads = (l: readonly number[]): string => l.map((n) => n.toFixed(2)).join(' / ');

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1] ?? process.platform;
  } catch {
    return process.platform; // not Linux, or no os-release: the kernel line below still says
  }
}

export function machineLines(loadAtStart: readonly number[]): string[] {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return [
    `- machine: ${cpu}, ${availableParallelism()} cores, ${gib(totalmem())} RAM (${gib(freemem())} free at the end)`,
    `- load average (1 / 5 / 15 min): ${loads(loadAtStart)} at the start, ${loads(loadavg())} at the end`,
    `- Node ${process.version} on ${osName()} (${type()} ${release()}, ${process.arch})`,
  ];
}

export function buildReport(input: ReportInput): string {
  const ran = input.runs.map((r) => r.name);
  const skipped = input.known.filter((name) => !ran.includes(name));
  const failed = input.runs.filter((r) => r.error !== undefined).map((r) => r.name);
  const scope = [
    `- sections: ${ran.join(', ')}`,
    skipped.length ? ` — **partial**: ${skipped.join(', ')} did not run` : '',
    failed.length ? ` — **${failed.join(', ')} failed**` : '',
  ].join('');
  const charts = input.charts.map((c) =>
    c.error === undefined
      ? `![${c.title}](${c.file})`
      : `${c.title}: not drawn (${c.error.split('\n')[0]})`,
  );
  const sections = input.runs.map((run) =>
    run.report
      ? render({
          ...run.report,
          notes: [...run.report.notes, `section took ${fmt(run.seconds)} s`],
        })
      : `## ${run.name}: FAILED\n\n\`\`\`\n${run.error ?? 'no report'}\n\`\`\``,
  );
  return [
    '# ClawDesk performance report',
    [
      `- date: ${input.startedAt.toISOString()} (the run took ${fmt(input.seconds)} s)`,
      `- command: \`${input.command}\``,
      scope,
      ...machineLines(input.loadAtStart),
    ].join('\n'),
    '## Summary',
    summaryTable(input.runs),
    [
      '- ratio: value ÷ baseline, both from this run (bare SQLite INSERT: same percentile, same rounds; ceiling: the limit per window ÷ the window; frame: 16.7 ms at 60 Hz).',
      '- target: what the issue asked for; met? compares the value with it. A table to read, not a gate: timing goals never go in tests, and figures from a shared machine are noisy.',
      '- Written by `npm run bench`, which overwrites it; the details of each figure are in its section below.',
    ].join('\n'),
    ...(charts.length ? ['## Charts', ...charts] : []),
    ...sections,
  ].join('\n\n');
}
