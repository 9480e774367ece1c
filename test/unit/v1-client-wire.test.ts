/**
 * streamChat against byte-exact answers the fake gateway does not produce: events split at
 * awkward places, OpenClaw's sparse chunks, non-stream answers, odd error bodies.
 */
import { createServer } from 'node:http';
import type { OutgoingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/shared/worker-protocol.ts';
import { UpstreamError, streamChat } from '../../src/worker/v1-client.ts';

const TOKEN = 'secret-token-abc123';
const SSE = { 'content-type': 'text/event-stream' };
let server: Server | undefined;

afterEach(async () => {
  const current = server;
  server = undefined;
  if (!current) return;
  current.closeAllConnections();
  await new Promise((resolve) => current.close(resolve));
});

/** Answers every request with `status`, `headers`, then each piece written separately. */
async function serve(status: number, headers: OutgoingHttpHeaders, pieces: (string | Buffer)[]) {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      res.writeHead(status, headers);
      res.flushHeaders();
      for (const piece of pieces) {
        res.write(piece);
        await sleep(5);
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function jobAt(url: string): Job {
  return {
    taskId: 't',
    attempt: 1,
    text: 'hi',
    sessionKey: 's',
    gateway: { url, token: TOKEN, agentId: 'main' },
    timeouts: { headersMs: 5_000, stallMs: 5_000, totalMs: 10_000 },
  };
}

async function run(url: string) {
  const deltas: string[] = [];
  const outcome = await streamChat(jobAt(url), { onDelta: (t) => deltas.push(t) });
  return { text: deltas.join(''), deltas, outcome };
}

async function fail(url: string): Promise<UpstreamError> {
  const error: unknown = await streamChat(jobAt(url), { onDelta: () => undefined }).then(
    () => expect.fail('expected a failure'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

const content = (text: string): string =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;

describe('streamChat on the wire', () => {
  it('reassembles events split across writes, with CRLF and comments', async () => {
    const stream = `: ping\r\n\r\n${content('Hel').replaceAll('\n', '\r\n')}${content('lo')}data: [DONE]\n\n`;
    const cuts = [3, 17, 40, 41, stream.length - 4];
    const pieces = cuts.map((end, i) => stream.slice(cuts[i - 1] ?? 0, end));
    pieces.push(stream.slice(cuts.at(-1)));
    const { deltas, outcome } = await run(await serve(200, SSE, pieces));
    expect(deltas).toEqual(['Hel', 'lo']);
    // OpenClaw sends neither usage nor a finish_reason chunk; that is still a success.
    expect(outcome).toEqual({ usage: null, finishReason: null });
  });

  it('decodes a multi-byte character split between two writes', async () => {
    const bytes = Buffer.from(`${content('你好')}data: [DONE]\n\n`);
    const cut = bytes.indexOf(Buffer.from('好')) + 1;
    const { text } = await run(
      await serve(200, SSE, [bytes.subarray(0, cut), bytes.subarray(cut)]),
    );
    expect(text).toBe('你好');
  });

  it('ignores whatever follows [DONE]', async () => {
    const { text } = await run(
      await serve(200, SSE, [content('ok'), 'data: [DONE]\n\n', 'data: junk{\n\n']),
    );
    expect(text).toBe('ok');
  });

  it('keeps a run whose usage is odd rather than failing it', async () => {
    const last = { choices: [{ delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 1.5 } };
    const pieces = [content('x'), `data: ${JSON.stringify(last)}\n\n`, 'data: [DONE]\n\n'];
    const { outcome } = await run(await serve(200, SSE, pieces));
    expect(outcome).toEqual({ usage: null, finishReason: 'stop' });
  });

  it('rejects a chunk of the wrong shape as a bad response', async () => {
    const error = await fail(await serve(200, SSE, ['data: {"choices":"nope"}\n\n']));
    expect(error).toMatchObject({ code: 'bad_response', retryable: false });
  });

  it('accepts a whole chat.completion from a gateway that ignored stream: true', async () => {
    const body = {
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    };
    const url = await serve(200, { 'content-type': 'application/json' }, [JSON.stringify(body)]);
    const { deltas, outcome } = await run(url);
    expect(deltas).toEqual(['whole']);
    expect(outcome).toEqual({
      finishReason: 'stop',
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
    });
  });

  it('reports a 200 page that is not an answer as a bad response', async () => {
    const url = await serve(200, { 'content-type': 'text/html' }, ['<html>login</html>']);
    const error = await fail(url);
    expect(error).toMatchObject({ code: 'bad_response', retryable: false });
    expect(error.message).toContain('text/html');
  });

  it('quotes a plain-text error body', async () => {
    const url = await serve(503, { 'content-type': 'text/plain' }, ['gateway is restarting']);
    const error = await fail(url);
    // OpenClaw answers 503 while it stops or starts: an outage to wait out, not a failure.
    expect(error).toMatchObject({
      code: 'gateway_unreachable',
      retryable: true,
      status: 503,
      outage: true,
    });
    expect(error.message).toContain('gateway is restarting');
  });

  it('reads an HTTP-date Retry-After', async () => {
    const date = new Date(Date.now() + 30_000).toUTCString();
    const error = await fail(await serve(429, { 'retry-after': date }, ['{}']));
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('never repeats the token, even when the gateway echoes it', async () => {
    const body = JSON.stringify({ error: { message: `bad token ${TOKEN} given` } });
    const error = await fail(await serve(403, { 'content-type': 'application/json' }, [body]));
    expect(error.code).toBe('unauthorized');
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('[redacted]');
  });
});
