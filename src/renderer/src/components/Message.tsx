import { memo, useRef } from 'react';
import type { TaskView } from '../../../shared/task.ts';
import { useChat } from '../store/context.tsx';
import { STATE_LABEL } from './state-label.ts';

function StateLine({ task }: { task: TaskView }) {
  // Announce a failure that happens while the user watches, not every old one in the history.
  const settledAtMount = useRef(task.finishedAt !== null);
  const attempt =
    task.attempts > 1 && !task.finishedAt
      ? ` (attempt ${task.attempts} of ${task.maxAttempts})`
      : '';
  return (
    <div className="state-line">
      <span className={`state state-${task.state}`} data-testid="state">
        {STATE_LABEL[task.state]}
        {attempt}
      </span>
      {task.error && (
        <p
          className="error"
          data-testid="error"
          role={settledAtMount.current ? undefined : 'alert'}
        >
          {task.error.message}
        </p>
      )}
    </div>
  );
}

/**
 * One exchange: the user's message and the assistant's reply. It subscribes to its own task,
 * so a streaming delta re-renders this message only, not the whole list.
 */
export const Message = memo(function Message({ id }: { id: string }) {
  const task = useChat((s) => s.tasks[id]);
  if (!task) return null;
  return (
    <article className="message" data-testid="message" data-state={task.state} data-task-id={id}>
      <div className="prompt" data-testid="prompt">
        {task.prompt}
      </div>
      <div className="reply" aria-busy={task.state === 'running'}>
        <div className="reply-text" data-testid="reply">
          {task.output}
        </div>
        <StateLine task={task} />
      </div>
    </article>
  );
});
