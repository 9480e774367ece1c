import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Download, FileJson, Pause, Play, RotateCcw, X } from 'lucide-react';
import type { ReactNode } from 'react';
import { LazyMarkdown } from '../components/LazyMarkdown.tsx';
import { Button, IconButton } from '../ui/index.ts';
import type { TaskView } from '../../../shared/task.ts';
import { useUi } from '../store/ui-store.ts';
import { download, taskJson, taskMarkdown, when } from './format.ts';
import type { MonitorAction } from './monitor-store.ts';
import { allowed } from './task-actions.ts';
import { attemptNumber } from '../store/attempt.ts';
import { useMonitor } from './use-monitor.ts';
import { useChat } from '../store/context.tsx';
import { ApprovalCard } from '../components/ApprovalCard.tsx';
import { DetailBody } from './DetailBody.tsx';
import { ToolCallList } from './ToolCallList.tsx';
import { mergeToolCalls } from '../components/tool-format.ts';

/** The stored tool calls, the live ones (the chat store hears every `tool` event), the pending one. */
function Tools({ task }: { task: TaskView }) {
  const live = useChat((s) => s.toolCalls[task.id]);
  const approve = useChat((s) => s.approve);
  const pending = task.pendingApproval;
  // Snapshots from events carry no `toolCalls` (only tasks.get does): keep the last list read.
  const [stored, setStored] = useState({ id: task.id, calls: task.toolCalls });
  if (stored.id !== task.id || (task.toolCalls && task.toolCalls !== stored.calls)) {
    setStored({ id: task.id, calls: task.toolCalls });
  }
  return (
    <>
      {pending && (
        <ApprovalCard
          key={pending.toolCallId}
          pending={pending}
          onAnswer={(approved) => approve(task.id, pending.toolCallId, approved)}
        />
      )}
      <ToolCallList calls={mergeToolCalls(stored.calls, live)} />
    </>
  );
}

const ACTIONS: MonitorAction[] = ['pause', 'resume', 'cancel', 'retry'];
const ICONS: Record<MonitorAction, ReactNode> = {
  pause: <Pause size={14} aria-hidden="true" />,
  resume: <Play size={14} aria-hidden="true" />,
  cancel: <X size={14} aria-hidden="true" />,
  retry: <RotateCcw size={14} aria-hidden="true" />,
};

const Output = memo(function Output({ text }: { text: string }) {
  return (
    // The chat's renderer: highlighted code with its language and a copy button.
    <div className="monitor-output" data-testid="task-output">
      <LazyMarkdown text={text} />
    </div>
  );
});

function Actions({ task }: { task: TaskView }) {
  const { t } = useTranslation('monitor');
  const act = useMonitor((s) => s.act);
  const stem = `task-${task.id}`;
  const stateWord = t(`words:state.${task.state}`);
  return (
    <div role="toolbar" aria-label={t('actions.label')} className="monitor-actions">
      {ACTIONS.map((action) => {
        const ok = allowed(action, task.state);
        return (
          <Button
            key={action}
            size="sm"
            icon={ICONS[action]}
            disabled={!ok}
            // Why it is off, for the pointer: the tooltip names the state.
            title={ok ? undefined : t('actions.unavailable', { state: stateWord })}
            onClick={() => void act(action, task.id)}
          >
            {t(`actions.${action}`)}
          </Button>
        );
      })}
      <span className="monitor-actions-gap" />
      <Button
        size="sm"
        variant="ghost"
        icon={<Download size={14} aria-hidden="true" />}
        onClick={() => download(`${stem}.md`, taskMarkdown(task), 'text/markdown')}
      >
        {t('actions.exportMarkdown')}
      </Button>
      <Button
        size="sm"
        variant="ghost"
        icon={<FileJson size={14} aria-hidden="true" />}
        onClick={() => download(`${stem}.json`, taskJson(task), 'application/json')}
      >
        {t('actions.exportJson')}
      </Button>
    </div>
  );
}

/** One line of facts: state, phase, lane, attempts, when it was made and finished. */
function Facts({ task }: { task: TaskView }) {
  const { t } = useTranslation('monitor');
  return (
    <p className="monitor-facts">
      <span className="monitor-state" data-testid="detail-state" data-state={task.state}>
        {t(`words:state.${task.state}`)}
      </span>
      {task.phase && <span> · {t(`words:phase.${task.phase}`)}</span>}
      <span> · {t(`lane.${task.lane}`)}</span>
      <span data-testid="detail-attempts">
        {' · '}
        {t('detail.attempts', { attempts: attemptNumber(task), max: task.maxAttempts })}
      </span>
      <span> · {t('detail.created', { when: when(task.createdAt) })}</span>
      {task.finishedAt !== null && (
        <span> · {t('detail.finished', { when: when(task.finishedAt) })}</span>
      )}
    </p>
  );
}

/** The prompt's first line as the title, and the button that closes the details. */
function DetailHead({ task }: { task: TaskView }) {
  const { t } = useTranslation('monitor');
  const close = (): void => useUi.setState({ selectedTaskId: null });
  return (
    <header className="monitor-detail-head">
      <h2 title={task.prompt}>{task.prompt.split('\n', 1)[0]}</h2>
      <IconButton
        size="sm"
        className="monitor-close"
        label={t('detail.close')}
        icon={<X size={16} aria-hidden="true" />}
        onClick={close}
      />
    </header>
  );
}

/** The selected task: its state, attempts, error, actions and streamed output. */
export function TaskDetail() {
  const { t } = useTranslation('monitor');
  const selectedId = useMonitor((s) => s.selectedId);
  const task = useMonitor((s) => s.detail);

  if (selectedId === null) {
    return (
      <aside className="monitor-detail monitor-detail-empty" aria-label={t('detail.label')}>
        <p>{t('detail.none')}</p>
      </aside>
    );
  }
  if (!task || task.id !== selectedId) {
    return (
      <aside className="monitor-detail" aria-label={t('detail.label')} aria-busy="true">
        <p>{t('detail.loading')}</p>
      </aside>
    );
  }
  return (
    <aside
      className="monitor-detail"
      aria-label={t('detail.label')}
      data-task-id={task.id}
      data-state={task.state}
    >
      <DetailHead task={task} />
      <Facts task={task} />
      <Actions task={task} />
      {task.error && (
        <div role="alert" className="monitor-error" data-testid="detail-error">
          <strong>{t('detail.error')}:</strong> {task.error.message} <code>{task.error.code}</code>
        </div>
      )}
      <Tools task={task} />
      <DetailBody
        prompt={task.prompt}
        output={task.output ? <Output text={task.output} /> : <p>{t('detail.noOutput')}</p>}
      />
    </aside>
  );
}
