/**
 * The renderer's store under Node, without a browser: a scripted API and frames advanced by
 * hand. These rules (overlapping and missing stream text, one render per frame, resync) are
 * hard to provoke reliably through a real server.
 */
import { describe, expect, test } from 'vitest';
import { applyBatch, emptyChatData } from '../../src/renderer/src/store/apply-batch.ts';
import { createChatStore } from '../../src/renderer/src/store/chat-store.ts';
import {
  conversation,
  delta,
  manualFrames,
  scriptedApi,
  settle,
  task,
} from '../helpers/renderer-scripted-api.ts';

describe('applyBatch', () => {
  const loaded = applyBatch(emptyChatData(), [
    { type: 'conversations', conversations: [conversation('c1')] },
    { type: 'history', conversationId: 'c1', tasks: [task('t1', { output: 'Hello' })] },
  ]).data;

  test('appends in order, keeps only the new tail of an overlap', () => {
    const { data, refetch } = applyBatch(loaded, [
      delta('t1', 5, ', wor'),
      delta('t1', 7, 'world'), // "wo" again, then "rld"
      delta('t1', 3, 'lo'), // nothing new
    ]);
    expect(data.tasks.t1?.output).toBe('Hello, world');
    expect(refetch).toEqual([]);
  });

  test('a gap asks for the history instead of guessing', () => {
    const { data, refetch } = applyBatch(loaded, [delta('t1', 9, 'lost')]);
    expect(data.tasks.t1?.output).toBe('Hello');
    expect(refetch).toEqual(['c1']);
  });

  test('an older snapshot does not undo a newer one', () => {
    const done = task('t1', { state: 'succeeded', output: 'Hello!', updatedAt: 20 });
    const { data } = applyBatch(loaded, [
      { type: 'task', task: done },
      { type: 'task', task: task('t1', { state: 'running', updatedAt: 15 }) },
      delta('t1', 6, 'late'),
    ]);
    expect(data.tasks.t1).toEqual(done);
  });

  test('new tasks are listed oldest first, and an unknown conversation marks the list stale', () => {
    const { data, listStale } = applyBatch(loaded, [
      { type: 'task', task: task('t3', { createdAt: 30 }) },
      { type: 'task', task: task('t2', { createdAt: 20 }) },
      { type: 'task', task: task('x1', { conversationId: 'c9' }) },
    ]);
    expect(data.order.c1).toEqual(['t1', 't2', 't3']);
    expect(listStale).toBe(true);
  });
});

describe('chat store', () => {
  test('opens the most recent conversation and applies a burst of events in one update', async () => {
    const { api, methods, emit } = scriptedApi({
      'conversations.list': () => [conversation('c0', 1), conversation('c1', 5)],
      'chat.history': () => [task('t1')],
    });
    const frames = manualFrames();
    const store = createChatStore(api, frames.schedule);
    await settle();
    frames.frame();
    await settle();
    frames.frame();
    expect(store.getState().currentId).toBe('c1');
    // Focus and the limiter status are covered in queue-status.spec.ts.
    expect(methods('ui.focus', 'upstream.status', 'settings.get', 'gateway.check')).toEqual([
      'conversations.list',
      'chat.history',
    ]);

    let updates = 0;
    store.subscribe(() => updates++);
    for (let i = 0; i < 100; i++) emit(delta('t1', i, 'x'));
    expect(updates).toBe(0);
    frames.frame();
    expect(updates).toBe(1);
    expect(store.getState().tasks.t1?.output).toBe('x'.repeat(100));
  });

  test('sending without a conversation creates and selects one, once', async () => {
    const created = conversation('new', 9);
    let sends = 0;
    const { api, calls } = scriptedApi({
      'conversations.list': () => [],
      'chat.send': (params) => {
        sends++;
        return {
          conversation: created,
          task: task(`t${sends}`, { conversationId: 'new', prompt: params.text, state: 'queued' }),
        };
      },
    });
    const frames = manualFrames();
    const store = createChatStore(api, frames.schedule);
    await settle();
    store.getState().newChat();
    // Two quick sends: the second must join the conversation the first creates.
    const [a, b] = await Promise.all([store.getState().send('one'), store.getState().send('two')]);
    expect([a, b]).toEqual([true, true]);
    const sendParams = calls.filter((c) => c.method === 'chat.send').map((c) => c.params);
    expect(sendParams).toEqual([{ text: 'one' }, { conversationId: 'new', text: 'two' }]);
    expect(store.getState().currentId).toBe('new');
    expect(store.getState().order.new).toEqual(['t1', 't2']);
  });

  test('after a reconnect it reads the list and the open conversation again', async () => {
    const { api, calls, methods, resync } = scriptedApi({
      'conversations.list': () => [conversation('c1')],
      'chat.history': () => [task('t1', { output: 'fresh' })],
    });
    const frames = manualFrames();
    const store = createChatStore(api, frames.schedule);
    await settle();
    frames.frame();
    await settle();
    frames.frame();
    calls.length = 0;
    resync();
    await settle();
    frames.frame();
    await settle();
    frames.frame();
    // Focus and the limiter status are covered in queue-status.spec.ts.
    expect(methods('ui.focus', 'upstream.status', 'settings.get', 'gateway.check')).toEqual([
      'conversations.list',
      'chat.history',
    ]);
    expect(store.getState().tasks.t1?.output).toBe('fresh');
  });
});
