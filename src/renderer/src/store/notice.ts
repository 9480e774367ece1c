import type { TFunction } from 'i18next';

/**
 * A failure to show until dismissed: which words (a key of the chat namespace's `notice`) and
 * main's own sentence. Kept as data so it reads in the language on screen when it is shown.
 */
export interface Notice {
  key:
    | 'notSent'
    | 'retry'
    | 'cancel'
    | 'resume'
    | 'pause'
    | 'copy'
    | 'loadMessages'
    | 'loadConversations'
    | 'rename'
    | 'delete'
    | 'export'
    | 'approve';
  /** Main's reason, as it said it; null when the error had none. */
  detail: string | null;
}

export const noticeOf = (key: Notice['key'], error: unknown): Notice => ({
  key,
  detail: error instanceof Error && error.message !== '' ? error.message : null,
});

/** "Message not sent: message is empty". */
export function noticeText(notice: Notice, t: TFunction): string {
  return t(`notice.${notice.key}`, { detail: notice.detail ?? t('notice.unknown') });
}
