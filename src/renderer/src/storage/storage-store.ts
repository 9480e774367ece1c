import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StorageProblem } from '../../../shared/storage.ts';
import type { RendererApi } from '../api/types.ts';

export interface StorageState {
  /** Why ClawDesk cannot save right now; null while it can (or before the first answer). */
  problem: StorageProblem | null;
}

export type StorageStore = StoreApi<StorageState>;

/**
 * Whether main can save (issue 7): asked once when the page opens and after a reconnect
 * (a window opened mid-trouble must show it too), kept current by `storage` events.
 */
export function createStorageStore(
  api: Pick<RendererApi, 'invoke' | 'onEvent' | 'onResync'>,
): StorageStore {
  const store = createStore<StorageState>()(() => ({ problem: null }));
  /** An answer older than an event must not undo it. */
  let asked = 0;
  const load = (): void => {
    const mine = ++asked;
    api
      .invoke('storage.status', {})
      .then(({ problem }) => {
        if (mine === asked) store.setState({ problem });
      })
      .catch(() => {
        // Disconnected: the resync after the reconnect asks again.
      });
  };
  api.onEvent((event) => {
    if (event.type !== 'storage') return;
    asked++;
    store.setState({ problem: event.problem });
  });
  api.onResync(load);
  load();
  return store;
}

let shared: StorageStore | null = null;
const NONE = createStore<StorageState>()(() => ({ problem: null }));

/** Hand the page's one API to the storage state (main.tsx, before rendering). */
export function connectStorage(api: RendererApi): StorageStore {
  shared ??= createStorageStore(api);
  return shared;
}

export function useStorageProblem(): StorageProblem | null {
  return useStore(shared ?? NONE, (s) => s.problem);
}
