/** Names of the variables global setup hands to the tests. */
export const E2E_ENV = {
  appUrl: 'CLAWDESK_E2E_URL',
  gatewayUrl: 'CLAWDESK_E2E_GATEWAY_URL',
  gatewayToken: 'CLAWDESK_E2E_GATEWAY_TOKEN',
  /** Where servers and pages record what the leak scan reads (unset outside an e2e run). */
  leakScan: 'CLAWDESK_E2E_LEAK_SCAN_DIR',
} as const;

export function fromEnv(name: (typeof E2E_ENV)[keyof typeof E2E_ENV]): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run through playwright.config.ts (global setup)`);
  return value;
}

const FILLER_WORDS = 60;

/** How the shared fake gateway streams: every reply ends with this many numbered words. */
export const STREAM = {
  firstChunkDelayMs: 200,
  chunkDelayMs: 60,
  filler: Array.from({ length: FILLER_WORDS }, (_, i) => `word${i + 1}`).join(' '),
  lastWord: `word${FILLER_WORDS}`,
};
