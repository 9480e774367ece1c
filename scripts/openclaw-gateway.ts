/**
 * A real OpenClaw gateway in front of the fake model provider, for trying ClawDesk against it by
 * hand (`npm run openclaw:gateway`): the same harness `npm run test:openclaw` uses. Installs
 * OpenClaw into its cache on first use, prints the URL and token, and runs until Ctrl-C.
 *
 *   npm run openclaw:gateway -- --port 18790 --provider-port 18791 --limits
 *   CLAWDESK_GATEWAY_TOKEN=<printed token> npm run serve -- --gateway http://127.0.0.1:18790
 */
import { parseArgs } from 'node:util';
import { startFakeProvider } from '../test/openclaw/support/fake-provider.ts';
import { startOpenClaw } from '../test/openclaw/support/openclaw-gateway.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'provider-port': { type: 'string' },
    token: { type: 'string' },
    'tools-profile': { type: 'string' },
    /** NVIDIA's free tier: 5 calls at once, 40 a minute. */
    limits: { type: 'boolean', default: false },
  },
});

const number = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value);

const provider = await startFakeProvider({
  port: number(values['provider-port']),
  ...(values.limits ? { maxConcurrent: 5, maxPerMinute: 40 } : {}),
});
const gateway = await startOpenClaw({
  provider,
  port: number(values.port),
  token: values.token,
  toolsProfile: values['tools-profile'],
});
process.stdout.write(
  [
    `OpenClaw ${gateway.version} ready in ${gateway.lastStartSeconds.toFixed(1)} s (pid ${gateway.pid()})`,
    `OPENCLAW_URL=${gateway.url}`,
    `OPENCLAW_TOKEN=${gateway.token}`,
    `FAKE_PROVIDER_URL=${provider.baseUrl}`,
    `state and logs: ${gateway.folders.root} (removed at exit; CLAWDESK_OPENCLAW_KEEP=1 keeps it)`,
    '',
  ].join('\n'),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void gateway.stop().then(() => provider.close().then(() => process.exit(0)));
  });
}
