import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClawDeskCore } from '../../src/main/core/core.ts';
import { createCore } from '../../src/main/core/core.ts';
import { defaultSettings } from '../../src/main/core/settings.ts';
import { API_METHODS, ipcChannel } from '../../src/shared/ipc-contract.ts';
import { scriptedSpawner } from '../helpers/scripted-worker.ts';
import { tempDir } from '../helpers/temp-dir.ts';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;
const handlers = vi.hoisted(() => new Map<string, Handler>());

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { createSenderCheck, registerIpcHandlers } = await import('../../src/main/electron/ipc.ts');

const OWN_URL = 'app://clawdesk/index.html';
const ourContents = { id: 1 } as unknown as WebContents;
const otherContents = { id: 2 } as unknown as WebContents;

function invokeEvent(
  options: { url?: string; subframe?: boolean; sender?: WebContents; noFrame?: boolean } = {},
): IpcMainInvokeEvent {
  const frame = { url: options.url ?? OWN_URL, parent: options.subframe ? {} : null };
  return {
    sender: options.sender ?? ourContents,
    senderFrame: options.noFrame ? null : frame,
  } as unknown as IpcMainInvokeEvent;
}

function call(method: string, params: unknown, event = invokeEvent()): Promise<unknown> {
  const handler = handlers.get(`clawdesk:${method}`);
  if (!handler) throw new Error(`no handler for ${method}`);
  return Promise.resolve(handler(event, params));
}

const isAllowedSender = createSenderCheck(
  (contents) => contents === ourContents,
  (url) => url.split('#')[0] === OWN_URL,
);

describe('IPC handlers with a real core', () => {
  let dir: ReturnType<typeof tempDir>;
  let core: ClawDeskCore;
  let dispatch: ReturnType<typeof vi.spyOn>;
  let dispose: () => void;

  beforeEach(() => {
    dir = tempDir();
    core = createCore({
      dbPath: `${dir.path}/db.sqlite`,
      settings: defaultSettings({ workerCount: 1 }),
      spawnWorker: scriptedSpawner().spawn,
      log: () => {},
    });
    dispatch = vi.spyOn(core, 'dispatch');
    dispose = registerIpcHandlers({ core, isAllowedSender, log: () => {} });
  });

  afterEach(async () => {
    dispose();
    await core.close();
    dir.cleanup();
  });

  it('registers one handler per contract method and removes them again', () => {
    expect([...handlers.keys()].sort()).toEqual(API_METHODS.map(ipcChannel).sort());
    dispose();
    expect(handlers.size).toBe(0);
    dispose = () => {};
  });

  it('runs a valid call from our page and returns the outcome', async () => {
    const sent = (await call('chat.send', { text: 'hello' })) as {
      ok: true;
      result: { conversation: { id: string }; task: { prompt: string } };
    };
    expect(sent.ok).toBe(true);
    expect(sent.result.task.prompt).toBe('hello');
    expect(dispatch).toHaveBeenCalledWith('chat.send', { text: 'hello' });

    const history = await call('chat.history', { conversationId: sent.result.conversation.id });
    expect(history).toMatchObject({ ok: true, result: [{ prompt: 'hello' }] });
    // What crosses IPC must survive structured clone unchanged.
    expect(structuredClone(history)).toEqual(history);
  });

  it('answers invalid params with invalid_params and stores nothing', async () => {
    for (const params of [{ text: '   ' }, { text: 'hi', extra: 1 }, 'hi', null, [1]]) {
      expect(await call('chat.send', params)).toMatchObject({
        ok: false,
        error: { code: 'invalid_params' },
      });
    }
    expect(await call('conversations.list', {})).toEqual({ ok: true, result: [] });
  });

  it.each([
    ['a foreign origin', invokeEvent({ url: 'https://evil.example/' })],
    ['another file page', invokeEvent({ url: 'file:///tmp/evil.html' })],
    ['a subframe of our page', invokeEvent({ subframe: true })],
    ['a frame that navigated away', invokeEvent({ noFrame: true })],
    ['a WebContents that is not our window', invokeEvent({ sender: otherContents })],
  ])('refuses %s without running the command', async (_what, event) => {
    const outcome = await call('chat.send', { text: 'sneaky' }, event);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(dispatch).not.toHaveBeenCalled();
    expect(await call('conversations.list', {})).toEqual({ ok: true, result: [] });
  });
});

describe('IPC handlers when the core misbehaves', () => {
  it('still answers an outcome if dispatch throws', async () => {
    const core = { dispatch: vi.fn().mockRejectedValue(new Error('boom')) };
    const dispose = registerIpcHandlers({ core, isAllowedSender, log: () => {} });
    try {
      expect(await call('conversations.list', {})).toMatchObject({
        ok: false,
        error: { code: 'internal' },
      });
    } finally {
      dispose();
    }
  });
});
