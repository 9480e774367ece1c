import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  type KeyboardEvent,
  type RefObject,
  type WheelEvent,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useChat } from '../store/context.tsx';
import { EARLIER_ROW_PX, EarlierMessages } from './EarlierMessages.tsx';
import { FirstRunCard } from '../settings/FirstRunCard.tsx';
import { EmptyState } from './EmptyState.tsx';
import { Message } from './Message.tsx';

const NO_IDS: string[] = [];
/** Within this many pixels of the bottom, the view follows new text. */
const PIN_SLACK_PX = 48;
/** A first guess at a message's height, until it is measured. */
const ESTIMATED_HEIGHT_PX = 160;
/** Space around and between messages (the virtualizer places them, so it has to know). */
const EDGE_PX = 20;
const GAP_PX = 20;
/**
 * Messages rendered beyond each edge of the view: enough that a short conversation is all in
 * the DOM, and that a quick scroll does not show blank space.
 */
const OVERSCAN = 10;
/** Within this many screens of the top, the page before the oldest message loaded is read. */
const NEAR_TOP_SCREENS = 1;
/** Keys that scroll up (Shift+Space too, which scrolling the rest catches). */
const SCROLL_UP_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);

type Scroller = RefObject<HTMLDivElement | null>;

function useMessageVirtualizer(ids: string[], more: boolean, scroller: Scroller) {
  return useVirtualizer({
    count: ids.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_HEIGHT_PX,
    overscan: OVERSCAN,
    // Room above the first message for the "Loading earlier messages…" row while there are any.
    paddingStart: more ? EDGE_PX + EARLIER_ROW_PX + GAP_PX : EDGE_PX,
    paddingEnd: EDGE_PX,
    gap: GAP_PX,
    getItemKey: useCallback((index: number) => ids[index] ?? index, [ids]),
    // An older page goes in above: the virtualizer keeps the message on screen where it was
    // (by key) instead of the scroll offset, so the view does not jump by the page's height.
    anchorTo: 'end',
  });
}

/**
 * Keeps the view at the end while it is pinned there: for a new conversation or message, for
 * measured heights, and for streamed text (which grows a message without re-rendering the list).
 */
function useFollowEnd(
  scroller: Scroller,
  content: RefObject<HTMLDivElement | null>,
  watch: {
    currentId: string | null;
    lastId: string | undefined;
    totalSize: number;
    empty: boolean;
  },
) {
  const pinned = useRef(true);
  /** Where this component last scrolled to: its own scroll events say nothing of the user. */
  const ownScrollTop = useRef<number | null>(null);
  const lastScrollTop = useRef(0);
  const toBottom = (): void => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    ownScrollTop.current = el.scrollTop;
    lastScrollTop.current = el.scrollTop;
  };
  // A new conversation or a new message: jump to the end, where it is. Not for older messages
  // put on top, which the virtualizer keeps out of view (`anchorTo`).
  useLayoutEffect(() => {
    pinned.current = true;
    toBottom();
  }, [watch.currentId, watch.lastId]);
  // Measured heights replace estimates: the total changes. Stay at the end if the user is there.
  useLayoutEffect(() => {
    if (pinned.current) toBottom();
  }, [watch.totalSize]);
  // Streaming text: watch the rendered messages' size too, while the user has not scrolled up.
  useEffect(() => {
    const el = content.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      if (pinned.current) toBottom();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [watch.empty]);
  return { pinned, ownScrollTop, lastScrollTop };
}
type Follow = ReturnType<typeof useFollowEnd>;

/**
 * The user's scrolling: any step up lets go of the end, reaching it pins again, and nearing
 * the top reads the page before (not after a refusal, which the row's button retries).
 */
function scrollHandlers(scroller: Scroller, follow: Follow, earlier: () => void) {
  const { pinned, ownScrollTop, lastScrollTop } = follow;
  // Streamed text can put the view back at the end before the browser reports a small scroll
  // up: take the user's intent from the input itself.
  const letGo = (): void => {
    pinned.current = false;
    ownScrollTop.current = null;
  };
  return {
    onScroll(): void {
      const el = scroller.current;
      if (!el) return;
      // Ours (to the end): the user has not moved. A growth since then must not unpin the view.
      if (ownScrollTop.current !== null && Math.abs(el.scrollTop - ownScrollTop.current) < 1) {
        return;
      }
      ownScrollTop.current = null;
      const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
      // Even a small step up (an arrow key) lets go. Only the end itself pins again; the slack
      // keeps a pinned view pinned, it does not re-pin one.
      const up = el.scrollTop < lastScrollTop.current;
      lastScrollTop.current = el.scrollTop;
      pinned.current = fromBottom < 2 || (pinned.current && !up && fromBottom < PIN_SLACK_PX);
      // Read ahead of the user: the page is there before they reach the top.
      if (el.scrollTop < el.clientHeight * NEAR_TOP_SCREENS) earlier();
    },
    onWheel(event: WheelEvent): void {
      if (event.deltaY < 0) letGo();
    },
    onKeyDown(event: KeyboardEvent): void {
      if (SCROLL_UP_KEYS.has(event.key)) letGo();
    },
  };
}

/** The messages in and near view, each measured once rendered, placed where they belong. */
function MessageWindow(props: {
  ids: string[];
  items: VirtualItem[];
  content: RefObject<HTMLDivElement | null>;
  measure: (element: Element | null) => void;
}) {
  const first = props.items[0];
  return (
    <div
      className="messages-window"
      ref={props.content}
      style={{ transform: `translateY(${first ? first.start : 0}px)` }}
    >
      {props.items.map((item) => (
        <div key={item.key} className="message-slot" data-index={item.index} ref={props.measure}>
          <Message id={props.ids[item.index] ?? ''} />
        </div>
      ))}
    </div>
  );
}

/**
 * The open conversation, virtualized: only the messages on or near the screen are rendered,
 * so a conversation with a thousand streaming tasks costs what a dozen do. Heights vary
 * (Markdown, cards, streamed text): each message is measured once it is in the DOM. A long
 * conversation opens with its latest page; scrolling near the top reads the one before.
 */
export function MessageList() {
  const { t } = useTranslation('chat');
  const currentId = useChat((s) => s.currentId);
  const ids = useChat((s) => (currentId ? s.order[currentId] : undefined)) ?? NO_IDS;
  const more = useChat((s) => (currentId ? s.earlier[currentId] !== undefined : false));
  const earlierStatus = useChat((s) => (currentId ? s.earlierStatus[currentId] : undefined));
  const loadEarlier = useChat((s) => s.loadEarlier);
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const virtualizer = useMessageVirtualizer(ids, more, scroller);
  const empty = ids.length === 0;
  const items = virtualizer.getVirtualItems();
  const totalSize = virtualizer.getTotalSize();
  const lastId = ids[ids.length - 1];
  const follow = useFollowEnd(scroller, content, { currentId, lastId, totalSize, empty });
  const handlers = scrollHandlers(scroller, follow, () => {
    if (more && earlierStatus === undefined && currentId) void loadEarlier(currentId);
  });
  return (
    <div className="messages" data-testid="message-scroll" ref={scroller} {...handlers}>
      {/* Not role="log": a live region would read every streamed word aloud. */}
      <section
        className={empty ? 'messages-content' : 'messages-content messages-virtual'}
        aria-label={t('messages.label')}
        style={empty ? undefined : { height: totalSize }}
      >
        {more && currentId ? (
          <EarlierMessages conversationId={currentId} status={earlierStatus} top={EDGE_PX} />
        ) : null}
        {empty ? (
          <EmptyState>
            <FirstRunCard />
          </EmptyState>
        ) : (
          <MessageWindow
            ids={ids}
            items={items}
            content={content}
            measure={virtualizer.measureElement}
          />
        )}
      </section>
    </div>
  );
}
