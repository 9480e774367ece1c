import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskView } from '../../../shared/task.ts';
import { useChat } from '../store/context.tsx';
import { useUi } from '../store/ui-store.ts';
import { Markdown } from './Markdown.tsx';
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

/** Text of a run that was cut, shown until the next run's answer replaces it (issue 12). */
function InterruptedMark() {
  const { t } = useTranslation('chat');
  return (
    <p className="interrupted-mark" data-testid="interrupted-mark">
      {t('messages.interrupted')}
    </p>
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
        <button
          type="button"
          className="task-card-open"
          onClick={() => useUi.getState().openTask(task.id)}
        >
          {t('messages.openTask')}
        </button>
      </div>
      <StateLine task={task} />
      <ToolCalls calls={toolCalls} />
      {task.state === 'succeeded' && task.output !== '' && <CardResult output={task.output} />}
    </div>
  );
}

/**
 * One exchange: the user's message and the assistant's reply. It subscribes to its own task,
 * so a streaming delta re-renders this message only, not the whole list.
 */
export const Message = memo(function Message({ id }: { id: string }) {
  const task = useChat((s) => s.tasks[id]);
  const toolCalls = useChat((s) => s.toolCalls[id]);
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
          {task.outputInterrupted && task.output !== '' && <InterruptedMark />}
          <div className="reply-text" data-testid="reply">
            {task.output !== '' && <Markdown text={task.output} />}
          </div>
          <ToolCalls calls={toolCalls} />
          <StateLine task={task} />
        </div>
      )}
    </article>
  );
});
