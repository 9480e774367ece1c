import { EventEmitter } from 'node:events';
import type { BrowserWindow } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';
import { EVENT_PORT_CHANNEL } from '../../src/shared/ipc-contract.ts';
import type { TaskView } from '../../src/shared/task.ts';

interface FakePort {
  name: string;
  postMessage: ReturnType<typeof vi.fn>;
  close: ReturnType<typeof vi.fn>;
}
const channels = vi.hoisted(() => [] as { port1: FakePort; port2: FakePort }[]);

vi.mock('electron', () => {
  const port = (name: string): FakePort => ({ name, postMessage: vi.fn(), close: vi.fn() });
  class MessageChannelMain {
    port1 = port(`port1#${channels.length}`);
    port2 = port(`port2#${channels.length}`);
    constructor() {
      channels.push(this);
    }
  }
  return { MessageChannelMain };
});

const { attachEventPort, FLUSH_INTERVAL_MS, MAX_PENDING_EVENTS } =
  await import('../../src/main/electron/event-port.ts');
const { createEventBatch } = await import('../../src/main/electron/event-batch.ts');

const delta = (taskId: string, offset: number, text: string): TaskEvent => ({
  type: 'delta',
  taskId,
  conversationId: 'c1',
  offset,
  text,
});
const view = (id: string, state: TaskView['state'], output = ''): TaskEvent => ({
  type: 'task',
  task: {
    id,
    conversationId: 'c1',
    lane: 'interactive',
    state,
    prompt: 'p',
    output,
    error: null,
    attempts: 1,
    maxAttempts: 3,
    createdAt: 1,
    updatedAt: 2,
    finishedAt: null,
  },
});

function fakeCore() {
  const listeners = new Set<(event: TaskEvent) => void>();
  return {
    listeners,
    onEvent(listener: (event: TaskEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event: TaskEvent) => listeners.forEach((l) => l(event)),
  };
}

function fakeWindow() {
  const webContents = Object.assign(new EventEmitter(), { postMessage: vi.fn() });
  const window = Object.assign(new EventEmitter(), { webContents });
  return { window, webContents, asElectron: window as unknown as BrowserWindow };
}

const navigation = { isMainFrame: true, isSameDocument: false };

describe('event port', () => {
  let core: ReturnType<typeof fakeCore>;
  let win: ReturnType<typeof fakeWindow>;

  beforeEach(() => {
    vi.useFakeTimers();
    channels.length = 0;
    core = fakeCore();
    win = fakeWindow();
    attachEventPort(win.asElectron, core);
  });
  afterEach(() => vi.useRealTimers());

  const port = (index: number) => channels[index]!.port1;
  const batches = (index: number) =>
    port(index).postMessage.mock.calls.map((args) => args[0] as TaskEvent[]);

  it('hands the page port2 on every load, replacing the old channel', () => {
    win.webContents.emit('did-finish-load');
    expect(win.webContents.postMessage).toHaveBeenCalledWith(EVENT_PORT_CHANNEL, null, [
      channels[0]!.port2,
    ]);
    win.webContents.emit('did-start-navigation', navigation);
    expect(port(0).close).toHaveBeenCalled();
    win.webContents.emit('did-finish-load');
    expect(win.webContents.postMessage).toHaveBeenLastCalledWith(EVENT_PORT_CHANNEL, null, [
      channels[1]!.port2,
    ]);
  });

  it('sends a burst of events as one batch per frame, deltas of a task merged', () => {
    win.webContents.emit('did-finish-load');
    core.emit(view('t1', 'running'));
    for (let i = 0; i < 100; i++) {
      core.emit(delta('t1', i, 'a'));
      core.emit(delta('t2', i * 2, 'bb'));
    }
    expect(port(0).postMessage).not.toHaveBeenCalled();
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(batches(0)).toEqual([
      [view('t1', 'running'), delta('t1', 0, 'a'.repeat(100)), delta('t2', 0, 'bb'.repeat(100))],
    ]);
    core.emit(delta('t1', 100, 'z'));
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(batches(0)[1]).toEqual([delta('t1', 100, 'z')]);
  });

  it('sends nothing when nothing happened', () => {
    win.webContents.emit('did-finish-load');
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS * 10);
    expect(port(0).postMessage).not.toHaveBeenCalled();
  });

  it('keeps events raised while the page loads and delivers them on its port', () => {
    core.emit(view('old', 'queued'));
    win.webContents.emit('did-start-navigation', navigation);
    core.emit(delta('t1', 0, 'early'));
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    win.webContents.emit('did-finish-load');
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    // What happened before the navigation is in the page's own first load; not resent.
    expect(batches(0)).toEqual([[delta('t1', 0, 'early')]]);
  });

  it('bounds what it keeps for a page that never loads', () => {
    for (let i = 0; i < MAX_PENDING_EVENTS + 10; i++) core.emit(view(`t${i}`, 'queued'));
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    win.webContents.emit('did-finish-load');
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    const sent = batches(0)[0]!;
    expect(sent).toHaveLength(MAX_PENDING_EVENTS);
    expect(sent.at(-1)).toEqual(view(`t${MAX_PENDING_EVENTS + 9}`, 'queued'));
  });

  it('closes the port and unsubscribes when the window closes', () => {
    win.webContents.emit('did-finish-load');
    core.emit(delta('t1', 0, 'pending'));
    win.window.emit('closed');
    expect(port(0).close).toHaveBeenCalled();
    expect(core.listeners.size).toBe(0);
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(port(0).postMessage).not.toHaveBeenCalled();
  });

  it('drops the port of a crashed renderer', () => {
    win.webContents.emit('did-finish-load');
    win.webContents.emit('render-process-gone');
    expect(port(0).close).toHaveBeenCalled();
    core.emit(delta('t1', 0, 'x'));
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(port(0).postMessage).not.toHaveBeenCalled();
  });
});

describe('event batch coalescing', () => {
  it('does not merge deltas that are not contiguous', () => {
    const batch = createEventBatch();
    batch.push(delta('t1', 0, 'ab'));
    batch.push(delta('t1', 5, 'cd'));
    expect(batch.take()).toEqual([delta('t1', 0, 'ab'), delta('t1', 5, 'cd')]);
  });

  it('keeps per-task order across a state change', () => {
    const batch = createEventBatch();
    batch.push(delta('t1', 0, 'ab'));
    batch.push(view('t1', 'succeeded', 'ab'));
    batch.push(delta('t1', 2, 'late'));
    expect(batch.take()).toEqual([
      delta('t1', 0, 'ab'),
      view('t1', 'succeeded', 'ab'),
      delta('t1', 2, 'late'),
    ]);
  });

  it('keeps only the newest of consecutive views of a task', () => {
    const batch = createEventBatch();
    batch.push(view('t1', 'queued'));
    batch.push(view('t2', 'queued'));
    batch.push(view('t1', 'running'));
    expect(batch.take()).toEqual([view('t1', 'running'), view('t2', 'queued')]);
    expect(batch.size).toBe(0);
  });
});
