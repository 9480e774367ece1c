import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Language, SettingsPatch, SettingsView } from '../../../shared/settings.ts';
import type { RendererApi } from '../api/types.ts';
import type { GatewayCheck } from '../../../shared/gateway-check.ts';
import type { ApiParams } from '../../../shared/ipc-contract.ts';

export interface SettingsState {
  /** null until the first `settings.get` answers. */
  settings: SettingsView | null;
  /** Why the settings could not be read, when they could not. */
  loadError: string | null;
  reload(): void;
  /** Resolves to the stored settings; rejects with the server's refusal (it names the field). */
  update(patch: SettingsPatch): Promise<SettingsView>;
  /** "Test connection": what the gateway says about these values (or the saved ones). */
  check(params: ApiParams<'gateway.check'>): Promise<GatewayCheck>;
}

export type SettingsStore = StoreApi<SettingsState>;

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : 'unknown error';

/**
 * The stored settings, kept current by `settings` events (another window, or Electron's
 * main, may change them). Calls `applyLanguage` whenever the language setting changes.
 */
export function createSettingsStore(
  api: Pick<RendererApi, 'invoke' | 'onEvent' | 'onResync'>,
  applyLanguage: (language: Language) => void,
): SettingsStore {
  const store = createStore<SettingsState>()((set) => ({
    settings: null,
    loadError: null,
    reload() {
      api
        .invoke('settings.get', {})
        .then((settings) => set({ settings, loadError: null }))
        .catch((error: unknown) => set({ loadError: describe(error) }));
    },
    check: (params) => api.invoke('gateway.check', params),
    async update(patch) {
      const settings = await api.invoke('settings.update', patch);
      set({ settings, loadError: null });
      return settings;
    },
  }));
  store.subscribe((state, previous) => {
    const language = state.settings?.language;
    if (language && language !== previous.settings?.language) applyLanguage(language);
  });
  api.onEvent((event) => {
    if (event.type === 'settings') store.setState({ settings: event.settings, loadError: null });
  });
  api.onResync(() => store.getState().reload());
  store.getState().reload();
  return store;
}
