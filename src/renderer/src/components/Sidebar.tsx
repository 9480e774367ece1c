import { useTranslation } from 'react-i18next';
import { useChat } from '../store/context.tsx';
import { useUi } from '../store/ui-store.ts';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { ConversationItem } from './ConversationItem.tsx';
import { LimiterStrip } from './LimiterStrip.tsx';
import { ViewNav } from './ViewNav.tsx';

export function Sidebar() {
  const { t } = useTranslation('chat');
  const conversations = useChat((s) => s.conversations);
  const currentId = useChat((s) => s.currentId);
  const newChat = useChat((s) => s.newChat);

  return (
    <aside className="sidebar">
      <div className="sidebar-head">
        <span className="brand">{t('app.brand')}</span>
        <button
          type="button"
          className="new-chat"
          onClick={() => {
            newChat();
            useUi.getState().show('chat');
          }}
        >
          {t('app.newChat')}
        </button>
      </div>
      <ViewNav />
      <nav aria-label={t('sidebar.conversations')} className="conversation-list">
        <ul>
          {conversations.map((c) => (
            <ConversationItem key={c.id} conversation={c} current={c.id === currentId} />
          ))}
        </ul>
      </nav>
      <LimiterStrip />
      <ConnectionStatus />
    </aside>
  );
}
