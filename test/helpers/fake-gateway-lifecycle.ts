/**
 * The fake gateway's listening socket through outages, as OpenClaw 2026.9.6 goes through them:
 * a crash drops every connection and refuses new ones; a graceful stop answers 503
 * `gateway_unavailable` to new work while running turns finish, then closes; a start listens
 * again on the same port (the real one refuses until it is ready; `startingMs` adds a 503 phase
 * before that, as issue 12 reported).
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionBook } from './fake-gateway-sessions.ts';

export interface RestartOptions {
  /** true: stopGracefully() (SIGTERM); false (default): crash() (kill -9). */
  graceful?: boolean;
  /** How long the port refuses connections. Default 1000 ms. */
  downMs?: number;
  /** After listening again, how long `/v1/*` answers 503 before it serves. Default 0. */
  startingMs?: number;
}

export type Phase = 'up' | 'draining' | 'down' | 'starting';

export class Listener {
  phase: Phase = 'down';
  port = 0;
  private closingController = new AbortController();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private readonly book: SessionBook;

  constructor(server: Server, book: SessionBook) {
    this.server = server;
    this.book = book;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Aborts when the gateway crashes or closes: pending sleeps of running answers end. */
  get closing(): AbortSignal {
    return this.closingController.signal;
  }

  async listen(port: number): Promise<void> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    this.phase = 'up';
  }

  async crash(): Promise<void> {
    if (this.phase === 'down') return;
    this.phase = 'down';
    this.book.crash();
    this.closingController.abort();
    const closed = once(this.server, 'close');
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async stopGracefully(inFlight: () => number, timeoutMs = 60_000): Promise<void> {
    if (this.phase === 'down') return;
    this.phase = 'draining';
    const deadline = Date.now() + timeoutMs;
    while (inFlight() > 0 && Date.now() < deadline) await sleep(20);
    await this.crash();
  }

  async start(startingMs = 0): Promise<void> {
    if (this.phase !== 'down') throw new Error('the fake gateway is not stopped');
    this.closingController = new AbortController();
    await this.listen(this.port);
    if (startingMs > 0) {
      this.phase = 'starting';
      await sleep(startingMs);
      this.phase = 'up';
    }
  }

  async restart(options: RestartOptions, inFlight: () => number): Promise<void> {
    if (options.graceful) await this.stopGracefully(inFlight);
    else await this.crash();
    await sleep(options.downMs ?? 1_000);
    await this.start(options.startingMs ?? 0);
  }

  async close(): Promise<void> {
    await this.crash();
  }
}
