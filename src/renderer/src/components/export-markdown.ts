import type { TFunction } from 'i18next';
import type { ConversationView, TaskView } from '../../../shared/task.ts';
import { englishChat } from '../i18n/index.ts';
import { stateLabel } from './state-label.ts';

/**
 * A conversation as one Markdown document: the title, then each message oldest first — the
 * prompt after "**You:**" (quoted, so its own Markdown stays the user's text), the reply as
 * the Markdown it is, and the state or error when it did not simply finish.
 */
export function conversationMarkdown(
  conversation: Pick<ConversationView, 'title'>,
  tasks: readonly TaskView[],
  t: TFunction = englishChat,
  exportedAt?: Date,
): string {
  const parts = [`# ${oneLine(conversation.title)}`];
  if (exportedAt) parts.push(t('export.exported', { date: exportedAt.toISOString() }));
  const ordered = [...tasks].sort((a, b) => a.createdAt - b.createdAt);
  for (const task of ordered) {
    const section = ['---', t('export.you'), quote(task.prompt), t('export.assistant')];
    if (task.output.trim() !== '') section.push(task.output.trimEnd());
    if (task.state !== 'succeeded') {
      section.push(t('export.state', { state: stateLabel(task.state, t) }));
    }
    if (task.error) section.push(t('export.error', { message: oneLine(task.error.message) }));
    parts.push(section.join('\n\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

/** Every line quoted; blank lines too, so the quote stays one block. */
function quote(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
}

const oneLine = (text: string): string => text.replace(/\s*\r?\n\s*/g, ' ').trim();

/** A file name from the title: characters file systems refuse become "-"; never empty. */
export function exportFileName(title: string): string {
  const printable = [...title].map((c) => (c < ' ' ? '-' : c)).join('');
  const base = printable
    .replace(/[\\/:*?"<>|]+/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 80)
    .trim();
  return `${base === '' ? 'conversation' : base}.md`;
}
