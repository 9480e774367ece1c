import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Dialog } from '../ui/index.ts';

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
  const cancel = useRef<HTMLButtonElement>(null);
  return (
    <Dialog
      title={t('deleteDialog.title')}
      onClose={onClose}
      initialFocus={cancel}
      actions={
        <>
          <Button ref={cancel} onClick={onClose}>
            {t('deleteDialog.cancel')}
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              onConfirm();
              onClose();
            }}
          >
            {t('deleteDialog.confirm')}
          </Button>
        </>
      }
    >
      <p>{t('deleteDialog.body', { title })}</p>
    </Dialog>
  );
}
