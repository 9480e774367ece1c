import { Download } from 'lucide-react';
import { useState } from 'react';
import { IconButton } from '../ui/index.ts';
import { useTranslation } from 'react-i18next';
import { useChat } from '../store/context.tsx';
import { downloadText } from './download.ts';
import { conversationMarkdown, exportFileName } from './export-markdown.ts';

/** Saves the open conversation as Markdown, read whole from main (not just what is loaded). */
export function ExportButton() {
  const { t } = useTranslation('chat');
  const conversation = useChat((s) =>
    s.currentId ? s.conversations.find((c) => c.id === s.currentId) : undefined,
  );
  const readHistory = useChat((s) => s.readHistory);
  const [busy, setBusy] = useState(false);
  if (!conversation) return null;

  const run = async (): Promise<void> => {
    setBusy(true);
    try {
      const tasks = await readHistory(conversation.id);
      if (!tasks) return;
      const text = conversationMarkdown(conversation, tasks, t, new Date());
      downloadText(exportFileName(conversation.title), text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <IconButton
      className="export-button"
      label={t('messages.export')}
      icon={<Download size={16} aria-hidden="true" />}
      disabled={busy}
      onClick={() => void run()}
    />
  );
}
