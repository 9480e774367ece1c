/**
 * Issue 14's pure renderer helpers under Node: the sidebar's date groups and search, the
 * composer's size check on a paste or drop, a code block's language.
 */
import { describe, expect, test } from 'vitest';
import { createElement } from 'react';
import { MAX_INPUT_CHARS } from '../../src/shared/task.ts';
import {
  dateGroup,
  groupConversations,
} from '../../src/renderer/src/components/conversation-groups.ts';
import { checkAddition, megabytes } from '../../src/renderer/src/components/paste-size.ts';
import { languageOf } from '../../src/renderer/src/components/code-language.ts';
import {
  conversation,
  manualFrames,
  scriptedApi,
  settle,
  task,
} from '../helpers/renderer-scripted-api.ts';
import { createChatStore } from '../../src/renderer/src/store/chat-store.ts';
import { sectionOf } from '../../src/renderer/src/settings/sections.ts';
import { checkText } from '../../src/renderer/src/settings/check-text.ts';
import { i18next } from '../../src/renderer/src/i18n/index.ts';

const NOW = new Date(2026, 5, 15, 10, 0, 0).getTime();
const at = (days: number, hours = 0): number => NOW - days * 86_400_000 - hours * 3_600_000;

describe('conversation list', () => {
  test('groups by local calendar day: today, yesterday, 7 days, 30 days, older', () => {
    expect(dateGroup(at(0, 9), NOW)).toBe('today');
    // 10:00 minus 11 h is yesterday evening, not "today".
    expect(dateGroup(at(0, 11), NOW)).toBe('yesterday');
    expect(dateGroup(at(3), NOW)).toBe('week');
    expect(dateGroup(at(20), NOW)).toBe('month');
    expect(dateGroup(at(90), NOW)).toBe('older');
  });

  test('groups in order, newest first inside each; search keeps titles holding every word', () => {
    const list = [
      { ...conversation('a', at(40)), title: 'Release notes draft' },
      { ...conversation('b', at(0, 1)), title: 'Rate limiter question' },
      { ...conversation('c', at(0, 2)), title: 'Release checklist' },
      { ...conversation('d', at(1)), title: 'Holiday plan' },
    ];
    const groups = groupConversations(list, '', NOW);
    expect(groups.map((g) => [g.group, g.conversations.map((c) => c.id)])).toEqual([
      ['today', ['b', 'c']],
      ['yesterday', ['d']],
      ['older', ['a']],
    ]);
    const found = groupConversations(list, '  RELEASE  notes ', NOW);
    expect(found.flatMap((g) => g.conversations.map((c) => c.id))).toEqual(['a']);
    expect(groupConversations(list, 'nothing like it', NOW)).toEqual([]);
  });
});

describe('composer size check', () => {
  test('refuses from the sizes alone when draft and addition exceed one message', () => {
    expect(checkAddition(0, MAX_INPUT_CHARS).ok).toBe(true);
    expect(checkAddition(1, MAX_INPUT_CHARS)).toEqual({
      ok: false,
      size: MAX_INPUT_CHARS + 1,
      limit: MAX_INPUT_CHARS,
    });
    expect(megabytes(11 * 1024 * 1024)).toBe('11.0 MB');
    expect(megabytes(MAX_INPUT_CHARS)).toBe('10.0 MB');
  });
});

describe('code block', () => {
  test('reads the language from the code element, null without one', () => {
    expect(languageOf(createElement('code', { className: 'hljs language-ts' }))).toBe('ts');
    expect(languageOf([createElement('code', { className: 'language-c++' })])).toBe('c++');
    expect(languageOf(createElement('code', {}))).toBeNull();
    expect(languageOf('text')).toBeNull();
  });
});

describe('settings', () => {
  test('every field belongs to the section the side navigation marks', () => {
    expect(sectionOf('gatewayUrl')).toBe('connection');
    expect(sectionOf('token')).toBe('connection');
    expect(sectionOf('longStall')).toBe('timeouts');
    expect(sectionOf('cacheTtlMinutes')).toBe('retention');
    expect(sectionOf('toolPolicies')).toBe('tools');
    expect(sectionOf('language')).toBe('appearance');
    expect(sectionOf('workerCount')).toBe('limits');
  });

  test('Test connection words each finding, naming the config key for a disabled endpoint', () => {
    const t = i18next.getFixedT('en', 'settings');
    const base = {
      ok: false,
      url: 'http://127.0.0.1:18790',
      agentId: 'main',
      status: 404,
      reason: null,
      agents: [],
    };
    expect(checkText({ ...base, problem: 'endpoint_disabled' }, t)).toContain(
      'gateway.http.endpoints.chatCompletions.enabled',
    );
    expect(
      checkText({ ...base, problem: 'unknown_agent', agentId: 'x', agents: ['main', 'ops'] }, t),
    ).toBe('The gateway has no agent “x”. It serves: main, ops.');
    const zh = i18next.getFixedT('zh-CN', 'settings');
    expect(checkText({ ...base, problem: 'unauthorized', status: 401 }, zh)).toContain(
      '拒绝了令牌',
    );
  });
});

describe('new chat with an agent', () => {
  test('the gateway’s agents are read; the picked one goes with the message that starts it', async () => {
    const sent: unknown[] = [];
    const { api } = scriptedApi({
      'conversations.list': () => [],
      'gateway.check': () => ({
        ok: true,
        problem: null,
        url: 'http://g',
        agentId: 'main',
        status: 200,
        reason: null,
        agents: ['main', 'research'],
      }),
      'chat.send': (params) => {
        sent.push(params);
        const c = { ...conversation('c9'), agentId: params.agentId ?? null };
        return { conversation: c, task: task('t9', { conversationId: 'c9' }) };
      },
    });
    const frames = manualFrames();
    const store = createChatStore(api, frames.schedule);
    await settle();
    expect(store.getState().agents).toEqual(['main', 'research']);
    store.getState().setNewAgent('research');
    await store.getState().send('hello');
    expect(sent[0]).toEqual({ text: 'hello', agentId: 'research' });
    // In the conversation it started, later messages name no agent: it keeps its own.
    await store.getState().send('again');
    expect(sent[1]).toEqual({ conversationId: 'c9', text: 'again' });
    // "New chat" goes back to the settings' agent.
    store.getState().newChat();
    expect(store.getState().newAgent).toBeNull();
  });
});
