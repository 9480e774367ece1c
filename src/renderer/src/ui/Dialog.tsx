import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';

/**
 * A modal dialog on the platform's `<dialog>`: focus is trapped, Escape closes it, and
 * `initialFocus` (else the first control) gets focus when it opens.
 */
export function Dialog({
  title,
  children,
  actions,
  onClose,
  initialFocus,
  testId,
}: {
  title: string;
  children: ReactNode;
  actions: ReactNode;
  onClose(): void;
  initialFocus?: RefObject<HTMLElement | null>;
  testId?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const heading = useId();
  const body = useId();

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (!el.open) el.showModal();
    initialFocus?.current?.focus();
    return () => el.close();
  }, [initialFocus]);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={heading}
      aria-describedby={body}
      data-testid={testId}
      // Escape, or the dialog closed any other way.
      onClose={onClose}
    >
      <h2 id={heading}>{title}</h2>
      <div id={body}>{children}</div>
      <div className="dialog-actions">{actions}</div>
    </dialog>
  );
}
