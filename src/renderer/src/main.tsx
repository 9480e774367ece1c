import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { selectApi } from './api/index.ts';
import type { RendererApi } from './api/types.ts';
import { useTaskNotifications } from './notify/index.ts';
import { connectSettings } from './settings/settings-connection.ts';
import { connectStorage } from './storage/storage-store.ts';
import { App } from './components/App.tsx';
import { createChatStore } from './store/chat-store.ts';
import { StoreProvider } from './store/context.tsx';
import { nextFrame } from './store/next-frame.ts';
import './i18n/index.ts';
import './ui/tokens.css';
import './ui/ui.css';
import './styles.css';
import { applyTheme, useTheme } from './ui/theme.ts';
import { captureShellDraft } from './shell-draft.ts';

// Before the first paint: a pinned theme must not flash the other one.
applyTheme(useTheme.getState().choice);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

// One API and one store for the page's life: created outside React so StrictMode's double
// rendering cannot open two connections.
const api = selectApi();
connectSettings(api);
connectStorage(api);
const store = createChatStore(api, nextFrame);

/** Task notifications: native ones from main in Electron, the browser's in headless mode. */
function Notifications({ api }: { api: RendererApi }) {
  useTaskNotifications(api);
  return null;
}

// What was typed into index.html's static composer before this script ran goes to the real one.
captureShellDraft();
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
      <Notifications api={api} />
    </StoreProvider>
  </StrictMode>,
);
