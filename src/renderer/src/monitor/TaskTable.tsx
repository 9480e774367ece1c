import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskSummary } from '../../../shared/monitor.ts';
import {
  LaneSchema,
  TaskPhaseSchema,
  TaskStateSchema,
  type Lane,
  type TaskPhase,
  type TaskState,
} from '../../../shared/task.ts';
import { useUi } from '../store/ui-store.ts';
import { duration, elapsedMs, when } from './format.ts';
import { isTerminal } from './monitor-apply.ts';
import { attemptNumber } from '../store/attempt.ts';
import { useMonitor } from './use-monitor.ts';
import { nextRow } from './row-keys.ts';

const ROW_HEIGHT = 34;

/** Re-renders every `ms` while something runs, so elapsed times move. */
function useNow(ms: number, ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms, ticking]);
  // Not ticking: the last value, so memoized rows are not re-rendered for nothing.
  return now;
}

/** Every label a row shows, translated once per language rather than per row and render. */
interface Labels {
  state: Record<TaskState, string>;
  lane: Record<Lane, string>;
  phase: Record<TaskPhase, string>;
  none: string;
  chars: string;
}

function useLabels(): Labels {
  const { t, i18n } = useTranslation('monitor');
  const language = i18n.language;
  return useMemo(() => {
    void language;
    const map = <K extends string>(keys: readonly K[], prefix: string): Record<K, string> =>
      Object.fromEntries(keys.map((k) => [k, t(`${prefix}.${k}` as string)])) as Record<K, string>;
    return {
      state: map(TaskStateSchema.options, 'words:state'),
      lane: map(LaneSchema.options, 'lane'),
      phase: map(TaskPhaseSchema.options, 'words:phase'),
      none: t('progress.none'),
      chars: t('progress.charsUnit'),
    };
  }, [t, language]);
}

function progress(row: TaskSummary, labels: Labels): string {
  if (row.phase) return labels.phase[row.phase];
  if (row.outputChars === 0) return labels.none;
  return `${row.outputChars.toLocaleString()} ${labels.chars}`;
}

interface RowProps {
  row: TaskSummary;
  index: number;
  start: number;
  selected: boolean;
  /** The row the Tab key lands on: the selected one, else the first. */
  tabStop: boolean;
  now: number;
  onSelect(id: string): void;
  labels: Labels;
}

const Row = memo(function Row({
  row,
  index,
  start,
  selected,
  tabStop,
  now,
  onSelect,
  labels,
}: RowProps) {
  const elapsed = elapsedMs(row, now);
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(row.id);
    }
  };
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={tabStop ? 0 : -1}
      className="monitor-row"
      data-state={row.state}
      data-task-id={row.id}
      style={{ transform: `translateY(${start}px)` }}
      onClick={() => onSelect(row.id)}
      onKeyDown={onKeyDown}
    >
      <span role="gridcell" className="monitor-state" data-testid="task-state">
        {labels.state[row.state]}
      </span>
      <span role="gridcell">{labels.lane[row.lane]}</span>
      <span role="gridcell" className="monitor-title" title={row.title}>
        {row.title}
      </span>
      <span role="gridcell">{when(row.createdAt, now)}</span>
      <span role="gridcell">{elapsed === null ? '—' : duration(elapsed)}</span>
      <span role="gridcell">{progress(row, labels)}</span>
      <span role="gridcell">
        {attemptNumber(row)}/{row.maxAttempts}
      </span>
    </div>
  );
});

const COLUMNS = ['state', 'lane', 'title', 'created', 'elapsed', 'progress', 'attempts'] as const;

function HeaderRow() {
  const { t } = useTranslation('monitor');
  return (
    <div role="row" aria-rowindex={1} className="monitor-row monitor-head">
      {COLUMNS.map((c) => (
        <span role="columnheader" key={c}>
          {t(`columns.${c}`)}
        </span>
      ))}
    </div>
  );
}

/**
 * The grid's keys: arrows, Page Up/Down, Home and End move the selection from the focused row
 * (or the selected one), scroll it into view and focus it once it is rendered.
 */
function useRowKeys(grid: {
  ids: string[];
  selectedId: string | null;
  scroller: RefObject<HTMLDivElement | null>;
  virtualizer: { scrollToIndex(index: number, options: { align: 'auto' }): void };
  openTask: (taskId: string) => void;
}): (event: KeyboardEvent) => void {
  const { ids, selectedId, scroller } = grid;
  /** The row to focus once it is rendered (a key moved the selection). */
  const focusNext = useRef<string | null>(null);
  useEffect(() => {
    const id = focusNext.current;
    if (id === null || id !== selectedId) return;
    const el = scroller.current?.querySelector<HTMLElement>(`[data-task-id="${id}"]`);
    if (!el) return;
    focusNext.current = null;
    el.focus({ preventScroll: true });
  });
  return (event) => {
    // From the row with focus (the tab stop may be the first row while none is selected).
    const focused = (event.target as HTMLElement)
      .closest('[data-task-id]')
      ?.getAttribute('data-task-id');
    const from = focused ?? selectedId;
    const current = from === null || from === undefined ? -1 : ids.indexOf(from);
    const next = nextRow(event.key, current, ids.length);
    const id = next === null ? undefined : ids[next];
    if (next === null || id === undefined) return;
    event.preventDefault();
    focusNext.current = id;
    grid.virtualizer.scrollToIndex(next, { align: 'auto' });
    grid.openTask(id);
  };
}

/**
 * The rows in view (only they are in the DOM) and the clock of their elapsed times, which
 * ticks every second only while one of them runs.
 */
function useVisibleRows(
  ids: string[],
  rows: Map<string, TaskSummary>,
  scroller: RefObject<HTMLDivElement | null>,
) {
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: useCallback((index: number) => ids[index] ?? index, [ids]),
  });
  const items = virtualizer.getVirtualItems();
  const anyRunning = items.some((item) => {
    const row = rows.get(ids[item.index] ?? '');
    return row !== undefined && !isTerminal(row.state) && row.startedAt !== null;
  });
  const now = useNow(1_000, anyRunning);
  return { virtualizer, items, now };
}

/**
 * Every task the filter lets through, virtualized: only the rows on screen are in the DOM.
 * Keyboard: Tab reaches the grid (the selected row, else the first); arrows, Page Up/Down,
 * Home and End move the selection, which opens the task in the detail pane.
 */
export function TaskTable() {
  const { t } = useTranslation('monitor');
  const labels = useLabels();
  const ids = useMonitor((s) => s.ids);
  const rows = useMonitor((s) => s.rows);
  // `rows` is updated in place: the version is what changes when a row does.
  useMonitor((s) => s.version);
  const selectedId = useMonitor((s) => s.selectedId);
  const openTask = useUi((s) => s.openTask);
  const scroller = useRef<HTMLDivElement>(null);
  const { virtualizer, items, now } = useVisibleRows(ids, rows, scroller);
  const selectedListed = selectedId !== null && rows.has(selectedId) && ids.includes(selectedId);

  const onKeyDown = useRowKeys({ ids, selectedId, scroller, virtualizer, openTask });

  return (
    <div
      role="grid"
      aria-label={t('table.label')}
      aria-rowcount={ids.length + 1}
      className="monitor-grid"
      onKeyDown={onKeyDown}
    >
      <HeaderRow />
      <div ref={scroller} className="monitor-scroll" data-testid="task-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows.get(ids[item.index] ?? '');
            if (!row) return null;
            return (
              <Row
                key={row.id}
                row={row}
                index={item.index}
                start={item.start}
                selected={row.id === selectedId}
                tabStop={selectedListed ? row.id === selectedId : item.index === 0}
                now={now}
                onSelect={openTask}
                labels={labels}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
