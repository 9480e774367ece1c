import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskState, TaskView } from '../../../shared/task.ts';
import type { TaskAction } from '../store/chat-store.ts';
import { useChat } from '../store/context.tsx';
import { stateLabel } from './state-label.ts';
import { attemptNumber } from '../store/attempt.ts';
import { queuedText, runningText } from './task-status.ts';
import { ApprovalCard } from './ApprovalCard.tsx';
import { Pause, Play, RotateCcw, X } from 'lucide-react';
import type { ReactNode } from 'react';
import { Button } from '../ui/index.ts';

const ACTION_ICONS: Record<TaskAction, ReactNode> = {
  pause: <Pause size={13} aria-hidden="true" />,
  resume: <Play size={13} aria-hidden="true" />,
  cancel: <X size={13} aria-hidden="true" />,
  retry: <RotateCcw size={13} aria-hidden="true" />,
};

/** The pending tool call of a task, with the answer wired to the store. */
function Approval({ task }: { task: TaskView }) {
  const approve = useChat((s) => s.approve);
  const pending = task.pendingApproval;
  if (!pending) return null;
  return (
    <ApprovalCard
      key={pending.toolCallId}
      pending={pending}
      onAnswer={(approved) => approve(task.id, pending.toolCallId, approved)}
    />
  );
}

/** Which buttons a message offers in each state: only what main will accept from there. */
const ACTIONS: Record<TaskState, readonly TaskAction[]> = {
  queued: ['pause', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  interrupted: ['pause', 'cancel'],
  failed: ['retry'],
  timed_out: ['retry'],
  cancelled: ['retry'],
  succeeded: [],
};

function Actions({ task }: { task: TaskView }) {
  const { t } = useTranslation('chat');
  const act = useChat((s) => s.act);
  // One request at a time: a double click would only earn a refusal ("cannot retry a queued task").
  const [busy, setBusy] = useState(false);
  const actions = ACTIONS[task.state];
  if (actions.length === 0) return null;
  const run = (action: TaskAction): void => {
    setBusy(true);
    void act(action, task.id).finally(() => setBusy(false));
  };
  return (
    <span className="actions">
      {actions.map((action) => (
        <Button
          key={action}
          size="sm"
          variant="ghost"
          className={`action action-${action}`}
          icon={ACTION_ICONS[action]}
          disabled={busy}
          onClick={() => run(action)}
        >
          {t(`actions.${action}`)}
        </Button>
      ))}
    </span>
  );
}

/** The task's state in words (place in line, what it waits for), its error, and its actions. */
export function StateLine({ task }: { task: TaskView }) {
  const { t } = useTranslation('chat');
  // Announce a failure that happens while the user watches (a retry failing again included),
  // not every old one in the history.
  const finishedAtMount = useRef(task.finishedAt);
  const fresh = task.finishedAt === null || task.finishedAt !== finishedAtMount.current;
  // A string, so the message re-renders when its words change, not on every limiter update.
  const queued = useChat((s) =>
    task.state === 'queued' ? queuedText(s.positions[task.id], s.upstream, t) : null,
  );
  const label =
    queued ?? (task.state === 'running' ? runningText(task, t) : stateLabel(task.state, t));
  // Only automatic retries count: a pause and resume is not a second attempt.
  const n = attemptNumber(task);
  const attempt =
    n > 1 && !task.finishedAt
      ? n <= task.maxAttempts
        ? t('state.attemptOf', { attempt: n, max: task.maxAttempts })
        : t('state.attempt', { attempt: n })
      : '';
  return (
    <div className="state-line">
      <div className="state-row">
        <span className={`state state-${task.state}`} data-testid="state">
          {label}
          {attempt}
        </span>
        <Actions task={task} />
      </div>
      <Approval task={task} />
      {task.error && (
        <p className="error" data-testid="error" role={fresh ? 'alert' : undefined}>
          {task.error.message}
        </p>
      )}
    </div>
  );
}
