/**
 * The config and environment of a test OpenClaw gateway, the same shape as the lead's peer
 * script (/work/shared/peer/openclaw-peer.sh, write_config and peer_env): the OpenAI-compatible
 * chat endpoint on, token auth, loopback only, the fake provider as the agent's only model, and
 * everything that would reach out or run by itself off (heartbeat, mDNS, update check, cron,
 * model catalog refresh). Every file it writes stays under one root folder.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GatewayFolders {
  root: string;
  home: string;
  tmp: string;
  state: string;
  logs: string;
  config: string;
}

export interface GatewayConfigInput {
  port: number;
  token: string;
  /** The fake provider's OpenAI base URL (`http://127.0.0.1:<port>/v1`). */
  providerUrl: string;
  providerApiKey?: string;
  /** OpenClaw `tools.profile`; the peer's default is `minimal`. */
  toolsProfile?: string;
  /** Deep-merged over the generated config (tests that need one more setting). */
  extra?: Record<string, unknown>;
}

export function gatewayFolders(root: string): GatewayFolders {
  const folders = {
    root,
    home: join(root, 'home'),
    tmp: join(root, 'tmp'),
    state: join(root, 'state'),
    logs: join(root, 'logs'),
    config: join(root, 'state/openclaw.json'),
  };
  for (const dir of [folders.home, folders.tmp, folders.state, folders.logs]) {
    mkdirSync(dir, { recursive: true });
  }
  return folders;
}

const FAKE_MODEL = {
  id: 'fake-model',
  name: 'Fake Model',
  reasoning: false,
  input: ['text'],
  cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  contextWindow: 128000,
  maxTokens: 4096,
};

export function gatewayConfig(input: GatewayConfigInput, folders: GatewayFolders): object {
  const config = {
    gateway: {
      mode: 'local',
      port: input.port,
      bind: 'loopback',
      auth: { mode: 'token', token: input.token },
      http: { endpoints: { chatCompletions: { enabled: true } } },
      controlUi: { enabled: false },
    },
    discovery: { mdns: { mode: 'off' } },
    update: { checkOnStart: false },
    cron: { enabled: false },
    logging: { file: join(folders.logs, 'openclaw.log') },
    tools: { profile: input.toolsProfile ?? 'minimal' },
    models: {
      mode: 'replace',
      catalogRefresh: { enabled: false },
      providers: {
        fake: {
          baseUrl: input.providerUrl,
          apiKey: input.providerApiKey ?? 'fake-key',
          api: 'openai-completions',
          models: [FAKE_MODEL],
        },
      },
    },
    agents: {
      defaults: {
        model: { primary: 'fake/fake-model' },
        workspace: join(folders.state, 'workspace'),
        heartbeat: { every: '0m' },
      },
    },
  };
  return input.extra ? deepMerge(config, input.extra) : config;
}

export function writeGatewayConfig(input: GatewayConfigInput, folders: GatewayFolders): void {
  writeFileSync(folders.config, `${JSON.stringify(gatewayConfig(input, folders), null, 2)}\n`);
  chmodSync(folders.config, 0o600);
}

/**
 * The gateway's environment: HOME, TMPDIR and OpenClaw's own state all inside the root folder,
 * nothing that phones home (unless `channels`: then the configured channels try to connect),
 * and no inherited OPENCLAW_* that would change the port or token.
 */
export function gatewayEnv(folders: GatewayFolders, channels = false): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('OPENCLAW_') && !key.startsWith('CLAWDESK_')) env[key] = value;
  }
  // Under Vitest's variables (VITEST*, NODE_ENV=test) OpenClaw leaves its channels alone (seen:
  // a Telegram channel that cannot connect never failed readiness); a gateway meant to run its
  // channels does not get them.
  if (channels) for (const key of Object.keys(env)) if (/^VITEST/.test(key)) delete env[key];
  if (channels && env.NODE_ENV === 'test') delete env.NODE_ENV;
  return {
    ...env,
    HOME: folders.home,
    OPENCLAW_HOME: folders.home,
    TMPDIR: folders.tmp,
    OPENCLAW_STATE_DIR: folders.state,
    OPENCLAW_CONFIG_PATH: folders.config,
    OPENCLAW_DISABLE_BONJOUR: '1',
    OPENCLAW_NO_AUTO_UPDATE: '1',
    OPENCLAW_OFFLINE: '1',
    ...(channels ? {} : { OPENCLAW_SKIP_CHANNELS: '1' }),
  };
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const prior = out[key];
    const bothObjects =
      prior &&
      value &&
      typeof prior === 'object' &&
      typeof value === 'object' &&
      !Array.isArray(value);
    out[key] = bothObjects
      ? deepMerge(prior as Record<string, unknown>, value as Record<string, unknown>)
      : value;
  }
  return out;
}
