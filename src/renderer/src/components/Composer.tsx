import { ArrowUp, X } from 'lucide-react';
import {
  useEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type DragEvent,
  type KeyboardEvent,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useChat } from '../store/context.tsx';
import { useUi } from '../store/ui-store.ts';
import { IconButton } from '../ui/index.ts';
import { checkAddition, megabytes } from './paste-size.ts';
import { forgetShellDraft, shellDraft } from '../shell-draft.ts';

type Hint = { kind: 'empty' } | { kind: 'tooBig'; size: number; limit: number } | null;

/** The dropped files' total size, or the dropped text's length: known without reading them. */
function droppedSize(data: DataTransfer): number {
  if (data.files.length > 0) return [...data.files].reduce((sum, f) => sum + f.size, 0);
  return data.getData('text/plain').length;
}

/**
 * Never disabled: a reply in flight is no reason to stop typing or sending (DESIGN.md "UI").
 * The text clears at once; if the message is refused it comes back, unless the user has
 * already started typing something else. "Run as background task" sends the next message to
 * the long lane, then turns itself off. An empty Send says so; a paste or drop larger than a
 * message may be is refused from its size before it reaches the box.
 */
export function Composer() {
  const { t } = useTranslation('chat');
  const send = useChat((s) => s.send);
  const act = useChat((s) => s.act);
  const currentId = useChat((s) => s.currentId);
  const fill = useUi((s) => s.composerFill);
  const [draft, setDraft] = useState(() => shellDraft().text);
  const [background, setBackground] = useState(false);
  const [editing, setEditing] = useState<{ cancel: string | null } | null>(null);
  const [hint, setHint] = useState<Hint>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => input.current?.focus(), [currentId]);
  // The static composer's text is ours now (see shell-draft.ts), its caret at the end.
  useEffect(() => {
    const box = input.current;
    if (box && shellDraft().text) box.setSelectionRange(box.value.length, box.value.length);
    forgetShellDraft();
  }, []);
  // An example prompt or "edit": the text comes in once, then belongs to the user.
  useEffect(() => {
    if (!fill) return;
    setDraft(fill.text);
    setEditing(fill.editing ? { cancel: fill.cancel } : null);
    setHint(null);
    useUi.setState({ composerFill: null });
    input.current?.focus();
  }, [fill]);

  const submit = (): void => {
    const text = draft;
    if (text.trim() === '') {
      setHint({ kind: 'empty' });
      input.current?.focus();
      return;
    }
    setHint(null);
    setDraft('');
    setBackground(false);
    const replacing = editing?.cancel ?? null;
    setEditing(null);
    // The edited message is replaced: stop it if it had not finished.
    if (replacing) void act('cancel', replacing);
    const lane = background ? 'long' : undefined;
    void send(text, lane).then((ok) => {
      if (ok) return;
      setDraft((current) => (current === '' ? text : current));
      if (lane) setBackground(true);
    });
  };

  const refuseIfTooBig = (added: number, event: { preventDefault(): void }): boolean => {
    const verdict = checkAddition(draft.length, added);
    if (verdict.ok) return false;
    event.preventDefault();
    setHint({ kind: 'tooBig', size: verdict.size, limit: verdict.limit });
    return true;
  };
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>): void => {
    const items = [...event.clipboardData.items];
    const file = items.find((i) => i.kind === 'file')?.getAsFile();
    const size = file ? file.size : event.clipboardData.getData('text/plain').length;
    if (!refuseIfTooBig(size, event)) setHint(null);
  };
  const onDrop = (event: DragEvent<HTMLTextAreaElement>): void => {
    if (!refuseIfTooBig(droppedSize(event.dataTransfer), event)) setHint(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Escape' && editing) {
      setEditing(null);
      setDraft('');
      return;
    }
    // Enter while an input method is composing (e.g. pinyin) confirms the word, not the message.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  };

  const hintText =
    hint?.kind === 'empty'
      ? t('composer.empty')
      : hint?.kind === 'tooBig'
        ? t('composer.tooBig', { size: megabytes(hint.size), limit: megabytes(hint.limit) })
        : '';
  return (
    <form
      className="composer"
      data-editing={editing ? 'true' : undefined}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {editing && (
        <div className="composer-editing" data-testid="composer-editing">
          <span>{t('composer.editing')}</span>
          <IconButton
            size="sm"
            label={t('composer.cancelEdit')}
            icon={<X size={14} aria-hidden="true" />}
            onClick={() => {
              setEditing(null);
              setDraft('');
            }}
          />
        </div>
      )}
      <div className="composer-box">
        <textarea
          ref={input}
          aria-label={t('composer.label')}
          aria-invalid={hint ? true : undefined}
          aria-describedby="composer-hint"
          placeholder={t('composer.placeholder')}
          rows={1}
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
            if (hint?.kind === 'empty') setHint(null);
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onDrop={onDrop}
        />
        <div className="composer-bar">
          <label className="background-toggle">
            <input
              type="checkbox"
              checked={background}
              onChange={(event) => setBackground(event.target.checked)}
            />
            {t('composer.background')}
          </label>
          <button type="submit" className="composer-send" aria-label={t('composer.send')}>
            <ArrowUp size={18} aria-hidden="true" />
            <span>{t('composer.send')}</span>
          </button>
        </div>
      </div>
      <p
        id="composer-hint"
        className="composer-hint"
        role="status"
        data-testid="composer-hint"
        data-kind={hint?.kind}
      >
        {hintText}
      </p>
    </form>
  );
}
