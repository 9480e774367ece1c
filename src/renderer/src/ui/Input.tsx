import { forwardRef, type InputHTMLAttributes } from 'react';

/** A text field in the app's look; label it with `aria-label` or a `<label htmlFor>`. */
export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(
  function Input({ className, ...rest }, ref) {
    return <input ref={ref} className={['input', className].filter(Boolean).join(' ')} {...rest} />;
  },
);
