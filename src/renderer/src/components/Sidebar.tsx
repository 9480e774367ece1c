import { useChat } from '../store/context.tsx';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { LimiterStrip } from './LimiterStrip.tsx';

export function Sidebar() {
  const conversations = useChat((s) => s.conversations);
  const currentId = useChat((s) => s.currentId);
  const select = useChat((s) => s.select);
  const newChat = useChat((s) => s.newChat);

  return (
    <aside className="sidebar">
      <div className="sidebar-head">
        <span className="brand">ClawDesk</span>
        <button type="button" className="new-chat" onClick={newChat}>
          New chat
        </button>
      </div>
      <nav aria-label="Conversations" className="conversation-list">
        <ul>
          {conversations.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                data-testid="conversation"
                aria-current={c.id === currentId ? 'page' : undefined}
                title={c.title}
                onClick={() => select(c.id)}
              >
                {c.title}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <LimiterStrip />
      <ConnectionStatus />
    </aside>
  );
}
