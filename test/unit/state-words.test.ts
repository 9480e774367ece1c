/**
 * One wording per state (issue 14): the chat, the monitor, the tray and the notifications take
 * their words for states and waits from one table in src/shared, so the same task reads the
 * same everywhere, in both languages.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { STATE_WORDS, fillWords } from '../../src/shared/state-words.ts';
import { NOTICE_WORDS, taskNotice } from '../../src/shared/task-notice.ts';
import { TaskPhaseSchema, TaskStateSchema } from '../../src/shared/task.ts';
import { shellTextsFor } from '../../src/main/electron/shell-texts.ts';
import { runningText } from '../../src/renderer/src/components/task-status.ts';
import { stateLabel } from '../../src/renderer/src/components/state-label.ts';
import { i18next } from '../../src/renderer/src/i18n/index.ts';
import { task } from '../helpers/renderer-scripted-api.ts';

const LANGUAGES = ['en', 'zh-CN'] as const;
const LOCALES = resolve(import.meta.dirname, '../../src/renderer/src/locales');

describe('one table of state words', () => {
  test.each(LANGUAGES)('%s: the thinking phase reads the same in chat, monitor and tray', (lng) => {
    const chatT = i18next.getFixedT(lng, 'chat');
    const monitorT = i18next.getFixedT(lng, 'words');
    const running = task('t1', { phase: 'thinking' });
    const chat = runningText(running, chatT);
    const monitor = monitorT('phase.thinking');
    // The tray's menu line is "<title> — <phase>" (electron-tray.test.ts).
    const tray = shellTextsFor(lng, 'en-US').phase.thinking;
    expect(chat).toBe(STATE_WORDS[lng].phase.thinking);
    expect(monitor).toBe(chat);
    expect(tray).toBe(chat);
  });

  test.each(LANGUAGES)('%s: every state and phase has words, and the faces use them', (lng) => {
    const t = i18next.getFixedT(lng, 'chat');
    for (const state of TaskStateSchema.options) {
      expect(STATE_WORDS[lng].state[state]).toBeTruthy();
      expect(stateLabel(state, t)).toBe(STATE_WORDS[lng].state[state]);
    }
    for (const phase of TaskPhaseSchema.options) {
      expect(shellTextsFor(lng, 'en').phase[phase]).toBe(STATE_WORDS[lng].phase[phase]);
    }
    expect(NOTICE_WORDS[lng].failed).toBe(STATE_WORDS[lng].state.failed);
    expect(NOTICE_WORDS[lng].timedOut).toBe(STATE_WORDS[lng].state.timed_out);
  });

  test('a notification of a timeout without a message names the state in the table', () => {
    const notice = taskNotice(task('t1', { state: 'timed_out', prompt: 'long job' }));
    expect(notice?.body).toBe(`long job\n${STATE_WORDS.en.state.timed_out}`);
  });

  test('the locale files no longer carry their own state or phase words', () => {
    for (const lng of LANGUAGES) {
      const chat = JSON.parse(readFileSync(`${LOCALES}/${lng}/chat.json`, 'utf8'));
      const monitor = JSON.parse(readFileSync(`${LOCALES}/${lng}/monitor.json`, 'utf8'));
      expect(Object.keys(chat.state)).toEqual(['attempt', 'attemptOf']);
      expect(monitor.state).toBeUndefined();
      expect(monitor.phase).toBeUndefined();
    }
  });

  test('English and Chinese tables hold the same keys; placeholders are filled', () => {
    const keys = (o: object, p = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'object' ? keys(v as object, `${p}${k}.`) : [`${p}${k}`],
      );
    expect(keys(STATE_WORDS['zh-CN'])).toEqual(keys(STATE_WORDS.en));
    expect(fillWords(STATE_WORDS.en.wait.gatewayDown, { origin: 'http://h:1' })).toBe(
      'Waiting for the gateway at http://h:1…',
    );
    expect(fillWords('{{missing}} stays', {})).toBe('{{missing}} stays');
  });
});
