import { defineConfig } from 'vitest/config';

// `npm run test:openclaw`: the real OpenClaw gateway (installed on first use into a cache
// folder, see test/openclaw/support/install.ts) in front of a fake model provider. One gateway
// per file; files one after the other, because each gateway takes a core of this machine.
export default defineConfig({
  test: {
    include: ['test/openclaw/**/*.test.ts'],
    globalSetup: ['test/openclaw/support/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    // A cold gateway start is 15-45 s here, a provider 429 is retried by OpenClaw for minutes.
    testTimeout: 10 * 60_000,
    hookTimeout: 5 * 60_000,
    teardownTimeout: 60_000,
  },
});
