import type { z } from 'zod';
import {
  UserSettingsSchema,
  type Language,
  type SettingsPatch,
  type ToolNetwork,
  type UserSettings,
} from '../../../shared/settings.ts';

/**
 * The settings form as the user edits it: text fields hold what was typed (in the units the
 * page shows: seconds, minutes), checkboxes and the language hold their value. Everything is
 * checked with the shared `UserSettingsSchema`, and Save sends only what changed.
 */

/** A number field: where it lives in UserSettings and how many ms one displayed unit is. */
interface NumberField {
  path: readonly [keyof UserSettings, ...string[]];
  /** 1 for counts and days; 1000 for seconds; 60 000 for minutes. */
  scale: number;
}

const LANES = ['interactive', 'short', 'long'] as const;
const SECOND = 1000;
const MINUTE = 60_000;

export const NUMBER_FIELDS = {
  perWindow: { path: ['rateLimit', 'perWindow'], scale: 1 },
  windowSeconds: { path: ['rateLimit', 'windowMs'], scale: SECOND },
  maxConcurrent: { path: ['rateLimit', 'maxConcurrent'], scale: 1 },
  workerCount: { path: ['workerCount'], scale: 1 },
  maxAttempts: { path: ['maxAttempts'], scale: 1 },
  maxUnfinished: { path: ['maxUnfinished'], scale: 1 },
  interactiveTotal: { path: ['lanes', 'interactive', 'totalMs'], scale: MINUTE },
  interactiveStall: { path: ['lanes', 'interactive', 'stallMs'], scale: MINUTE },
  shortTotal: { path: ['lanes', 'short', 'totalMs'], scale: MINUTE },
  shortStall: { path: ['lanes', 'short', 'stallMs'], scale: MINUTE },
  longTotal: { path: ['lanes', 'long', 'totalMs'], scale: MINUTE },
  longStall: { path: ['lanes', 'long', 'stallMs'], scale: MINUTE },
  retentionDays: { path: ['retentionDays'], scale: 1 },
  cacheTtlMinutes: { path: ['responseCache', 'ttlMs'], scale: MINUTE },
  waitGatewayInteractive: { path: ['waitCaps', 'gatewayMs', 'interactive'], scale: MINUTE },
  waitGatewayShort: { path: ['waitCaps', 'gatewayMs', 'short'], scale: MINUTE },
  waitGatewayLong: { path: ['waitCaps', 'gatewayMs', 'long'], scale: MINUTE },
  waitRateLimit: { path: ['waitCaps', 'rateLimitMs'], scale: MINUTE },
  guardMemoryMb: { path: ['guard', 'memoryMb'], scale: 1 },
  guardFreeDiskMb: { path: ['guard', 'freeDiskMb'], scale: 1 },
} as const satisfies Record<string, NumberField>;

export type NumberKey = keyof typeof NUMBER_FIELDS;
export const NUMBER_KEYS = Object.keys(NUMBER_FIELDS) as NumberKey[];
export const laneKey = (lane: (typeof LANES)[number], part: 'Total' | 'Stall'): NumberKey =>
  `${lane}${part}`;
export { LANES };

/** The local tools (issue 6) and the policy each has when the settings name none. */
export type ToolPolicy = 'allow' | 'ask' | 'deny';
export const TOOL_DEFAULTS = {
  read_file: 'allow',
  list_directory: 'allow',
  write_file: 'ask',
  create_directory: 'ask',
  exec_command: 'ask',
  exec_python: 'ask',
} as const satisfies Record<string, ToolPolicy>;
export type ToolName = keyof typeof TOOL_DEFAULTS;
export const TOOL_NAMES = Object.keys(TOOL_DEFAULTS) as ToolName[];
export const TOOL_POLICIES: readonly ToolPolicy[] = ['allow', 'ask', 'deny'];
/** The tools that run processes: each has a network switch, and no "allow" without a sandbox. */
export const EXEC_TOOLS = [
  'exec_command',
  'exec_python',
] as const satisfies readonly (keyof ToolNetwork & ToolName)[];

export type FormValues = Record<NumberKey, string> & {
  gatewayUrl: string;
  agentId: string;
  cacheEnabled: boolean;
  notifications: boolean;
  language: Language;
  toolsEnabled: boolean;
  toolsWorkspace: string;
  /** Each tool's policy as shown: its override, or its default when there is none. */
  toolPolicies: Record<ToolName, ToolPolicy>;
  /** Which exec tools may use the network inside the sandbox. */
  toolNetwork: ToolNetwork;
  /** Settings → Budget (issue 15); the URL as shown, its password as `***`. */
  budgetEnabled: boolean;
  budgetUrl: string;
  budgetName: string;
  budgetInstallName: string;
};
export type FieldKey = keyof FormValues | 'token';

/** A field's problem: an i18n key of the `settings` namespace and its values. */
export interface FieldError {
  key: string;
  values?: Record<string, string | number>;
}
export type FieldErrors = Partial<Record<FieldKey, FieldError>>;

const get = (root: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], root);

function set(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = root;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
}

/** Up to three decimals, no trailing zeros: 10 000 ms shows as 0.167 minutes. */
const display = (value: number, scale: number): string =>
  String(Number((value / scale).toFixed(3)));

export function toForm(settings: UserSettings): FormValues {
  const numbers = Object.fromEntries(
    NUMBER_KEYS.map((key) => {
      const { path, scale } = NUMBER_FIELDS[key];
      return [key, display(get(settings, path) as number, scale)];
    }),
  ) as Record<NumberKey, string>;
  return {
    ...numbers,
    gatewayUrl: settings.gatewayUrl,
    agentId: settings.agentId,
    cacheEnabled: settings.responseCache.enabled,
    notifications: settings.notifications.enabled,
    language: settings.language,
    toolsEnabled: settings.tools.enabled,
    toolsWorkspace: settings.tools.workspace,
    toolPolicies: Object.fromEntries(
      TOOL_NAMES.map((name) => [name, settings.tools.policies[name] ?? TOOL_DEFAULTS[name]]),
    ) as Record<ToolName, ToolPolicy>,
    toolNetwork: { ...settings.tools.network },
    budgetEnabled: settings.sharedBudget.enabled,
    budgetUrl: settings.sharedBudget.url,
    budgetName: settings.sharedBudget.name,
    budgetInstallName: settings.sharedBudget.installName,
  };
}

/** What was typed as a number: NaN when it is not one (the schema then says so). */
function parseNumber(text: string, scale: number): number {
  const trimmed = text.trim();
  if (trimmed === '' || !/^-?\d*\.?\d+$/.test(trimmed)) return Number.NaN;
  const value = Number(trimmed);
  // Counts stay as typed, so 2.5 workers is refused rather than rounded.
  return scale === 1 ? value : Math.round(value * scale);
}

/** The bounds of a number field in its displayed unit, for "from 1 to 64". */
export function boundsOf(key: NumberKey): { min: string; max: string } {
  const { path, scale } = NUMBER_FIELDS[key];
  const schema = path.reduce<z.ZodType>(
    (node, part) => (node as unknown as { shape: Record<string, z.ZodType> }).shape[part]!,
    UserSettingsSchema,
  ) as z.ZodNumber;
  return {
    min: display(schema.minValue ?? 0, scale),
    max: display(schema.maxValue ?? Number.MAX_SAFE_INTEGER, scale),
  };
}

function fieldOfPath(path: readonly PropertyKey[]): FieldKey | undefined {
  const joined = path.join('.');
  if (joined === 'gatewayUrl' || joined === 'agentId' || joined === 'language') return joined;
  if (joined === 'responseCache.enabled') return 'cacheEnabled';
  if (joined === 'notifications.enabled') return 'notifications';
  if (joined === 'tools.enabled') return 'toolsEnabled';
  if (joined === 'tools.workspace') return 'toolsWorkspace';
  if (joined === 'tools.policies' || joined.startsWith('tools.policies.')) return 'toolPolicies';
  if (joined.startsWith('tools.network')) return 'toolNetwork';
  const budget = BUDGET_FIELDS[joined];
  if (budget) return budget;
  return NUMBER_KEYS.find((key) => NUMBER_FIELDS[key].path.join('.') === joined);
}

const BUDGET_FIELDS: Record<string, FieldKey> = {
  'sharedBudget.enabled': 'budgetEnabled',
  'sharedBudget.url': 'budgetUrl',
  'sharedBudget.name': 'budgetName',
  'sharedBudget.installName': 'budgetInstallName',
};

function errorFor(field: FieldKey, issue: z.core.$ZodIssue): FieldError {
  if (field === 'budgetUrl') {
    return { key: /needed/.test(issue.message) ? 'errors.budgetUrlNeeded' : 'errors.redisUrl' };
  }
  if (field === 'budgetName') return { key: 'errors.budgetName' };
  if (field === 'gatewayUrl') {
    return { key: issue.code === 'custom' ? 'errors.urlScheme' : 'errors.url' };
  }
  if (field === 'agentId') return { key: 'errors.agentId' };
  if (field === 'toolsWorkspace') return { key: 'errors.workspace' };
  if (field in NUMBER_FIELDS) {
    const key = field as NumberKey;
    const whole = NUMBER_FIELDS[key].scale === 1;
    return { key: whole ? 'errors.wholeRange' : 'errors.range', values: boundsOf(key) };
  }
  return { key: 'errors.invalid' };
}

export interface Checked {
  /** The settings the form describes; only when every field is valid. */
  settings?: UserSettings;
  errors: FieldErrors;
}

/**
 * The form read back into settings and checked with the shared schema. A field still showing
 * what it was loaded with keeps the stored value exactly (0.167 minutes is not 10 000 ms).
 */
export function readForm(values: FormValues, initial: UserSettings): Checked {
  const loaded = toForm(initial);
  const draft = structuredClone(initial) as unknown as Record<string, unknown>;
  for (const key of NUMBER_KEYS) {
    if (values[key] === loaded[key]) continue;
    const { path, scale } = NUMBER_FIELDS[key];
    set(draft, path, parseNumber(values[key], scale));
  }
  draft.gatewayUrl = values.gatewayUrl.trim();
  draft.agentId = values.agentId.trim();
  set(draft, ['responseCache', 'enabled'], values.cacheEnabled);
  set(draft, ['notifications', 'enabled'], values.notifications);
  draft.language = values.language;
  // A policy still showing what was loaded keeps the stored value (or its absence).
  const policies = { ...initial.tools.policies };
  for (const name of TOOL_NAMES) {
    if (values.toolPolicies[name] !== loaded.toolPolicies[name]) {
      policies[name] = values.toolPolicies[name];
    }
  }
  draft.tools = {
    enabled: values.toolsEnabled,
    workspace: values.toolsWorkspace.trim(),
    policies,
    network: { ...values.toolNetwork },
  };
  draft.sharedBudget = {
    enabled: values.budgetEnabled,
    url: values.budgetUrl.trim(),
    name: values.budgetName.trim(),
    installName: values.budgetInstallName.trim(),
  };

  const parsed = UserSettingsSchema.safeParse(draft);
  if (parsed.success) return { settings: parsed.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = fieldOfPath(issue.path);
    if (field && !errors[field]) errors[field] = errorFor(field, issue);
  }
  return { errors };
}

/** Only the top-level settings that differ (a nested group is sent whole, as the schema wants). */
export function changedFields(before: UserSettings, after: UserSettings): SettingsPatch {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof UserSettings)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) patch[key] = after[key];
  }
  return patch as SettingsPatch;
}

/**
 * The server names the field it refused ("settings.update: rateLimit.perWindow: …"): put the
 * message next to that field when we have it.
 */
export function fieldOfServerError(message: string): FieldKey | undefined {
  const match = /(?:^|:\s*)([A-Za-z_]+(?:\.[A-Za-z_]+)*):\s/.exec(
    message.replace(/^settings\.update:\s*/, ''),
  );
  if (!match?.[1]) return undefined;
  if (match[1] === 'token') return 'token';
  return fieldOfPath(match[1].split('.'));
}
