/**
 * The chat store's side of agent tool calls (issue 6): `tool` events kept per task for
 * display, and the user's answer to a call waiting for approval.
 */
import { describe, expect, test } from 'vitest';
import type { TaskEvent } from '../../src/shared/ipc-contract.ts';
import type { ToolCallView } from '../../src/shared/task.ts';
import { mergeToolCalls, prettyArgs } from '../../src/renderer/src/components/tool-format.ts';
import {
  applyBatch,
  emptyChatData,
  MAX_TOOL_CALLS_SHOWN,
} from '../../src/renderer/src/store/apply-batch.ts';
import { createChatStore } from '../../src/renderer/src/store/chat-store.ts';
import { i18next } from '../../src/renderer/src/i18n/index.ts';
import { noticeText } from '../../src/renderer/src/store/notice.ts';
import {
  conversation,
  manualFrames,
  scriptedApi,
  settle,
  task,
} from '../helpers/renderer-scripted-api.ts';

const call = (toolCallId: string, patch: Partial<ToolCallView> = {}): ToolCallView => ({
  toolCallId,
  name: 'write_file',
  args: '{"path":"a.txt","content":"hi"}',
  decision: 'approved',
  ok: true,
  result: 'wrote 2 bytes',
  at: 100,
  ...patch,
});

const toolEvent = (taskId: string, c: ToolCallView, conversationId = 'c1'): TaskEvent => ({
  type: 'tool',
  taskId,
  conversationId,
  call: c,
});

async function openStore(answers: Parameters<typeof scriptedApi>[0] = {}) {
  const frames = manualFrames();
  const scripted = scriptedApi({
    'conversations.list': () => [conversation('c1', 1)],
    'chat.history': () => [task('t1')],
    'ui.focus': () => ({}),
    ...answers,
  });
  const store = createChatStore(scripted.api, frames.schedule);
  const settleFrames = async () => {
    for (let i = 0; i < 3; i++) {
      await settle();
      frames.frame();
    }
  };
  await settleFrames();
  return { store, ...scripted, settleFrames };
}

describe('tool events', () => {
  test("a tool event adds the call to its task's list, oldest first", async () => {
    const { store, emit, settleFrames } = await openStore();
    emit(toolEvent('t1', call('call-1', { at: 1 })));
    emit(toolEvent('t1', call('call-2', { at: 2, decision: 'denied', ok: false })));
    await settleFrames();
    expect(store.getState().toolCalls.t1?.map((c) => c.toolCallId)).toEqual(['call-1', 'call-2']);
    expect(store.getState().toolCalls.t1?.[1]?.decision).toBe('denied');
  });

  test('a repeated event replaces its copy; the list keeps the latest few', () => {
    let data = emptyChatData();
    const items = Array.from({ length: MAX_TOOL_CALLS_SHOWN + 5 }, (_, i) =>
      toolEvent('t1', call(`call-${i}`, { at: i })),
    );
    data = applyBatch(data, items).data;
    data = applyBatch(data, [toolEvent('t1', call('call-24', { at: 24, ok: false }))]).data;
    const list = data.toolCalls.t1 ?? [];
    expect(list).toHaveLength(MAX_TOOL_CALLS_SHOWN);
    expect(list[0]?.toolCallId).toBe('call-5');
    expect(list.filter((c) => c.toolCallId === 'call-24')).toHaveLength(1);
    expect(list.at(-1)?.ok).toBe(false);
  });

  test("deleting a conversation forgets its tasks' tool calls", () => {
    let data = emptyChatData();
    data = applyBatch(data, [
      { type: 'sent', conversation: conversation('c1'), task: task('t1'), created: true },
      toolEvent('t1', call('call-1')),
    ]).data;
    data = applyBatch(data, [{ type: 'conversation-deleted', conversationId: 'c1' }]).data;
    expect(data.toolCalls.t1).toBeUndefined();
  });
});

describe('approval', () => {
  const pendingTask = task('t1', {
    phase: 'waiting_approval',
    pendingApproval: { toolCallId: 'call-1', name: 'write_file', args: '{}' },
    updatedAt: 20,
  });

  test('approve calls tasks.approve with the task, the call and the answer', async () => {
    const { store, calls, settleFrames } = await openStore({
      'chat.history': () => [pendingTask],
      'tasks.approve': () => task('t1', { updatedAt: 30 }),
    });
    expect(store.getState().tasks.t1?.pendingApproval).toBeDefined();
    await expect(store.getState().approve('t1', 'call-1', true)).resolves.toBe(true);
    await expect(store.getState().approve('t1', 'call-1', false)).resolves.toBe(true);
    await settleFrames();
    expect(calls.filter((c) => c.method === 'tasks.approve').map((c) => c.params)).toEqual([
      { taskId: 't1', toolCallId: 'call-1', approved: true },
      { taskId: 't1', toolCallId: 'call-1', approved: false },
    ]);
    // The answer's snapshot has no pending call: the card goes at once.
    expect(store.getState().tasks.t1?.pendingApproval).toBeUndefined();
    expect(store.getState().notice).toBeNull();
  });

  test('a refusal becomes a notice with main’s reason', async () => {
    const { store } = await openStore({
      'chat.history': () => [pendingTask],
      'tasks.approve': () => {
        throw new Error('no tool call is waiting for approval');
      },
    });
    await expect(store.getState().approve('t1', 'call-1', true)).resolves.toBe(false);
    const notice = store.getState().notice;
    expect(notice).toEqual({ key: 'approve', detail: 'no tool call is waiting for approval' });
    const t = i18next.getFixedT('en', 'chat');
    expect(noticeText(notice!, t)).toBe(
      'Could not answer the tool call: no tool call is waiting for approval',
    );
  });
});

describe('display helpers', () => {
  test('arguments are pretty-printed when JSON, shown as they came otherwise, and cut', () => {
    expect(prettyArgs('{"path":"a.txt"}')).toBe('{\n  "path": "a.txt"\n}');
    expect(prettyArgs('not json')).toBe('not json');
    expect(prettyArgs(JSON.stringify({ content: 'x'.repeat(5000) })).length).toBeLessThan(2100);
  });

  test('the monitor merges stored and live calls once each, oldest first', () => {
    const merged = mergeToolCalls(
      [call('a', { at: 1 }), call('b', { at: 2 })],
      [call('b', { at: 2, ok: false }), call('c', { at: 3 })],
    );
    expect(merged.map((c) => [c.toolCallId, c.ok])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ]);
  });
});
