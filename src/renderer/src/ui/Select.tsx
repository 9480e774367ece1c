import { ChevronDown } from 'lucide-react';
import type { SelectHTMLAttributes } from 'react';

export interface SelectOption {
  value: string;
  label: string;
  /** Shown but not choosable (e.g. "allow" for exec tools without a sandbox). */
  disabled?: boolean;
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange'> {
  options: readonly SelectOption[];
  onChange(value: string): void;
}

/**
 * A native select (keyboard, screen readers and the OS picker come with it) dressed like the
 * rest of the app.
 */
export function Select({ options, onChange, className, ...rest }: SelectProps) {
  return (
    <span className={['select', className].filter(Boolean).join(' ')}>
      <select {...rest} onChange={(event) => onChange(event.target.value)}>
        {options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
      <ChevronDown className="select-chevron" size={14} aria-hidden="true" />
    </span>
  );
}
