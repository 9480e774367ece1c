import { memo } from 'react';
import { useChat } from '../store/context.tsx';
import { StateLine } from './StateLine.tsx';

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
