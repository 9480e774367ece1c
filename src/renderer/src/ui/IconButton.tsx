import { forwardRef, type ButtonHTMLAttributes, type ReactNode } from 'react';

export interface IconButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'title'> {
  /** Said by screen readers and shown as the tooltip: an icon alone names nothing. */
  label: string;
  icon: ReactNode;
  size?: 'md' | 'sm';
}

/** A square button showing only an icon; `label` is its accessible name and its tooltip. */
export const IconButton = forwardRef<HTMLButtonElement, IconButtonProps>(function IconButton(
  { label, icon, size = 'md', className, type = 'button', ...rest },
  ref,
) {
  const classes = ['icon-btn', size === 'sm' && 'icon-btn-sm', className].filter(Boolean).join(' ');
  return (
    <button ref={ref} type={type} className={classes} aria-label={label} title={label} {...rest}>
      {icon}
    </button>
  );
});
