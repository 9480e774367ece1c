import type { TaskEvent } from '../../shared/ipc-contract.ts';
import type {
  SettingsPatch,
  SettingsView,
  SharedBudgetSettings,
  UserSettings,
} from '../../shared/settings.ts';
import { DEFAULT_SHARED_BUDGET, UserSettingsSchema } from '../../shared/settings.ts';
import { EXEC_TOOL_NAMES } from '../../shared/worker-protocol.ts';
import { ApiRefusal } from './api-dispatcher.ts';
import { redactRedisUrl } from './budget-config.ts';
import type { Limiter } from './rate-limit-types.ts';
import type { SecretStore } from './secret-store.ts';
import type { CoreSettings } from './settings.ts';
import type { SettingsStore } from './settings-store.ts';
import type { ToolSandboxStatus } from './tool-sandbox.ts';
import { applyUserSettings, settingsView, toUserSettings } from './settings-store.ts';

export interface SettingsDeps {
  settings: CoreSettings;
  store: SettingsStore;
  secrets: SecretStore;
  /** The upstream budget: its limits, and whether and where it is shared (issue 15). */
  limiter: Limiter & { configure(sharing: SharedBudgetSettings): void };
  /**
   * Saved values written in place of what was pinned at launch: a Redis URL given in the
   * environment may hold a password, and is used for that run only (like the gateway token).
   */
  keepSaved?: Partial<UserSettings>;
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
  if (pinned.sharedBudget) {
    // What Settings had saved, never the environment's URL (the defaults hold it too).
    const own = deps.store.load({ ...base, sharedBudget: { ...DEFAULT_SHARED_BUDGET } });
    deps.keepSaved = { sharedBudget: own?.sharedBudget ?? { ...DEFAULT_SHARED_BUDGET } };
  }
  deps.limiter.updateSettings(deps.settings.rateLimit);
  deps.limiter.configure(deps.settings.sharedBudget);
}

/** The page sends back the URL as it was shown (password as `***`): that keeps the stored one. */
function unredacted(
  patch: Omit<SettingsPatch, 'token'>,
  current: UserSettings,
): Omit<SettingsPatch, 'token'> {
  const shared = patch.sharedBudget;
  const stored = current.sharedBudget.url;
  if (!shared || shared.url !== redactRedisUrl(stored)) return patch;
  return { ...patch, sharedBudget: { ...shared, url: stored } };
}

/**
 * Without an OS sandbox an exec call runs unconfined: it may only ask (or be denied). Refused
 * by name rather than quietly turned into "ask", so the user learns why.
 */
function refuseUnconfinedExec(next: UserSettings, sandbox: ToolSandboxStatus): void {
  if (sandbox.kind !== 'none') return;
  const named = EXEC_TOOL_NAMES.find((name) => next.tools.policies[name] === 'allow');
  if (named === undefined) return;
  throw new ApiRefusal(
    'refused',
    `settings not saved: tools.policies.${named}: cannot be "allow" without an OS sandbox ` +
      `(${sandbox.detail}); it can ask or be denied`,
  );
}

export function settingsHandlers(deps: SettingsDeps) {
  return {
    'settings.get': (): SettingsView => settingsView(deps.settings, deps.secrets),
    'settings.update': (patch: SettingsPatch): SettingsView => {
      const { token, ...asked } = patch;
      const current = toUserSettings(deps.settings);
      const rest = unredacted(asked, current);
      const next = UserSettingsSchema.safeParse({ ...current, ...rest });
      if (!next.success) {
        const detail = next.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new ApiRefusal('refused', `settings not saved: ${detail}`);
      }
      refuseUnconfinedExec(next.data, deps.settings.tools.sandbox);
      deps.store.save({ ...next.data, ...deps.keepSaved });
      applyUserSettings(deps.settings, next.data);
      deps.limiter.updateSettings(deps.settings.rateLimit);
      deps.limiter.configure(deps.settings.sharedBudget);
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
