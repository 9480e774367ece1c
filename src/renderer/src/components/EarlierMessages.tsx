import { useTranslation } from 'react-i18next';
import { useChat } from '../store/context.tsx';
import type { EarlierStatus } from '../store/history-loader.ts';
import { Button } from '../ui/index.ts';

/** The row's height; the message list leaves this much room above the first message. */
export const EARLIER_ROW_PX = 32;

/**
 * Above the oldest message loaded while the conversation has older ones: says they are coming
 * (the list reads them as the user scrolls near), or offers to try again after a failure.
 */
export function EarlierMessages({
  conversationId,
  status,
  top,
}: {
  conversationId: string;
  status: EarlierStatus | undefined;
  top: number;
}) {
  const { t } = useTranslation('chat');
  const loadEarlier = useChat((s) => s.loadEarlier);
  return (
    <div
      className="messages-earlier"
      data-testid="earlier-messages"
      role="status"
      aria-busy={status === 'loading'}
      style={{ top, height: EARLIER_ROW_PX }}
    >
      {status === 'failed' ? (
        <Button size="sm" onClick={() => void loadEarlier(conversationId)}>
          {t('messages.loadEarlier')}
        </Button>
      ) : (
        t('messages.loadingEarlier')
      )}
    </div>
  );
}
