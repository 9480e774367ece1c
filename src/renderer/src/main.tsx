import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { selectApi } from './api/index.ts';
import { App } from './components/App.tsx';
import { createChatStore } from './store/chat-store.ts';
import { StoreProvider } from './store/context.tsx';
import { nextFrame } from './store/next-frame.ts';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

// One API and one store for the page's life: created outside React so StrictMode's double
// rendering cannot open two connections.
const store = createChatStore(selectApi(), nextFrame);

createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
