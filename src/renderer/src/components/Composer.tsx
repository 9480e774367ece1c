import { ArrowUp, X } from 'lucide-react';
import {
  useEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type DragEvent,
  type KeyboardEvent,
  type RefObject,
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

type Editing = { cancel: string | null } | null;

/** The box's state: the draft, the background switch, the message being edited, the hint. */
function useDraft(input: RefObject<HTMLTextAreaElement | null>) {
  const currentId = useChat((s) => s.currentId);
  const fill = useUi((s) => s.composerFill);
  const [draft, setDraft] = useState(() => shellDraft().text);
  const [background, setBackground] = useState(false);
  const [editing, setEditing] = useState<Editing>(null);
  const [hint, setHint] = useState<Hint>(null);
  useEffect(() => input.current?.focus(), [currentId, input]);
  // The static composer's text is ours now (see shell-draft.ts), its caret at the end.
  useEffect(() => {
    const box = input.current;
    if (box && shellDraft().text) box.setSelectionRange(box.value.length, box.value.length);
    forgetShellDraft();
  }, [input]);
  // An example prompt or "edit": the text comes in once, then belongs to the user.
  useEffect(() => {
    if (!fill) return;
    setDraft(fill.text);
    setEditing(fill.editing ? { cancel: fill.cancel } : null);
    setHint(null);
    useUi.setState({ composerFill: null });
    input.current?.focus();
  }, [fill, input]);
  return { draft, setDraft, background, setBackground, editing, setEditing, hint, setHint };
}
type Draft = ReturnType<typeof useDraft>;

/**
 * Sends the draft: the box clears at once; a refused message comes back unless the user has
 * started typing something else. An edited message replaces (and stops) the original.
 */
function useSubmit(box: Draft, input: RefObject<HTMLTextAreaElement | null>): () => void {
  const send = useChat((s) => s.send);
  const act = useChat((s) => s.act);
  return () => {
    const text = box.draft;
    if (text.trim() === '') {
      box.setHint({ kind: 'empty' });
      input.current?.focus();
      return;
    }
    box.setHint(null);
    box.setDraft('');
    box.setBackground(false);
    const replacing = box.editing?.cancel ?? null;
    box.setEditing(null);
    // The edited message is replaced: stop it if it had not finished.
    if (replacing) void act('cancel', replacing);
    const lane = box.background ? 'long' : undefined;
    void send(text, lane).then((ok) => {
      if (ok) return;
      box.setDraft((current) => (current === '' ? text : current));
      if (lane) box.setBackground(true);
    });
  };
}

/** A paste or drop larger than a message may be is refused from its size, before it lands. */
function sizeGuards(box: Draft) {
  const refuseIfTooBig = (added: number, event: { preventDefault(): void }): boolean => {
    const verdict = checkAddition(box.draft.length, added);
    if (verdict.ok) return false;
    event.preventDefault();
    box.setHint({ kind: 'tooBig', size: verdict.size, limit: verdict.limit });
    return true;
  };
  return {
    onPaste(event: ClipboardEvent<HTMLTextAreaElement>): void {
      const items = [...event.clipboardData.items];
      const file = items.find((i) => i.kind === 'file')?.getAsFile();
      const size = file ? file.size : event.clipboardData.getData('text/plain').length;
      if (!refuseIfTooBig(size, event)) box.setHint(null);
    },
    onDrop(event: DragEvent<HTMLTextAreaElement>): void {
      if (!refuseIfTooBig(droppedSize(event.dataTransfer), event)) box.setHint(null);
    },
  };
}

/** Enter sends (Shift+Enter is a new line); Escape leaves an edit. */
function keys(box: Draft, submit: () => void) {
  return (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Escape' && box.editing) {
      box.setEditing(null);
      box.setDraft('');
      return;
    }
    // Enter while an input method is composing (e.g. pinyin) confirms the word, not the message.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  };
}

function EditingBar({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation('chat');
  return (
    <div className="composer-editing" data-testid="composer-editing">
      <span>{t('composer.editing')}</span>
      <IconButton
        size="sm"
        label={t('composer.cancelEdit')}
        icon={<X size={14} aria-hidden="true" />}
        onClick={onCancel}
      />
    </div>
  );
}

/** Why the last Send or paste did nothing, read out by screen readers (role status). */
function HintLine({ hint }: { hint: Hint }) {
  const { t } = useTranslation('chat');
  const text =
    hint?.kind === 'empty'
      ? t('composer.empty')
      : hint?.kind === 'tooBig'
        ? t('composer.tooBig', { size: megabytes(hint.size), limit: megabytes(hint.limit) })
        : '';
  return (
    <p
      id="composer-hint"
      className="composer-hint"
      role="status"
      data-testid="composer-hint"
      data-kind={hint?.kind}
    >
      {text}
    </p>
  );
}

/** "Run as background task" and Send. */
function ComposerBar({ box }: { box: Draft }) {
  const { t } = useTranslation('chat');
  return (
    <div className="composer-bar">
      <label className="background-toggle">
        <input
          type="checkbox"
          checked={box.background}
          onChange={(event) => box.setBackground(event.target.checked)}
        />
        {t('composer.background')}
      </label>
      <button type="submit" className="composer-send" aria-label={t('composer.send')}>
        <ArrowUp size={18} aria-hidden="true" />
        <span>{t('composer.send')}</span>
      </button>
    </div>
  );
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
  const input = useRef<HTMLTextAreaElement>(null);
  const box = useDraft(input);
  const submit = useSubmit(box, input);
  const { onPaste, onDrop } = sizeGuards(box);
  const leaveEdit = (): void => {
    box.setEditing(null);
    box.setDraft('');
  };
  return (
    <form
      className="composer"
      data-editing={box.editing ? 'true' : undefined}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {box.editing && <EditingBar onCancel={leaveEdit} />}
      <div className="composer-box">
        <textarea
          ref={input}
          aria-label={t('composer.label')}
          aria-invalid={box.hint ? true : undefined}
          aria-describedby="composer-hint"
          placeholder={t('composer.placeholder')}
          rows={1}
          value={box.draft}
          onChange={(event) => {
            box.setDraft(event.target.value);
            if (box.hint?.kind === 'empty') box.setHint(null);
          }}
          onKeyDown={keys(box, submit)}
          onPaste={onPaste}
          onDrop={onDrop}
        />
        <ComposerBar box={box} />
      </div>
      <HintLine hint={box.hint} />
    </form>
  );
}
