import { z } from 'zod';

const ms = (min: number, max: number) => z.number().int().min(min).max(max);
/** Names that look like a tool's but are JavaScript's own: never a key we store. */
const PROTOTYPE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

export const LanguageSchema = z.enum(['system', 'en', 'zh-CN']);
export type Language = z.infer<typeof LanguageSchema>;

/** Timeouts of one lane, as the settings page edits them. */
export const LaneTimeoutsSchema = z.object({
  /** Whole run. */
  totalMs: ms(10_000, 7 * 24 * 3_600_000),
  /** Longest silence on the stream (OpenClaw sends nothing while its model thinks). */
  stallMs: ms(10_000, 24 * 3_600_000),
});

const DAY_MS = 86_400_000;
const gatewayCap = ms(60_000, 30 * DAY_MS);

/**
 * How long a task may wait, in total, for a gateway that is away (per lane) and for the model
 * provider's rate limit before it fails with the reason (issue 12). Waiting spends no attempt.
 */
export const WaitCapsSchema = z.object({
  gatewayMs: z.object({ interactive: gatewayCap, short: gatewayCap, long: gatewayCap }),
  rateLimitMs: ms(60_000, 7 * DAY_MS),
});
/** Per exec tool: may its processes use the network inside the OS sandbox. */
export const ToolNetworkSchema = z.object({ exec_command: z.boolean(), exec_python: z.boolean() });
export type ToolNetwork = z.infer<typeof ToolNetworkSchema>;
export const NO_TOOL_NETWORK: ToolNetwork = { exec_command: false, exec_python: false };

/**
 * The upstream budget shared with other installs through Redis (issue 15). `url` may hold a
 * password: the settings page only ever gets it back with the password as `***`, and sending
 * that same text back keeps the stored one.
 */
const sharedBudgetFields = z.object({
  enabled: z.boolean(),
  url: z
    .string()
    .max(2048)
    .refine(
      (u) => u === '' || /^rediss?:\/\/[^/?#]+/.test(u),
      'Redis URL must look like redis://host:6379 (or rediss:// for TLS)',
    ),
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'budget name: 1–64 letters, digits, "_", "." or "-"'),
  /** How this install appears to the others; '' = its host name and data folder. */
  installName: z
    .string()
    .max(100)
    .refine(
      (n) => [...n].every((c) => c.charCodeAt(0) >= 0x20),
      'install name: no control characters',
    ),
});
const needsUrl = (b: { enabled: boolean; url: string }) => !b.enabled || b.url !== '';
const NEEDS_URL = { message: 'a Redis URL is needed to share the budget', path: ['url'] };
export const SharedBudgetSettingsSchema = sharedBudgetFields.refine(needsUrl, NEEDS_URL);
export type SharedBudgetSettings = z.infer<typeof SharedBudgetSettingsSchema>;
export const DEFAULT_SHARED_BUDGET: SharedBudgetSettings = {
  enabled: false,
  url: '',
  name: 'default',
  installName: '',
};

/** The OS sandbox exec tools run in: bubblewrap (Linux), sandbox-exec (macOS) or none. */
export const ToolSandboxKindSchema = z.enum(['bubblewrap', 'seatbelt', 'none']);
export type ToolSandboxKind = z.infer<typeof ToolSandboxKindSchema>;

/**
 * What the user can set. The gateway token is never part of it: it is written with
 * `settings.update` ({ token }) and only ever read back as `tokenSet`.
 */
export const UserSettingsSchema = z.object({
  gatewayUrl: z
    .string()
    .url('gateway URL must be a URL such as http://127.0.0.1:18790')
    .refine((u) => /^https?:\/\//.test(u), 'gateway URL must start with http:// or https://'),
  agentId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'agent id: letters, digits, "_", "." or "-"'),
  rateLimit: z.object({
    perWindow: z.number().int().min(1).max(100_000),
    windowMs: ms(1000, 86_400_000),
    maxConcurrent: z.number().int().min(1).max(64),
  }),
  workerCount: z.number().int().min(1).max(32),
  maxAttempts: z.number().int().min(1).max(20),
  lanes: z.object({
    interactive: LaneTimeoutsSchema,
    short: LaneTimeoutsSchema,
    long: LaneTimeoutsSchema,
  }),
  waitCaps: WaitCapsSchema,
  retentionDays: z.number().int().min(1).max(3650),
  maxUnfinished: z.number().int().min(1).max(1_000_000),
  notifications: z.object({ enabled: z.boolean() }),
  language: LanguageSchema,
  responseCache: z.object({ enabled: z.boolean(), ttlMs: ms(1000, 30 * 86_400_000) }),
  /**
   * The main process's guard: an alert when its memory passes `memoryMb`, or when the disk
   * holding the data folder has less than `freeDiskMb` free (0: no disk alert).
   */
  guard: z.object({
    memoryMb: z.number().int().min(100).max(1_048_576),
    freeDiskMb: z
      .number()
      .int()
      .min(0)
      .max(1_048_576 * 16),
  }),
  /** Local tools for agent runs: off by default; each tool allowed, asked for or denied. */
  tools: z.object({
    enabled: z.boolean(),
    /** An absolute folder; '' = the `workspace` folder in the data folder. */
    workspace: z
      .string()
      .max(4096)
      .refine(
        (w) => w === '' || w.startsWith('/') || /^[A-Za-z]:[\\/]/.test(w),
        'workspace must be an absolute folder path',
      ),
    policies: z.record(
      z
        .string()
        .regex(/^[a-z_]{1,64}$/)
        .refine((name) => !PROTOTYPE_NAMES.has(name), 'not a tool name'),
      z.enum(['allow', 'ask', 'deny']),
    ),
    /**
     * Which exec tools may use the network inside the OS sandbox (off: no network at all).
     * Defaulted, so settings saved before this switch existed still load.
     */
    network: ToolNetworkSchema.default(() => ({ ...NO_TOOL_NETWORK })),
  }),
  /** Defaulted, so settings saved before issue 15 still load. */
  sharedBudget: SharedBudgetSettingsSchema.default(() => ({ ...DEFAULT_SHARED_BUDGET })),
});
export type UserSettings = z.infer<typeof UserSettingsSchema>;

export const SettingsViewSchema = UserSettingsSchema.extend({
  /** A token is stored (it is never sent to the renderer). */
  tokenSet: z.boolean(),
  /** Where the token is kept: the OS keychain via Electron safeStorage, a 0600 file, or env. */
  tokenStorage: z.enum(['safe-storage', 'file', 'environment', 'memory']),
  /** The OS sandbox exec tools run in here, found at start; `none` makes them ask-only. */
  toolSandbox: z.object({
    kind: ToolSandboxKindSchema,
    /** One plain sentence: the version found, or why there is none. */
    detail: z.string(),
  }),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

const strictLane = LaneTimeoutsSchema.strict();
const user = UserSettingsSchema.shape;

/**
 * A settings change: any subset; `token` sets (or with '' clears) the gateway token. Strict all
 * the way down: a misspelt key (`lanes.long.totlMs`) is refused by name, not silently dropped.
 * (Saved settings are read with the lenient schema, so a key an older version left is no harm.)
 */
export const SettingsPatchSchema = UserSettingsSchema.extend({
  rateLimit: user.rateLimit.strict(),
  lanes: z.strictObject({ interactive: strictLane, short: strictLane, long: strictLane }),
  notifications: user.notifications.strict(),
  responseCache: user.responseCache.strict(),
  guard: user.guard.strict(),
  tools: user.tools
    .extend({ network: ToolNetworkSchema.strict().default(() => ({ ...NO_TOOL_NETWORK })) })
    .strict(),
  waitCaps: z.strictObject({
    gatewayMs: user.waitCaps.shape.gatewayMs.strict(),
    rateLimitMs: user.waitCaps.shape.rateLimitMs,
  }),
})
  .partial()
  .extend({
    token: z.string().max(4096).optional(),
    sharedBudget: sharedBudgetFields.strict().refine(needsUrl, NEEDS_URL).optional(),
  })
  .strict();
/** What a client sends: groups with defaults (tools.network) may leave them out. */
export type SettingsPatch = z.input<typeof SettingsPatchSchema>;
