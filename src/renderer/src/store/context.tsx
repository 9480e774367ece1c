import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ChatState, ChatStore } from './chat-store.ts';

const StoreContext = createContext<ChatStore | null>(null);

export function StoreProvider({ store, children }: { store: ChatStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** Select a slice of the chat state; the component re-renders only when that slice changes. */
export function useChat<T>(selector: (state: ChatState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useChat used outside <StoreProvider>');
  return useStore(store, selector);
}

/** The store itself, for an event handler that sets state outside a selector. */
export function useChatStore(): ChatStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useChatStore used outside <StoreProvider>');
  return store;
}
