import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldError } from './form.ts';

/** A field's message (a problem, or a hint when there is none), tied to it by id. */
function Message({ id, error, hint }: { id: string; error?: FieldError; hint?: string }) {
  const { t } = useTranslation('settings');
  if (error) {
    return (
      <p id={id} className="field-error" data-testid={`${id}-error`}>
        {t(error.key, error.values ?? {})}
      </p>
    );
  }
  return hint ? (
    <p id={id} className="field-hint">
      {hint}
    </p>
  ) : null;
}

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  error?: FieldError;
  hint?: string;
  type?: 'text' | 'url' | 'password';
  inputMode?: 'decimal' | 'numeric';
  placeholder?: string;
  autoComplete?: string;
  /** A datalist of suggestions (the gateway's agents). */
  list?: string;
  children?: ReactNode;
}

/**
 * A labelled input; its problem is announced with it (`aria-invalid`, `aria-describedby`).
 * Numbers are typed as text so "abc" or "" reach the schema and get a message instead of
 * being silently dropped by the browser.
 */
export function TextField(props: TextFieldProps) {
  const describedBy = `${props.id}-msg`;
  return (
    <div className="field" data-invalid={props.error ? 'true' : undefined}>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        className="input"
        list={props.list}
        type={props.type ?? 'text'}
        inputMode={props.inputMode}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        spellCheck={false}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error || props.hint ? describedBy : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <Message id={describedBy} error={props.error} hint={props.hint} />
      {props.children}
    </div>
  );
}

interface CheckFieldProps {
  id: string;
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  hint?: string;
  disabled?: boolean;
}

export function CheckField({ id, label, checked, onChange, hint, disabled }: CheckFieldProps) {
  const describedBy = `${id}-msg`;
  return (
    <div className="field field-check">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-describedby={hint ? describedBy : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      <Message id={describedBy} hint={hint} />
    </div>
  );
}

/** A section of the settings page; the side navigation scrolls to it by `id`. */
export function Section({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <section
      id={`settings-section-${id}`}
      className="settings-section"
      aria-labelledby={`settings-section-${id}-title`}
      data-section={id}
    >
      <h2 id={`settings-section-${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}
