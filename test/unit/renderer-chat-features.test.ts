/**
 * The chat window's newer pieces under Node: the Markdown export, the block splitter that
 * keeps streaming replies cheap, deleted and renamed conversations, background sends and the
 * language setting.
 */
import { describe, expect, test } from 'vitest';
import type { SettingsView } from '../../src/shared/settings.ts';
import {
  conversationMarkdown,
  exportFileName,
} from '../../src/renderer/src/components/export-markdown.ts';
import { splitBlocks } from '../../src/renderer/src/components/markdown-blocks.ts';
import { i18next } from '../../src/renderer/src/i18n/index.ts';
import { applyBatch, emptyChatData } from '../../src/renderer/src/store/apply-batch.ts';
import { createChatStore } from '../../src/renderer/src/store/chat-store.ts';
import {
  conversation,
  manualFrames,
  scriptedApi,
  settle,
  task,
} from '../helpers/renderer-scripted-api.ts';

describe('export to Markdown', () => {
  const tasks = [
    task('t2', {
      createdAt: 20,
      state: 'failed',
      prompt: 'second',
      output: '',
      error: { code: 'upstream_error', message: 'HTTP 400' },
    }),
    task('t1', {
      createdAt: 10,
      state: 'succeeded',
      prompt: 'line one\n\nline two',
      output: '| a | b |\n|---|---|\n| 1 | 2 |\n',
    }),
  ];

  test('title, then each message oldest first: the prompt quoted, the reply as it is', () => {
    expect(conversationMarkdown({ title: 'My\nchat' }, tasks)).toBe(
      [
        '# My chat',
        '---',
        '**You:**',
        '> line one\n>\n> line two',
        '**ClawDesk:**',
        '| a | b |\n|---|---|\n| 1 | 2 |',
        '---',
        '**You:**',
        '> second',
        '**ClawDesk:**',
        '_State: Failed_',
        '_Error: HTTP 400_',
      ].join('\n\n') + '\n',
    );
  });

  test('in the language on screen', () => {
    const zh = i18next.getFixedT('zh-CN', 'chat');
    const text = conversationMarkdown({ title: 'x' }, tasks, zh);
    expect(text).toContain('**你：**');
    expect(text).toContain('_状态：失败_');
  });

  test('a file name from the title, safe on every file system', () => {
    expect(exportFileName('Plan: a/b <draft>?')).toBe('Plan- a-b -draft.md');
    expect(exportFileName('中文 标题')).toBe('中文 标题.md');
    expect(exportFileName('...')).toBe('conversation.md');
    expect(exportFileName('x'.repeat(300))).toBe(`${'x'.repeat(80)}.md`);
  });
});

describe('splitBlocks', () => {
  test('blank lines split blocks; joined they give the text back', () => {
    const text = '# Title\n\nA paragraph\nwith two lines.\n\n| a | b |\n|---|---|\n| 1 | 2 |';
    const blocks = splitBlocks(text);
    expect(blocks).toEqual([
      '# Title',
      'A paragraph\nwith two lines.',
      '| a | b |\n|---|---|\n| 1 | 2 |',
    ]);
    expect(blocks.join('\n\n')).toBe(text);
  });

  test('a fenced block stays whole across blank lines, open or closed', () => {
    const code = '```ts\nconst a = 1;\n\nconst b = 2;\n```';
    expect(splitBlocks(`Intro\n\n${code}\n\nAfter`)).toEqual(['Intro', code, 'After']);
    expect(splitBlocks('Intro\n\n```ts\nconst a = 1;\n\n')).toEqual([
      'Intro',
      '```ts\nconst a = 1;\n\n',
    ]);
  });

  test('an indented continuation is not a boundary; finished blocks stay the same as text grows', () => {
    expect(splitBlocks('- item\n\n  more of it\n\nnext')).toEqual([
      '- item\n\n  more of it',
      'next',
    ]);
    const early = splitBlocks('First.\n\nSecond, half');
    const later = splitBlocks('First.\n\nSecond, half written now.\n\nThird');
    expect(later[0]).toBe(early[0]);
  });
});

describe('deleted conversations', () => {
  const base = applyBatch(emptyChatData(), [
    { type: 'conversations', conversations: [conversation('c1', 1), conversation('c2', 2)] },
    { type: 'history', conversationId: 'c1', tasks: [task('t1')] },
    { type: 'history', conversationId: 'c2', tasks: [task('t2', { conversationId: 'c2' })] },
  ]).data;

  test('the event drops it, its messages, and a late update of it', () => {
    const { data, deleted, listStale } = applyBatch(base, [
      { type: 'conversation-deleted', conversationId: 'c1' },
      { type: 'conversation', conversation: conversation('c1', 9) },
      { type: 'task', task: task('t1', { state: 'cancelled', updatedAt: 50 }) },
    ]);
    expect(data.conversations.map((c) => c.id)).toEqual(['c2']);
    expect(data.tasks.t1).toBeUndefined();
    expect(data.order.c1).toBeUndefined();
    expect(data.loaded.c1).toBeUndefined();
    expect(data.tasks.t2).toBeDefined();
    expect(deleted).toEqual(['c1']);
    expect(listStale).toBe(false);
  });
});

async function openStore(answers: Parameters<typeof scriptedApi>[0] = {}) {
  const frames = manualFrames();
  const scripted = scriptedApi({
    'conversations.list': () => [conversation('c1', 1), conversation('c2', 2)],
    'chat.history': ({ conversationId }) => [task(`t-${conversationId}`, { conversationId })],
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

describe('chat store', () => {
  test('deleting the open conversation (here or elsewhere) opens the most recent other one', async () => {
    const { store, emit, settleFrames } = await openStore();
    expect(store.getState().currentId).toBe('c2');
    emit({ type: 'conversation-deleted', conversationId: 'c2' });
    await settleFrames();
    expect(store.getState().currentId).toBe('c1');
    expect(store.getState().conversations.map((c) => c.id)).toEqual(['c1']);
    emit({ type: 'conversation-deleted', conversationId: 'c1' });
    await settleFrames();
    expect(store.getState().currentId).toBeNull();
  });

  test('remove asks main, then drops it at once; a refusal is the notice', async () => {
    let refuse = false;
    const { store, calls } = await openStore({
      'conversations.delete': () => {
        if (refuse) throw new Error('no such conversation');
        return { deletedTasks: 1 };
      },
    });
    expect(await store.getState().remove('c1')).toBe(true);
    expect(calls.at(-1)).toEqual({
      method: 'conversations.delete',
      params: { conversationId: 'c1' },
    });
    expect(store.getState().conversations.map((c) => c.id)).toEqual(['c2']);
    refuse = true;
    expect(await store.getState().remove('c2')).toBe(false);
    expect(store.getState().notice).toEqual({ key: 'delete', detail: 'no such conversation' });
  });

  test('rename shows main’s answer', async () => {
    const { store } = await openStore({
      'conversations.rename': ({ conversationId, title }) => ({
        ...conversation(conversationId, 3),
        title,
      }),
    });
    expect(await store.getState().rename('c1', 'Renamed')).toBe(true);
    expect(store.getState().conversations.find((c) => c.id === 'c1')?.title).toBe('Renamed');
  });

  test('a background message goes to the long lane', async () => {
    const { store, calls } = await openStore({
      'chat.send': ({ text, lane }) => ({
        conversation: conversation('c2', 5),
        task: task('t9', { conversationId: 'c2', prompt: text, lane: lane ?? 'interactive' }),
      }),
    });
    await store.getState().send('long job', 'long');
    expect(calls.at(-1)?.params).toEqual({ conversationId: 'c2', text: 'long job', lane: 'long' });
    expect(store.getState().tasks.t9?.lane).toBe('long');
    await store.getState().send('quick');
    expect(calls.at(-1)?.params).toEqual({ conversationId: 'c2', text: 'quick' });
  });

  test('the language follows the settings and their changes', async () => {
    const settings = { language: 'zh-CN' } as SettingsView;
    const { store, emit } = await openStore({ 'settings.get': () => settings });
    expect(store.getState().language).toBe('zh-CN');
    emit({ type: 'settings', settings: { ...settings, language: 'en' } });
    expect(store.getState().language).toBe('en');
  });
});
