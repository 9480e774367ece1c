import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * "Delete conversation?" as a modal dialog: focus starts on Cancel, Escape closes it, and
 * nothing is deleted until the confirm button is pressed.
 */
export function DeleteDialog({
  title,
  onConfirm,
  onClose,
}: {
  title: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('chat');
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const heading = useId();
  const body = useId();

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (!el.open) el.showModal();
    cancel.current?.focus();
    return () => el.close();
  }, []);

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby={heading}
      aria-describedby={body}
      // Escape, or the dialog closed any other way.
      onClose={onClose}
    >
      <h2 id={heading}>{t('deleteDialog.title')}</h2>
      <p id={body}>{t('deleteDialog.body', { title })}</p>
      <div className="confirm-actions">
        <button ref={cancel} type="button" onClick={onClose}>
          {t('deleteDialog.cancel')}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          {t('deleteDialog.confirm')}
        </button>
      </div>
    </dialog>
  );
}
