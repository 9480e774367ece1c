import { describe, expect, it, vi } from 'vitest';
import { createPreloadApi, OPEN_TASK_CHANNEL } from '../../src/preload/api.ts';

/** The preload's side of "open this task": main sends a bare task id on OPEN_TASK_CHANNEL. */
function setup() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const ipc = {
    invoke: vi.fn(),
    on: vi.fn((channel: string, handler: (event: unknown, ...args: unknown[]) => void) => {
      handlers.set(channel, handler);
      return ipc;
    }),
  };
  const api = createPreloadApi(ipc as never);
  const send = (taskId: unknown) => handlers.get(OPEN_TASK_CHANNEL)!({}, taskId);
  return { api, send };
}

describe('preload onOpenTask', () => {
  it('delivers task ids to subscribers until they unsubscribe', () => {
    const { api, send } = setup();
    const listener = vi.fn();
    const stop = api.onOpenTask(listener);
    send('t1');
    expect(listener).toHaveBeenCalledWith('t1');
    stop();
    send('t2');
    expect(listener).toHaveBeenCalledOnce();
  });

  it('keeps a request made before the page subscribed (still loading)', () => {
    const { api, send } = setup();
    send('early-1');
    send('early-2');
    const listener = vi.fn();
    api.onOpenTask(listener);
    expect(listener.mock.calls).toEqual([['early-2']]);
    api.onOpenTask(vi.fn());
    expect(listener).toHaveBeenCalledOnce();
  });

  it('ignores anything that is not a task id', () => {
    const { api, send } = setup();
    const listener = vi.fn();
    api.onOpenTask(listener);
    send({ id: 't1' });
    send('');
    send('x'.repeat(65));
    expect(listener).not.toHaveBeenCalled();
    expect(() => api.onOpenTask('nope' as never)).toThrow(TypeError);
  });
});
