import type { UserSettings } from '../../shared/settings.ts';
import { SharedBudgetSettingsSchema } from '../../shared/settings.ts';
import { redisUrlProblem } from './budget-config.ts';
import type { CoreSettings } from './settings.ts';
import { DEFAULT_GATEWAY_URL, defaultSettings } from './settings.ts';

/** The environment variables both hosts read (README "Configuration"). */
export interface EnvSettings {
  CLAWDESK_GATEWAY_URL?: string;
  CLAWDESK_GATEWAY_TOKEN?: string;
  CLAWDESK_AGENT_ID?: string;
  CLAWDESK_WORKERS?: string;
  /** The provider's limits: starts per window, the window, calls at once. */
  CLAWDESK_RATE_PER_WINDOW?: string;
  CLAWDESK_RATE_WINDOW_MS?: string;
  CLAWDESK_MAX_CONCURRENT?: string;
  /** `on`: offer the agent ClawDesk's local tools (issue 6); CLAWDESK_WORKSPACE is their folder. */
  CLAWDESK_TOOLS?: string;
  CLAWDESK_WORKSPACE?: string;
  /**
   * Share the budget with other installs through this Redis (issue 15); may hold a password.
   * CLAWDESK_BUDGET_NAME and CLAWDESK_INSTALL_NAME go with it.
   */
  CLAWDESK_REDIS_URL?: string;
  CLAWDESK_BUDGET_NAME?: string;
  CLAWDESK_INSTALL_NAME?: string;
}

/**
 * Settings from the environment, with explicit values (command-line flags) taking precedence.
 * Throws a message naming the bad value; never echoes the token.
 */
export function settingsFromEnv(
  env: EnvSettings,
  explicit: { gatewayUrl?: string; agentId?: string } = {},
): CoreSettings {
  const url = explicit.gatewayUrl ?? env.CLAWDESK_GATEWAY_URL ?? DEFAULT_GATEWAY_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`gateway URL "${url}" is not a URL (expected e.g. ${DEFAULT_GATEWAY_URL})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`gateway URL "${url}" must start with http:// or https://`);
  }
  const agentId = explicit.agentId ?? env.CLAWDESK_AGENT_ID ?? 'main';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(agentId)) {
    throw new Error(`agent id "${agentId}" may only hold letters, digits, "_", "." and "-"`);
  }
  const defaults = defaultSettings();
  const workers = whole(env, 'CLAWDESK_WORKERS', defaults.workerCount, 1, 32);
  const rateLimit = {
    perWindow: whole(env, 'CLAWDESK_RATE_PER_WINDOW', defaults.rateLimit.perWindow, 1, 100_000),
    windowMs: whole(env, 'CLAWDESK_RATE_WINDOW_MS', defaults.rateLimit.windowMs, 100, 86_400_000),
    maxConcurrent: whole(env, 'CLAWDESK_MAX_CONCURRENT', defaults.rateLimit.maxConcurrent, 1, 64),
  };
  return {
    ...defaults,
    workerCount: workers,
    rateLimit,
    sharedBudget: sharedBudgetFromEnv(env) ?? defaults.sharedBudget,
    tools: {
      ...defaults.tools,
      enabled: env.CLAWDESK_TOOLS === 'on',
      workspace: env.CLAWDESK_WORKSPACE ?? '',
    },
    gateway: { url: baseUrlOf(parsed), token: env.CLAWDESK_GATEWAY_TOKEN ?? '', agentId },
  };
}

/** The shared budget from CLAWDESK_REDIS_URL and its companions; the URL is never echoed. */
function sharedBudgetFromEnv(env: EnvSettings): CoreSettings['sharedBudget'] | undefined {
  const url = env.CLAWDESK_REDIS_URL;
  if (!url) return undefined;
  const problem = redisUrlProblem(url);
  if (problem) throw new Error(`CLAWDESK_REDIS_URL ${problem}`);
  const parsed = SharedBudgetSettingsSchema.safeParse({
    enabled: true,
    url,
    name: env.CLAWDESK_BUDGET_NAME || 'default',
    installName: env.CLAWDESK_INSTALL_NAME ?? '',
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = issue?.path[0] === 'name' ? 'CLAWDESK_BUDGET_NAME' : 'CLAWDESK_INSTALL_NAME';
  throw new Error(`${name}: ${issue?.message ?? 'not valid'}`);
}

/** Users paste either the gateway root or its `/v1` address; the worker wants the root. */
function baseUrlOf(url: URL): string {
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return url.origin + path;
}

function whole(
  env: EnvSettings,
  name: keyof EnvSettings,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} "${raw}" must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * The settings the user gave at launch (flags, environment variables): they win over the
 * ones saved from the Settings page, for this run.
 */
export function pinnedFromEnv(
  env: EnvSettings,
  explicit: { gatewayUrl?: string; agentId?: string },
  settings: CoreSettings,
): Partial<UserSettings> {
  const pinned: Partial<UserSettings> = {};
  if (explicit.gatewayUrl ?? env.CLAWDESK_GATEWAY_URL) pinned.gatewayUrl = settings.gateway.url;
  if (explicit.agentId ?? env.CLAWDESK_AGENT_ID) pinned.agentId = settings.gateway.agentId;
  if (env.CLAWDESK_WORKERS) pinned.workerCount = settings.workerCount;
  if (env.CLAWDESK_TOOLS || env.CLAWDESK_WORKSPACE) {
    const { enabled, workspace, policies, network } = settings.tools;
    pinned.tools = { enabled, workspace, policies, network };
  }
  if (env.CLAWDESK_RATE_PER_WINDOW || env.CLAWDESK_RATE_WINDOW_MS || env.CLAWDESK_MAX_CONCURRENT) {
    pinned.rateLimit = { ...settings.rateLimit };
  }
  if (env.CLAWDESK_REDIS_URL) pinned.sharedBudget = { ...settings.sharedBudget };
  return pinned;
}

/** Variables that hold a secret: read once at start, then gone from the process environment. */
const SECRET_VARIABLES = [
  'CLAWDESK_GATEWAY_TOKEN',
  'CLAWDESK_UI_TOKEN',
  'CLAWDESK_REDIS_URL',
] as const;

/**
 * A copy of the environment to read the settings from, and the live one without its secrets:
 * every process started later (workers, the agent's tools, anything a library forks) inherits
 * the live environment, so the tokens must not stay in it. Call it before anything is started.
 */
export function takeEnvironment(
  live: NodeJS.ProcessEnv = process.env,
): EnvSettings & { CLAWDESK_UI_TOKEN?: string } & NodeJS.ProcessEnv {
  const copy = { ...live };
  for (const name of SECRET_VARIABLES) delete live[name];
  return copy;
}
