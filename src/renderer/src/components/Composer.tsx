import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useChat } from '../store/context.tsx';

/**
 * Never disabled: a reply in flight is no reason to stop typing or sending (DESIGN.md "UI").
 * The text clears at once; if the message is refused it comes back, unless the user has
 * already started typing something else. "Run as background task" sends the next message to
 * the long lane, then turns itself off.
 */
export function Composer() {
  const { t } = useTranslation('chat');
  const send = useChat((s) => s.send);
  const currentId = useChat((s) => s.currentId);
  const [draft, setDraft] = useState('');
  const [background, setBackground] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => input.current?.focus(), [currentId]);

  const submit = (): void => {
    const text = draft;
    if (text.trim() === '') return;
    setDraft('');
    setBackground(false);
    const lane = background ? 'long' : undefined;
    void send(text, lane).then((ok) => {
      if (ok) return;
      setDraft((current) => (current === '' ? text : current));
      if (lane) setBackground(true);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    // Enter while an input method is composing (e.g. pinyin) confirms the word, not the message.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <textarea
        ref={input}
        aria-label={t('composer.label')}
        placeholder={t('composer.placeholder')}
        rows={2}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-side">
        <button type="submit">{t('composer.send')}</button>
        <label className="background-toggle">
          <input
            type="checkbox"
            checked={background}
            onChange={(event) => setBackground(event.target.checked)}
          />
          {t('composer.background')}
        </label>
      </div>
    </form>
  );
}
