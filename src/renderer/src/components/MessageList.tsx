import { useEffect, useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useChat } from '../store/context.tsx';
import { Message } from './Message.tsx';

const NO_IDS: string[] = [];
/** Within this many pixels of the bottom, the view follows new text. */
const PIN_SLACK_PX = 48;

export function MessageList() {
  const { t } = useTranslation('chat');
  const currentId = useChat((s) => s.currentId);
  const ids = useChat((s) => (currentId ? s.order[currentId] : undefined)) ?? NO_IDS;
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLElement>(null);
  const pinned = useRef(true);

  const toBottom = (): void => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  // A new conversation or a new message: jump to the end, where it is.
  useLayoutEffect(() => {
    pinned.current = true;
    toBottom();
  }, [currentId, ids.length]);

  // Streaming text grows messages without re-rendering this list: watch the size instead,
  // and follow it only while the user has not scrolled up to read.
  useEffect(() => {
    const el = content.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      if (pinned.current) toBottom();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = (): void => {
    const el = scroller.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < PIN_SLACK_PX;
  };

  return (
    <div className="messages" ref={scroller} onScroll={onScroll}>
      {/* Not role="log": a live region would read every streamed word aloud. */}
      <section className="messages-content" ref={content} aria-label={t('messages.label')}>
        {ids.length === 0 && <p className="empty">{t('messages.empty')}</p>}
        {ids.map((id) => (
          <Message key={id} id={id} />
        ))}
      </section>
    </div>
  );
}
