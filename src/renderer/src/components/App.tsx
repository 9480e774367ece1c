import { X } from 'lucide-react';
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import './chat-extras.css';
import { GatewayBanner } from '../settings/GatewayBanner.tsx';
import { IconButton } from '../ui/index.ts';
import { StorageBanner } from '../storage/StorageBanner.tsx';
import { applyLanguage } from '../i18n/index.ts';
import { useChat } from '../store/context.tsx';
import { noticeText } from '../store/notice.ts';
import { useUi } from '../store/ui-store.ts';
import { AccessBanner } from './AccessBanner.tsx';
import { AgentBadge } from './AgentBadge.tsx';
import { Composer } from './Composer.tsx';
import { ExportButton } from './ExportButton.tsx';
import { MessageList } from './MessageList.tsx';
import { Sidebar } from './Sidebar.tsx';
import { useQueuePolling } from './use-queue-polling.ts';

function Notice() {
  const { t } = useTranslation('chat');
  const notice = useChat((s) => s.notice);
  const dismiss = useChat((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className="notice" role="alert" data-testid="notice">
      <span>{noticeText(notice, t)}</span>
      <IconButton
        size="sm"
        label={t('notice.dismiss')}
        icon={<X size={16} aria-hidden="true" />}
        onClick={dismiss}
      />
    </div>
  );
}

// The monitor and the settings are chunks of their own: the chat paints without them.
const TaskMonitor = lazy(() =>
  import('../monitor/TaskMonitor.tsx').then((m) => ({ default: m.TaskMonitor })),
);
const SettingsView = lazy(() =>
  import('../settings/SettingsView.tsx').then((m) => ({ default: m.SettingsView })),
);

function Title() {
  const { t } = useTranslation('chat');
  const title = useChat((s) =>
    s.currentId ? s.conversations.find((c) => c.id === s.currentId)?.title : undefined,
  );
  return <h1 className="title">{title ?? t('app.untitled')}</h1>;
}

/** Its own component, so a change in the queued set does not re-render the whole app. */
function QueuePoller() {
  useQueuePolling();
  return null;
}

/** The page speaks the language of the settings ("system" follows the OS), as they change. */
function LanguageFollower() {
  const language = useChat((s) => s.language);
  useEffect(() => {
    if (language) applyLanguage(language);
  }, [language]);
  return null;
}

function ChatView() {
  return (
    <main className="chat">
      <header className="chat-head">
        <Title />
        <AgentBadge />
        <ExportButton />
      </header>
      <StorageBanner />
      <GatewayBanner />
      <Notice />
      <MessageList />
      <Composer />
    </main>
  );
}

export function App() {
  const view = useUi((s) => s.view);
  return (
    <div className="app">
      <AccessBanner />
      <Sidebar />
      {view === 'chat' && <ChatView />}
      <Suspense fallback={<main className="view-loading" aria-busy="true" />}>
        {view === 'tasks' && <TaskMonitor />}
        {view === 'settings' && <SettingsView />}
      </Suspense>
      <QueuePoller />
      <LanguageFollower />
    </div>
  );
}
