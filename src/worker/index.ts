/**
 * Worker process entry: an Electron utilityProcess or a child_process.fork child. It runs one
 * upstream job at a time for main and reports progress and outcome; see worker-protocol.ts.
 */
import { createTransport } from './transport.ts';
import { streamChat } from './v1-client.ts';
import { createWorker } from './worker.ts';

/** A job that does not end after being aborted must not keep a dying worker alive. */
const SHUTDOWN_GRACE_MS = 2_000;
/** Main kills a worker whose heartbeats stop (hung) or whose memory grows past its limit. */
const HEARTBEAT_MS = 1_000;

const log = (line: string): void => {
  process.stderr.write(`[worker ${process.pid}] ${line}\n`);
};

const transport = createTransport();
let exiting = false;
async function exit(reason: string): Promise<void> {
  if (exiting) return;
  exiting = true;
  log(`exiting: ${reason}`);
  setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
  await worker.stop();
  await transport.drain();
  process.exit(0);
}

const worker = createWorker({
  send: (message) => transport.send(message),
  streamChat,
  log,
  onShutdown: () => void exit('shutdown requested'),
});

transport.onMessage((data) => worker.receive(data));
transport.onDisconnect(() => void exit('parent disconnected'));
transport.send({ type: 'ready', pid: process.pid });
const beat = (): void => transport.send({ type: 'heartbeat', rssBytes: process.memoryUsage.rss() });
setInterval(beat, HEARTBEAT_MS).unref();
