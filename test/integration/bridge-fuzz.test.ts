import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { BridgeRequestSchema } from '../../src/shared/bridge-protocol.ts';
import type { BridgeServerMessage } from '../../src/shared/bridge-protocol.ts';
import type { ApiMethod } from '../../src/shared/ipc-contract.ts';
import { apiContract } from '../../src/shared/ipc-contract.ts';
import type { TaskView } from '../../src/shared/task.ts';
import { snapshotDatabase } from '../helpers/db-snapshot.ts';
import { startFakeGateway, type FakeGateway } from '../helpers/fake-gateway.ts';
import { startServerProcess, type ServerProcess } from '../helpers/headless-process.ts';
import { openRawBridge, resultOf, type RawBridge } from '../helpers/raw-bridge.ts';
import {
  hostileValue,
  mutants,
  onTheWire,
  PROTOTYPE_KEYS,
  type FuzzHints,
} from '../helpers/schema-fuzz.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 7: every method of the IPC contract, fuzzed through a real headless server's
 * WebSocket bridge with payloads its schema refuses. Each must come back as a named
 * validation error, the server must keep answering, and nothing may be written (every row of
 * every table, and the token file, compared before and after each payload).
 */

const SEED = 7_2024;
const RUNS_PER_METHOD = 40;
const RUNS_PER_ENVELOPE_KIND = 60;

let dir: ReturnType<typeof tempDir>;
let gateway: FakeGateway;
let server: ServerProcess;
let bridge: RawBridge;
let hints: FuzzHints;
let dataDir: string;

/** What must not change: the database's rows and the one file a token may be written to. */
function persisted(): unknown {
  const tokenFile = join(dataDir, 'gateway-token');
  const token = existsSync(tokenFile) ? readFileSync(tokenFile) : null;
  return {
    db: snapshotDatabase(join(dataDir, 'clawdesk.sqlite')),
    tokenFile: token && createHash('sha256').update(token).digest('hex'),
  };
}

/** Sends one payload and checks the server's side of the deal around it. */
async function refusedWithoutEffect(
  send: () => Promise<BridgeServerMessage>,
): Promise<{ id: number | null; code: string; message: string }> {
  const before = persisted();
  const reply = await send();
  if (reply.kind !== 'error') throw new Error(`accepted: ${JSON.stringify(reply)}`);
  // Still serving: a valid request right after is answered.
  expect(Array.isArray(resultOf(await bridge.call('conversations.list', {})))).toBe(true);
  expect(persisted()).toEqual(before);
  return { id: reply.id, ...reply.error };
}

/** The words the server must use for each issue: where (the field's path) and what. */
function named(issue: z.core.$ZodIssue, root: string): string {
  return `${issue.path.length ? issue.path.join('.') : root}: ${issue.message}`;
}

beforeAll(async () => {
  dir = tempDir('clawdesk-fuzz-');
  dataDir = join(dir.path, 'data');
  gateway = await startFakeGateway();
  server = await startServerProcess({
    dataDir,
    gatewayUrl: gateway.url,
    gatewayToken: gateway.token,
    workers: 1,
  });
  bridge = await openRawBridge(server.url);
  // Real rows and ids before the first snapshot: a lax check would have something to change.
  const sent = resultOf(await bridge.call('chat.send', { text: 'fuzz setup' })) as {
    conversation: { id: string };
    task: TaskView;
  };
  resultOf(await bridge.call('settings.update', { language: 'en' }));
  await bridge.waitForEvent(
    (e) => e.type === 'task' && e.task.id === sent.task.id && e.task.state === 'succeeded',
    'setup task succeeded',
  );
  hints = {
    known: {
      taskId: [sent.task.id],
      taskIds: [sent.task.id],
      conversationId: [sent.conversation.id],
      before: [sent.task.id],
    },
  };
});

afterAll(async () => {
  bridge?.close();
  await server?.stop();
  await gateway?.close();
  dir?.cleanup();
});

describe('every contract method refuses invalid params through the bridge', () => {
  // Iterating the contract itself: a method added later is fuzzed without a new line here.
  for (const method of Object.keys(apiContract) as ApiMethod[]) {
    it(`${method}: refused by name, server up, nothing written`, async () => {
      const schema = apiContract[method].params;
      await fc.assert(
        fc.asyncProperty(mutants(schema, hints), async ({ params }) => {
          // The dispatcher reads absent params as {}; the schema is the oracle of the rest.
          const verdict = schema.safeParse(onTheWire(params) ?? {});
          fc.pre(!verdict.success);
          const error = await refusedWithoutEffect(() => bridge.call(method, params));
          expect(error.code).toBe('invalid_params');
          expect(error.message.startsWith(`${method}: `)).toBe(true);
          for (const issue of verdict.error!.issues) {
            expect(error.message).toContain(named(issue, 'params'));
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_METHOD },
      );
    });
  }
});

const knownMethods = Object.keys(apiContract);

describe('frames that are not a request are refused by name', () => {
  it('non-JSON text and binary frames', async () => {
    const notJson = fc.oneof(
      fc.string({ maxLength: 200 }).filter((text) => !parses(text)),
      fc.constantFrom('', '{', '{"id":1,', 'undefined', "{'id':1}", '[1,]', 'NaN', '\u0000'),
    );
    const binary = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
      // A well-formed request is still refused in a binary frame: the bridge speaks text.
      fc.constant(Buffer.from(JSON.stringify({ id: 1, method: 'settings.get', params: {} }))),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(notJson, binary), async (frame) => {
        const error = await refusedWithoutEffect(() => bridge.request(frame));
        expect(error).toEqual({
          id: null,
          code: 'invalid_params',
          message: 'request is not a JSON text frame',
        });
      }),
      { seed: SEED, numRuns: RUNS_PER_ENVELOPE_KIND },
    );
  });

  it('envelopes of the wrong shape: bad or missing id and method, extra keys, not an object', async () => {
    await fc.assert(
      fc.asyncProperty(mutants(BridgeRequestSchema), async ({ params: envelope }) => {
        const wire = onTheWire(envelope);
        const verdict = BridgeRequestSchema.safeParse(wire);
        fc.pre(!verdict.success);
        const error = await refusedWithoutEffect(() => bridge.request(JSON.stringify(envelope)));
        expect(error.code).toBe('invalid_params');
        expect(error.message.startsWith('request must be {id, method, params}: ')).toBe(true);
        for (const issue of verdict.error!.issues) {
          expect(error.message).toContain(named(issue, 'request'));
        }
        // The reply is matched to the request when, and only when, its id was a valid one.
        const id = BridgeRequestSchema.shape.id.safeParse((wire as { id?: unknown } | null)?.id);
        expect(error.id).toBe(id.success ? id.data : null);
      }),
      { seed: SEED, numRuns: RUNS_PER_ENVELOPE_KIND },
    );
  });

  it('unknown methods, prototype names included', async () => {
    const method = fc
      .oneof(
        fc.string({ maxLength: 100 }),
        fc.constantFrom(...PROTOTYPE_KEYS, 'hasOwnProperty', 'CHAT.SEND', 'chat.send ', 'tasks'),
        fc.constantFrom(...knownMethods).map((m) => `${m}\u0000`),
      )
      .filter((m) => !Object.hasOwn(apiContract, m));
    await fc.assert(
      fc.asyncProperty(fc.nat(), method, hostileValue, async (id, name, params) => {
        const frame = JSON.stringify({ id, method: name, params });
        const error = await refusedWithoutEffect(() => bridge.request(frame));
        expect(error).toEqual({ id, code: 'unknown_method', message: `unknown method "${name}"` });
      }),
      { seed: SEED, numRuns: RUNS_PER_ENVELOPE_KIND },
    );
  });

  it('oversized and deeply nested frames', async () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    const manyKeys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    const frames = [
      `{"id":1,"method":"chat.send","params":{"text":${deep}}}`,
      `{"id":2,"method":"settings.update","params":${deep}}`,
      JSON.stringify({ id: 3, method: 'tasks.list', params: manyKeys }),
      JSON.stringify({ id: 4, method: 'x'.repeat(1_000_000), params: {} }),
      JSON.stringify({
        id: 5,
        method: 'queue.positions',
        params: { taskIds: Array(501).fill('t') },
      }),
    ];
    const expected = [
      'chat.send: text: ',
      'settings.update: params: ',
      'tasks.list: params: Unrecognized keys: "k0"',
      'request must be {id, method, params}: method: ',
      'queue.positions: taskIds: ',
    ];
    for (const [i, frame] of frames.entries()) {
      const error = await refusedWithoutEffect(() => bridge.request(frame));
      expect(error).toMatchObject({ id: i + 1, code: 'invalid_params' });
      expect(error.message).toContain(expected[i]);
    }
  });

  it('the server stayed up and logged no internal failure', () => {
    expect(bridge.isOpen).toBe(true);
    expect(() => process.kill(server.pid, 0)).not.toThrow();
    // A dispatcher crash is logged as "<method> failed: <stack>"; refusals are not logged.
    expect(server.log.filter((line) => / failed: /.test(line))).toEqual([]);
  });
});

describe('prototype keys inside settings', () => {
  it('are refused by name at any depth, and nothing is stored', async () => {
    // JSON.parse makes "__proto__" an own key, as an attacker's frame would.
    const frame =
      '{"id":900,"method":"settings.update","params":{' +
      '"rateLimit":{"perWindow":7,"windowMs":60000,"maxConcurrent":2,"__proto__":{"polluted":1}},' +
      '"tools":{"enabled":false,"workspace":"","policies":{"constructor":"deny"}}}}';
    const error = await refusedWithoutEffect(() => bridge.request(frame));
    expect(error.code).toBe('invalid_params');
    expect(error.message).toContain('rateLimit: Unrecognized key: "__proto__"');
    expect(error.message).toContain('tools.policies.constructor: Invalid key in record');
  });

  it('drops a "__proto__" tool name (zod never copies it), storing no trace of it', async () => {
    const frame =
      '{"id":901,"method":"settings.update","params":' +
      '{"tools":{"enabled":false,"workspace":"","policies":{"__proto__":{"polluted":1}}}}}';
    const view = resultOf(await bridge.request(frame)) as { tools: { policies: object } };
    expect(Object.keys(view.tools.policies)).toEqual([]);
    const rows = snapshotDatabase(join(dataDir, 'clawdesk.sqlite')).settings!;
    expect(rows.join('\n')).not.toMatch(/__proto__|polluted/);
    const again = resultOf(await bridge.call('settings.get', {}));
    expect(JSON.stringify(again)).not.toContain('polluted');
  });
});

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
