import { Plus, Search } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useChat } from '../store/context.tsx';
import { useUi } from '../store/ui-store.ts';
import { Button, Input } from '../ui/index.ts';
import { ThemeSwitch } from '../ui/ThemeSwitch.tsx';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { ConversationItem } from './ConversationItem.tsx';
import { groupConversations } from './conversation-groups.ts';
import { LimiterStrip } from './LimiterStrip.tsx';
import { ViewNav } from './ViewNav.tsx';

function ConversationList({ query }: { query: string }) {
  const { t } = useTranslation('chat');
  const conversations = useChat((s) => s.conversations);
  const currentId = useChat((s) => s.currentId);
  const groups = groupConversations(conversations, query, Date.now());
  return (
    <nav aria-label={t('sidebar.conversations')} className="conversation-list">
      {groups.length === 0 && query.trim() !== '' && (
        <p className="conversation-none" data-testid="conversation-none">
          {t('sidebar.noMatch')}
        </p>
      )}
      {groups.map(({ group, conversations: list }) => (
        <section key={group} className="conversation-group" aria-labelledby={`group-${group}`}>
          <h2 id={`group-${group}`} className="conversation-group-title">
            {t(`sidebar.groups.${group}`)}
          </h2>
          <ul>
            {list.map((c) => (
              <ConversationItem key={c.id} conversation={c} current={c.id === currentId} />
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}

export function Sidebar() {
  const { t } = useTranslation('chat');
  const newChat = useChat((s) => s.newChat);
  const [query, setQuery] = useState('');

  return (
    <aside className="sidebar">
      <div className="sidebar-head">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          {t('app.brand')}
        </span>
        <ThemeSwitch />
      </div>
      <div className="sidebar-actions">
        <Button
          variant="primary"
          className="new-chat"
          icon={<Plus size={16} aria-hidden="true" />}
          onClick={() => {
            newChat();
            useUi.getState().show('chat');
          }}
        >
          {t('app.newChat')}
        </Button>
      </div>
      <ViewNav />
      <div className="conversation-search">
        <Search size={14} aria-hidden="true" className="conversation-search-icon" />
        <Input
          type="search"
          aria-label={t('sidebar.search')}
          placeholder={t('sidebar.searchPlaceholder')}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <ConversationList query={query} />
      <LimiterStrip />
      <ConnectionStatus />
    </aside>
  );
}
