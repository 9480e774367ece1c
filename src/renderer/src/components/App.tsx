import { useChat } from '../store/context.tsx';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';
import { Sidebar } from './Sidebar.tsx';
import { TokenBanner } from './TokenBanner.tsx';
import { useQueuePolling } from './use-queue-polling.ts';

function Notice() {
  const notice = useChat((s) => s.notice);
  const dismiss = useChat((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className="notice" role="alert" data-testid="notice">
      <span>{notice}</span>
      <button type="button" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}

function Title() {
  const title = useChat((s) =>
    s.currentId ? s.conversations.find((c) => c.id === s.currentId)?.title : undefined,
  );
  return <h1 className="title">{title ?? 'New chat'}</h1>;
}

/** Its own component, so a change in the queued set does not re-render the whole app. */
function QueuePoller() {
  useQueuePolling();
  return null;
}

export function App() {
  return (
    <div className="app">
      <Sidebar />
      <main className="chat">
        <Title />
        <TokenBanner />
        <Notice />
        <MessageList />
        <Composer />
      </main>
      <QueuePoller />
    </div>
  );
}
