import type { CoreSettings } from './settings.ts';
import { DEFAULT_GATEWAY_URL, defaultSettings } from './settings.ts';

/** The environment variables both hosts read (README "Configuration"). */
export interface EnvSettings {
  CLAWDESK_GATEWAY_URL?: string;
  CLAWDESK_GATEWAY_TOKEN?: string;
  CLAWDESK_AGENT_ID?: string;
  CLAWDESK_WORKERS?: string;
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
  const workers =
    env.CLAWDESK_WORKERS === undefined ? defaults.workerCount : Number(env.CLAWDESK_WORKERS);
  if (!Number.isInteger(workers) || workers < 1 || workers > 32) {
    throw new Error(
      `CLAWDESK_WORKERS "${env.CLAWDESK_WORKERS}" must be a whole number from 1 to 32`,
    );
  }
  return {
    ...defaults,
    workerCount: workers,
    gateway: { url: baseUrlOf(parsed), token: env.CLAWDESK_GATEWAY_TOKEN ?? '', agentId },
  };
}

/** Users paste either the gateway root or its `/v1` address; the worker wants the root. */
function baseUrlOf(url: URL): string {
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return url.origin + path;
}
