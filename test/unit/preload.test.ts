import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClawDeskApi, TaskEvent } from '../../src/shared/ipc-contract.ts';
import { EVENT_PORT_CHANNEL } from '../../src/shared/ipc-contract.ts';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(),
  on: vi.fn(),
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api),
  },
  ipcRenderer: { invoke: electron.invoke, on: electron.on },
}));

await import('../../src/preload/index.ts');
const api = electron.exposed.get('clawdesk') as ClawDeskApi;
// Registered once, when the preload ran.
const portHandler = electron.on.mock.calls.find(([channel]) => channel === EVENT_PORT_CHANNEL)?.[1];

interface FakePort {
  onmessage: ((event: { data: unknown }) => void) | null;
  close: ReturnType<typeof vi.fn>;
}
function receivePort(): FakePort {
  const port: FakePort = { onmessage: null, close: vi.fn() };
  portHandler({ ports: [port] });
  return port;
}

const delta: TaskEvent = {
  type: 'delta',
  taskId: 't1',
  conversationId: 'c1',
  offset: 0,
  text: 'hi',
};

beforeEach(() => {
  electron.invoke.mockReset();
});

describe('preload exposure', () => {
  it('exposes only invoke, onEvent and onOpenTask, as window.clawdesk', () => {
    expect([...electron.exposed.keys()]).toEqual(['clawdesk']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvent', 'onOpenTask']);
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
  });
});

describe('invoke', () => {
  it('calls the method channel and resolves with the result', async () => {
    electron.invoke.mockResolvedValue({ ok: true, result: [] });
    await expect(api.invoke('conversations.list', {})).resolves.toEqual([]);
    expect(electron.invoke).toHaveBeenCalledWith('clawdesk:conversations.list', {});
  });

  it.each(['shell.exec', '__proto__', 'toString', 42])(
    'refuses %s without any IPC',
    async (method) => {
      const call = (api.invoke as (m: unknown, p: unknown) => Promise<unknown>)(method, {});
      await expect(call).rejects.toEqual(expect.objectContaining({ code: 'unknown_method' }));
      expect(electron.invoke).not.toHaveBeenCalled();
    },
  );

  it('rejects with plain ApiCallError data that survives contextBridge', async () => {
    const error = { code: 'not_found', message: 'conversation c9 does not exist' };
    electron.invoke.mockResolvedValue({ ok: false, error });
    const rejection = await api.invoke('chat.history', { conversationId: 'c9' }).catch((e) => e);
    expect(rejection).toEqual({ name: 'ApiCallError', ...error });
    // Not an Error: contextBridge would strip everything but the message from one.
    expect(rejection).not.toBeInstanceOf(Error);
    expect(structuredClone(rejection)).toEqual(rejection);
  });

  it('turns a failed or malformed IPC answer into an internal error', async () => {
    electron.invoke.mockRejectedValueOnce(new Error("No handler registered for 'x'"));
    await expect(api.invoke('conversations.list', {})).rejects.toMatchObject({
      code: 'internal',
    });
    for (const answer of [undefined, 'ok', { ok: false, error: { code: 'nope' } }]) {
      electron.invoke.mockResolvedValueOnce(answer);
      await expect(api.invoke('conversations.list', {})).rejects.toMatchObject({
        code: 'internal',
      });
    }
  });
});

describe('onEvent', () => {
  it('forwards each parsed event of a port batch and stops after unsubscribe', () => {
    const port = receivePort();
    const seen: TaskEvent[] = [];
    const unsubscribe = api.onEvent((event) => seen.push(event));
    const second = { ...delta, offset: 2, text: '!' };
    port.onmessage?.({ data: [delta, second] });
    expect(seen).toEqual([delta, second]);
    unsubscribe();
    port.onmessage?.({ data: [delta] });
    expect(seen).toHaveLength(2);
  });

  it('drops malformed events and non-batch messages, keeping the valid ones', () => {
    const port = receivePort();
    const seen: TaskEvent[] = [];
    const unsubscribe = api.onEvent((event) => seen.push(event));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    port.onmessage?.({ data: delta });
    port.onmessage?.({ data: [{ type: 'delta', taskId: 't1' }, delta, { type: 'evil' }] });
    expect(seen).toEqual([delta]);
    warn.mockRestore();
    unsubscribe();
  });

  it('keeps delivering to others when one listener throws', () => {
    const port = receivePort();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: TaskEvent[] = [];
    const offBad = api.onEvent(() => {
      throw new Error('listener bug');
    });
    const offGood = api.onEvent((event) => seen.push(event));
    port.onmessage?.({ data: [delta] });
    expect(seen).toEqual([delta]);
    offBad();
    offGood();
    error.mockRestore();
  });

  it('switches to the new port when main sends one, closing the old', () => {
    const first = receivePort();
    const second = receivePort();
    expect(first.close).toHaveBeenCalled();
    const seen: TaskEvent[] = [];
    const unsubscribe = api.onEvent((event) => seen.push(event));
    second.onmessage?.({ data: [delta] });
    expect(seen).toEqual([delta]);
    unsubscribe();
  });
});
