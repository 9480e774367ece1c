import { spawnSync } from 'node:child_process';

/**
 * Whether bubblewrap can sandbox here, asked the way ClawDesk's own start-up check does (installed,
 * and a trial run with new namespaces succeeds). Tests that prove the sandbox run for real where
 * it can; elsewhere they are skipped with one line saying why, except under CI, where a missing
 * bubblewrap is a failure (.ci/run installs it).
 */
function whyNoBwrap(): string | undefined {
  if (process.platform !== 'linux') return `bubblewrap is Linux-only (this is ${process.platform})`;
  const version = spawnSync('bwrap', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return 'bwrap is not installed (Debian: bubblewrap)';
  const trial = spawnSync(
    'bwrap',
    ['--unshare-all', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', 'true'],
    { encoding: 'utf8' },
  );
  if (trial.status !== 0) return `bwrap cannot create namespaces here: ${trial.stderr.trim()}`;
  return undefined;
}

export const NO_BWRAP = whyNoBwrap();

/** True when the sandbox tests should be skipped; says why, once, on stderr. */
export function skipWithoutBwrap(suite: string): boolean {
  if (NO_BWRAP === undefined || process.env.CI) return false;
  process.stderr.write(`skipped ${suite}: ${NO_BWRAP}\n`);
  return true;
}
