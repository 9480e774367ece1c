import type { SettingsView, UserSettings } from '../../shared/settings.ts';
import { UserSettingsSchema } from '../../shared/settings.ts';
import { policiesFor } from '../../shared/worker-protocol.ts';
import { redactRedisUrl } from './budget-config.ts';
import { SqlStore } from './database.ts';
import type { SecretStore } from './secret-store.ts';
import type { CoreSettings } from './settings.ts';

const DAY = 24 * 3_600_000;
const KEY = 'user';
const PEERS = 'shared-budget-installs';

/** The user-facing settings read off the live core settings. */
export function toUserSettings(s: CoreSettings): UserSettings {
  const lane = (l: keyof CoreSettings['lanes']) => ({
    totalMs: s.lanes[l].totalMs,
    stallMs: s.lanes[l].stallMs,
  });
  return {
    gatewayUrl: s.gateway.url,
    agentId: s.gateway.agentId,
    rateLimit: { ...s.rateLimit },
    sharedBudget: { ...s.sharedBudget },
    workerCount: s.workerCount,
    maxAttempts: s.maxAttempts,
    lanes: { interactive: lane('interactive'), short: lane('short'), long: lane('long') },
    waitCaps: { gatewayMs: { ...s.waitCaps.gatewayMs }, rateLimitMs: s.waitCaps.rateLimitMs },
    retentionDays: Math.max(1, Math.round(s.retentionMs / DAY)),
    maxUnfinished: s.maxUnfinished,
    notifications: { ...s.notifications },
    language: s.language,
    responseCache: { ...s.responseCache },
    guard: { ...s.guard },
    tools: {
      enabled: s.tools.enabled,
      workspace: s.tools.workspace,
      // Without an OS sandbox exec tools can only ask (or be denied): shown and saved so.
      policies: policiesFor(s.tools.policies, s.tools.sandbox.kind),
      network: { ...s.tools.network },
    },
  };
}

/** Writes user settings into the live core settings, in place: every reader sees them next. */
export function applyUserSettings(target: CoreSettings, u: UserSettings): void {
  target.gateway = { ...target.gateway, url: u.gatewayUrl.replace(/\/+$/, ''), agentId: u.agentId };
  target.rateLimit = { ...u.rateLimit };
  target.sharedBudget = { ...u.sharedBudget };
  target.workerCount = u.workerCount;
  target.maxAttempts = u.maxAttempts;
  for (const lane of ['interactive', 'short', 'long'] as const) {
    target.lanes[lane] = { ...target.lanes[lane], ...u.lanes[lane] };
  }
  target.waitCaps = { gatewayMs: { ...u.waitCaps.gatewayMs }, rateLimitMs: u.waitCaps.rateLimitMs };
  // Days are what the user sets; a finer period set in code (tests) survives a round trip.
  if (toUserSettings(target).retentionDays !== u.retentionDays)
    target.retentionMs = u.retentionDays * DAY;
  target.maxUnfinished = u.maxUnfinished;
  target.notifications = { ...u.notifications };
  target.language = u.language;
  target.responseCache = { ...u.responseCache };
  target.guard = { ...u.guard };
  target.tools = {
    ...target.tools,
    ...u.tools,
    policies: { ...u.tools.policies },
    network: { ...u.tools.network },
  };
}

/** What the settings page gets: the Redis URL's password shows as `***` (it is a secret). */
export function settingsView(s: CoreSettings, secrets: SecretStore): SettingsView {
  const user = toUserSettings(s);
  return {
    ...user,
    sharedBudget: { ...user.sharedBudget, url: redactRedisUrl(user.sharedBudget.url) },
    tokenSet: Boolean(secrets.get()),
    tokenStorage: secrets.kind,
    toolSandbox: { ...s.tools.sandbox },
  };
}

/** The user's settings as one JSON document in SQLite (migration 3). */
export class SettingsStore extends SqlStore {
  /** What was saved, if it still reads as valid settings; a broken row is ignored. */
  load(base: UserSettings): UserSettings | undefined {
    const row = this.prepare('SELECT value_json FROM settings WHERE key = ?').get(KEY) as
      { value_json: string } | undefined;
    if (!row) return undefined;
    try {
      const parsed = UserSettingsSchema.safeParse({ ...base, ...JSON.parse(row.value_json) });
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** How many installs shared the budget when Redis was last reached (issue 15). */
  lastSeenInstalls(): number | undefined {
    const row = this.prepare('SELECT value_json FROM settings WHERE key = ?').get(PEERS) as
      { value_json: string } | undefined;
    const count = row ? Number(JSON.parse(row.value_json)) : Number.NaN;
    return Number.isInteger(count) && count >= 1 ? count : undefined;
  }

  rememberInstalls(count: number): void {
    this.put(PEERS, JSON.stringify(count));
  }

  save(settings: UserSettings): void {
    this.put(KEY, JSON.stringify(settings));
  }

  private put(key: string, json: string): void {
    this.prepare(
      `INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
    ).run(key, json, this.now());
  }
}
