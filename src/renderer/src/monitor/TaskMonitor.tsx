import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LaneSchema, TaskStateSchema, type Lane, type TaskState } from '../../../shared/task.ts';
import { Pause, Play } from 'lucide-react';
import { StorageBanner } from '../storage/StorageBanner.tsx';
import { Button, Input, Select } from '../ui/index.ts';
import { useChat } from '../store/context.tsx';
import { useUi } from '../store/ui-store.ts';
import { LimiterPanel } from './LimiterPanel.tsx';
import { ResourcePanel } from './ResourcePanel.tsx';
import { TaskDetail } from './TaskDetail.tsx';
import { TaskTable } from './TaskTable.tsx';
import { monitorStore, useMonitor } from './use-monitor.ts';
import './monitor.css';

const STATES = TaskStateSchema.options;
const LANES = LaneSchema.options;
const SEARCH_DEBOUNCE_MS = 250;

/** State, lane and (with several agents) agent filters, and the search. */
function Filters() {
  const { t } = useTranslation('monitor');
  const filter = useMonitor((s) => s.filter);
  const setFilter = useMonitor((s) => s.setFilter);
  const agents = useChat((s) => s.agents);
  return (
    <div role="search" aria-label={t('filters.label')} className="monitor-filters">
      <Select
        aria-label={t('filters.state')}
        value={filter.states[0] ?? ''}
        options={[
          { value: '', label: `${t('filters.state')}: ${t('filters.any')}` },
          ...STATES.map((s) => ({ value: s, label: t(`words:state.${s}`) })),
        ]}
        onChange={(v) => setFilter({ states: v ? [v as TaskState] : [] })}
      />
      <Select
        aria-label={t('filters.lane')}
        value={filter.lanes[0] ?? ''}
        options={[
          { value: '', label: `${t('filters.lane')}: ${t('filters.any')}` },
          ...LANES.map((l) => ({ value: l, label: t(`lane.${l}`) })),
        ]}
        onChange={(v) => setFilter({ lanes: v ? [v as Lane] : [] })}
      />
      {agents.length > 1 && (
        <Select
          aria-label={t('filters.agent')}
          value={filter.agents[0] ?? ''}
          options={[
            { value: '', label: `${t('filters.agent')}: ${t('filters.any')}` },
            ...agents.map((a) => ({ value: a, label: a })),
          ]}
          onChange={(v) => setFilter({ agents: v ? [v] : [] })}
        />
      )}
      <SearchBox />
    </div>
  );
}

/** The search field: the list is asked again once typing pauses, not at every key. */
function SearchBox() {
  const { t } = useTranslation('monitor');
  const setFilter = useMonitor((s) => s.setFilter);
  const [search, setSearch] = useState(() => monitorStore().getState().filter.search);
  useEffect(() => {
    if (search === monitorStore().getState().filter.search) return;
    const timer = setTimeout(() => setFilter({ search }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search, setFilter]);
  return (
    <Input
      type="search"
      aria-label={t('filters.search')}
      placeholder={t('filters.searchPlaceholder')}
      value={search}
      onChange={(e) => setSearch(e.target.value)}
    />
  );
}

function Bulk() {
  const { t } = useTranslation('monitor');
  const bulk = useMonitor((s) => s.bulk);
  const [done, setDone] = useState<string | null>(null);
  const run = async (action: 'pauseAll' | 'resumeAll'): Promise<void> => {
    const count = await bulk(action);
    if (count === null) return;
    setDone(t(action === 'pauseAll' ? 'bulk.paused' : 'bulk.resumed', { count }));
  };
  return (
    <div className="monitor-bulk">
      <Button icon={<Pause size={14} aria-hidden="true" />} onClick={() => void run('pauseAll')}>
        {t('bulk.pauseAll')}
      </Button>
      <Button icon={<Play size={14} aria-hidden="true" />} onClick={() => void run('resumeAll')}>
        {t('bulk.resumeAll')}
      </Button>
      <span role="status" className="monitor-bulk-done" data-testid="bulk-result">
        {done}
      </span>
    </div>
  );
}

function Notice() {
  const { t } = useTranslation('monitor');
  const notice = useMonitor((s) => s.notice);
  const dismiss = useMonitor((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div role="alert" className="monitor-notice">
      {notice}{' '}
      <Button size="sm" onClick={dismiss}>
        {t('dismiss')}
      </Button>
    </div>
  );
}

function Count() {
  const { t } = useTranslation('monitor');
  const shown = useMonitor((s) => s.ids.length);
  const total = useMonitor((s) => s.total);
  const loading = useMonitor((s) => s.loading);
  return (
    <p className="monitor-count" data-testid="task-count" aria-busy={loading}>
      {loading && shown === 0
        ? t('loading')
        : shown === 0
          ? t('empty')
          : t('count', { shown, total: Math.max(total, shown) })}
    </p>
  );
}

/** The task monitor (issue 5): every task, virtualized, with filters, details and actions. */
export function TaskMonitor() {
  const { t } = useTranslation('monitor');
  const selectedTaskId = useUi((s) => s.selectedTaskId);

  // Listen, sample and poll only while the monitor is on screen.
  useEffect(() => monitorStore().getState().activate(), []);
  // A notification, a chat card or a row click names the task to show.
  useEffect(() => monitorStore().getState().select(selectedTaskId), [selectedTaskId]);

  return (
    <main className="monitor" aria-label={t('title')}>
      <header className="monitor-top">
        <h1 className="title">{t('title')}</h1>
        <Filters />
        <Bulk />
      </header>
      <StorageBanner />
      <Notice />
      <div className="monitor-panels">
        <LimiterPanel />
        <ResourcePanel />
      </div>
      <div className="monitor-body">
        <div className="monitor-list">
          <Count />
          <TaskTable />
        </div>
        <TaskDetail />
      </div>
    </main>
  );
}
