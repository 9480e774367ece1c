import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useChat } from '../store/context.tsx';

/**
 * Never disabled: a reply in flight is no reason to stop typing or sending (DESIGN.md "UI").
 * The text clears at once; if the message is refused it comes back, unless the user has
 * already started typing something else.
 */
export function Composer() {
  const send = useChat((s) => s.send);
  const currentId = useChat((s) => s.currentId);
  const [draft, setDraft] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => input.current?.focus(), [currentId]);

  const submit = (): void => {
    const text = draft;
    if (text.trim() === '') return;
    setDraft('');
    void send(text).then((ok) => {
      if (!ok) setDraft((current) => (current === '' ? text : current));
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
        aria-label="Message"
        placeholder="Message ClawDesk (Enter to send, Shift+Enter for a new line)"
        rows={2}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit">Send</button>
    </form>
  );
}
