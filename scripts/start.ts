/**
 * `npm start`: the desktop app (`electron-vite preview`: build, then launch Electron), once
 * Electron's program is known to be there. Without it, one paragraph says what is missing,
 * what works now and how to get it, and the exit code is 1: no stack trace.
 * Arguments after `npm start --` go to electron-vite.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findElectronBinary, missingElectronMessage } from './electron-binary.ts';

const binary = findElectronBinary();
if (!binary.present) {
  console.error(missingElectronMessage(binary));
  process.exit(1);
}

// electron-vite's own entry, run by this Node: no shell, the same on every system.
const require = createRequire(import.meta.url);
const electronVite = join(
  dirname(require.resolve('electron-vite/package.json')),
  'bin',
  'electron-vite.js',
);
const child = spawn(process.execPath, [electronVite, 'preview', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// Ctrl+C reaches the child through the terminal; a signal sent to this process alone is passed on.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
