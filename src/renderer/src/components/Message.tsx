import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Pencil, RefreshCw, SquareArrowOutUpRight } from 'lucide-react';
import { TERMINAL_STATES, type TaskView } from '../../../shared/task.ts';
import { useChat, useChatStore } from '../store/context.tsx';
import { noticeOf } from '../store/notice.ts';
import { useUi } from '../store/ui-store.ts';
import { Button, IconButton } from '../ui/index.ts';
import { CopyButton } from '../ui/CopyButton.tsx';
import { LazyMarkdown as Markdown } from './LazyMarkdown.tsx';
import { StateLine } from './StateLine.tsx';
import { ToolCalls } from './ToolCalls.tsx';

/** A background task's output, parsed only once the user opens it (it can be long). */
function CardResult({ output }: { output: string }) {
  const { t } = useTranslation('chat');
  const [open, setOpen] = useState(false);
  return (
    <details className="task-card-result" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{t('messages.showResult')}</summary>
      {open && (
        <div className="reply-text" data-testid="reply">
          <Markdown text={output} />
        </div>
      )}
    </details>
  );
}

/** A message sent to the long lane: a card with its state and a way to the task monitor. */
function BackgroundCard({ task }: { task: TaskView }) {
  const { t } = useTranslation('chat');
  const toolCalls = useChat((s) => s.toolCalls[task.id]);
  return (
    <div className="task-card" data-testid="task-card">
      <div className="task-card-head">
        <span className="task-card-label">{t('messages.backgroundTask')}</span>
        <Button
          size="sm"
          className="task-card-open"
          icon={<SquareArrowOutUpRight size={14} aria-hidden="true" />}
          onClick={() => useUi.getState().openTask(task.id)}
        >
          {t('messages.openTask')}
        </Button>
      </div>
      <StateLine task={task} />
      <ToolCalls calls={toolCalls} />
      {task.state === 'succeeded' && task.output !== '' && <CardResult output={task.output} />}
    </div>
  );
}

/** Copy, regenerate and edit: what a finished exchange offers, on hover or keyboard focus. */
function ExchangeTools({ task, last }: { task: TaskView; last: boolean }) {
  const { t } = useTranslation('chat');
  const send = useChat((s) => s.send);
  const store = useChatStore();
  const finished = TERMINAL_STATES.includes(task.state);
  const copyFailed = (error: unknown): void => store.setState({ notice: noticeOf('copy', error) });
  return (
    <div className="message-tools" role="toolbar" aria-label={t('messages.tools')}>
      {task.output !== '' && (
        <CopyButton
          testId="copy-reply"
          label={t('messages.copyReply')}
          text={() => task.output}
          onError={copyFailed}
        />
      )}
      {last && finished && (
        <IconButton
          size="sm"
          data-testid="regenerate"
          label={t('messages.regenerate')}
          icon={<RefreshCw size={14} aria-hidden="true" />}
          onClick={() => void send(task.prompt, task.lane === 'long' ? 'long' : undefined)}
        />
      )}
      {last && (
        <IconButton
          size="sm"
          data-testid="edit-resend"
          label={t('messages.edit')}
          icon={<Pencil size={14} aria-hidden="true" />}
          onClick={() =>
            useUi
              .getState()
              .fillComposer({ text: task.prompt, editing: true, cancel: finished ? null : task.id })
          }
        />
      )}
    </div>
  );
}

/**
 * One exchange: the user's message and the assistant's reply. It subscribes to its own task,
 * so a streaming delta re-renders this message only, not the whole list.
 */
export const Message = memo(function Message({ id }: { id: string }) {
  const { t } = useTranslation('chat');
  const task = useChat((s) => s.tasks[id]);
  const toolCalls = useChat((s) => s.toolCalls[id]);
  const last = useChat((s) => {
    const ids = task ? s.order[task.conversationId] : undefined;
    return ids !== undefined && ids[ids.length - 1] === id;
  });
  if (!task) return null;
  const background = task.lane === 'long';
  return (
    <article
      className="message"
      data-testid="message"
      data-state={task.state}
      data-lane={task.lane}
      data-task-id={id}
    >
      <div className="prompt" data-testid="prompt">
        {task.prompt}
      </div>
      {background ? (
        <BackgroundCard task={task} />
      ) : (
        <div className="reply" aria-busy={task.state === 'running'}>
          <div
            className="reply-text"
            data-testid="reply"
            data-interrupted={task.outputInterrupted ? 'true' : undefined}
          >
            {task.output !== '' && <Markdown text={task.output} />}
          </div>
          {task.outputInterrupted && task.output !== '' && (
            <span className="badge badge-warn" data-testid="interrupted-mark">
              {t('words:interrupted')}
            </span>
          )}
          <ToolCalls calls={toolCalls} />
          <StateLine task={task} />
        </div>
      )}
      <ExchangeTools task={task} last={last} />
    </article>
  );
});
