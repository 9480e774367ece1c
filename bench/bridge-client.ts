/** A minimal client of the headless bridge, as the page's own would be: token, Origin, ids. */
import WebSocket from 'ws';
import type { BridgeServerMessage } from '../src/shared/bridge-protocol.ts';

export interface BridgeClient {
  call(method: string, params: unknown): Promise<unknown>;
  /** Ids of tasks the events last showed as running. */
  running: Set<string>;
  close(): void;
}

export async function connectBridge(pageUrl: string, token: string): Promise<BridgeClient> {
  const page = new URL(pageUrl);
  const ws = new WebSocket(`ws://${page.host}/bridge?token=${token}`, { origin: page.origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`bridge: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const running = new Set<string>();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as BridgeServerMessage;
    if (msg.kind === 'event') {
      if (msg.event.type === 'task') {
        if (msg.event.task.state === 'running') running.add(msg.event.task.id);
        else running.delete(msg.event.task.id);
      }
      return;
    }
    if (msg.id === null) return;
    const waiter = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.kind === 'result') waiter?.resolve(msg.result);
    else waiter?.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
  });
  let nextId = 1;
  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    running,
    close: () => ws.close(),
  };
}
