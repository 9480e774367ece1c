import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type { SettingsPatch, SettingsView, UserSettings } from '../../shared/settings.ts';
import { UserSettingsSchema } from '../../shared/settings.ts';
import { ApiRefusal } from './api-dispatcher.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { SecretStore } from './secret-store.ts';
import type { CoreSettings } from './settings.ts';
import type { SettingsStore } from './settings-store.ts';
import { applyUserSettings, settingsView, toUserSettings } from './settings-store.ts';

export interface SettingsDeps {
  settings: CoreSettings;
  store: SettingsStore;
  secrets: SecretStore;
  limiter: RateLimiter;
  /** Called after a change took effect (token changed: true). */
  changed: (tokenChanged: boolean) => void;
  emit: (event: TaskEvent) => void;
}

/**
 * Start-up: saved settings over the defaults, then what the user pinned at launch (flags,
 * environment) over those; the token from the secret store.
 */
export function loadSettings(deps: SettingsDeps, pinned: Partial<UserSettings> = {}): void {
  const base = toUserSettings(deps.settings);
  const saved = deps.store.load(base) ?? base;
  const merged = UserSettingsSchema.safeParse({ ...saved, ...pinned });
  applyUserSettings(deps.settings, merged.success ? merged.data : saved);
  deps.settings.gateway.token = deps.secrets.get() ?? deps.settings.gateway.token;
  deps.limiter.updateSettings(deps.settings.rateLimit);
}

export function settingsHandlers(deps: SettingsDeps) {
  return {
    'settings.get': (): SettingsView => settingsView(deps.settings, deps.secrets),
    'settings.update': (patch: SettingsPatch): SettingsView => {
      const { token, ...rest } = patch;
      const next = UserSettingsSchema.safeParse({ ...toUserSettings(deps.settings), ...rest });
      if (!next.success) {
        const detail = next.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new ApiRefusal('refused', `settings not saved: ${detail}`);
      }
      deps.store.save(next.data);
      applyUserSettings(deps.settings, next.data);
      deps.limiter.updateSettings(deps.settings.rateLimit);
      if (token !== undefined) {
        deps.secrets.set(token || null);
        deps.settings.gateway.token = token;
      }
      deps.changed(token !== undefined);
      const view = settingsView(deps.settings, deps.secrets);
      deps.emit({ type: 'settings', settings: view });
      return view;
    },
  };
}
