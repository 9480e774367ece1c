import { memo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationView } from '../../../shared/task.ts';
import { useChat } from '../store/context.tsx';
import { Pencil, Trash2 } from 'lucide-react';
import { useUi } from '../store/ui-store.ts';
import { IconButton } from '../ui/index.ts';
import { DeleteDialog } from './DeleteDialog.tsx';

/** The inline title editor: Enter or leaving the field saves, Escape gives up. */
function TitleEditor({
  conversation,
  onDone,
}: {
  conversation: ConversationView;
  onDone: () => void;
}) {
  const { t } = useTranslation('chat');
  const rename = useChat((s) => s.rename);
  const [title, setTitle] = useState(conversation.title);
  // Enter saves, then the field goes away and blurs: once is enough.
  const settled = useRef(false);

  const save = (event?: FormEvent): void => {
    event?.preventDefault();
    if (settled.current) return;
    settled.current = true;
    const next = title.trim();
    if (next !== '' && next !== conversation.title) void rename(conversation.id, next);
    onDone();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key !== 'Escape') return;
    settled.current = true;
    onDone();
  };

  return (
    <form className="title-editor" onSubmit={save}>
      <input
        className="input"
        aria-label={t('sidebar.titleInput')}
        value={title}
        maxLength={200}
        // The user just asked to rename: the field is where they will type.
        autoFocus
        onFocus={(event) => event.currentTarget.select()}
        onChange={(event) => setTitle(event.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => save()}
      />
    </form>
  );
}

/** The row's Rename and Delete buttons. */
function RowTools({ onRename, onDelete }: { onRename: () => void; onDelete: () => void }) {
  const { t } = useTranslation('chat');
  return (
    <span className="conversation-tools">
      <IconButton
        size="sm"
        label={t('sidebar.rename')}
        icon={<Pencil size={14} aria-hidden="true" />}
        onClick={onRename}
      />
      <IconButton
        size="sm"
        label={t('sidebar.delete')}
        icon={<Trash2 size={14} aria-hidden="true" />}
        onClick={onDelete}
      />
    </span>
  );
}

/** One conversation in the sidebar: open it, rename it in place, delete it after asking. */
export const ConversationItem = memo(function ConversationItem({
  conversation,
  current,
}: {
  conversation: ConversationView;
  current: boolean;
}) {
  const select = useChat((s) => s.select);
  const remove = useChat((s) => s.remove);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);

  if (editing) {
    return (
      <li className="conversation editing">
        <TitleEditor conversation={conversation} onDone={() => setEditing(false)} />
      </li>
    );
  }
  return (
    <li className="conversation">
      <button
        type="button"
        className="conversation-open"
        data-testid="conversation"
        aria-current={current ? 'page' : undefined}
        title={conversation.title}
        onClick={() => {
          select(conversation.id);
          useUi.getState().show('chat');
        }}
      >
        {conversation.title}
      </button>
      <RowTools onRename={() => setEditing(true)} onDelete={() => setConfirming(true)} />
      {confirming && (
        <DeleteDialog
          title={conversation.title}
          onConfirm={() => void remove(conversation.id)}
          onClose={() => setConfirming(false)}
        />
      )}
    </li>
  );
});
