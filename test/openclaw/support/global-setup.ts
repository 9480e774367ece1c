import { ensureOpenClaw } from './install.ts';

/** Installs OpenClaw once for the whole run, before any file starts a gateway. */
export default async function setup(): Promise<void> {
  const install = await ensureOpenClaw();
  const how = install.installSeconds
    ? `installed in ${install.installSeconds} s`
    : 'already installed';
  process.stdout.write(`openclaw ${install.version}: ${how} at ${install.prefix}\n`);
}
