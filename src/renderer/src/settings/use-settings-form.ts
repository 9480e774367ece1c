import { useState, type FormEvent } from 'react';
import type { SettingsView, UserSettings } from '../../../shared/settings.ts';
import {
  changedFields,
  fieldOfServerError,
  readForm,
  toForm,
  type FieldErrors,
  type FormValues,
} from './form.ts';
import { askNotificationPermission } from './notification-permission.ts';
import { useSettings } from './settings-connection.ts';

export type Status =
  | { kind: 'saved' | 'noChanges' | 'tokenCleared' | 'invalid' }
  | { kind: 'refused'; message: string };

const MAX_TOKEN = 4096;

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : 'unknown error';

const sameForm = (a: FormValues, b: FormValues): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The settings form's state: what is typed, what is wrong with it, and Save. */
export function useSettingsForm(settings: SettingsView) {
  const update = useSettings((s) => s.update);
  const [base, setBase] = useState<UserSettings>(settings);
  const [values, setValues] = useState<FormValues>(() => toForm(settings));
  const [token, setToken] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<Status | null>(null);
  const [busy, setBusy] = useState(false);
  const [notificationsDenied, setNotificationsDenied] = useState(false);
  const [seen, setSeen] = useState(settings);

  const dirty = token !== '' || !sameForm(values, toForm(base));
  // Changed elsewhere (another window, the tray): show it, unless the user is editing.
  if (settings !== seen) {
    setSeen(settings);
    if (!dirty) {
      setBase(settings);
      setValues(toForm(settings));
    }
  }

  /** Checked as it is typed: the field's own problem shows at once, not only at Save. */
  function change<K extends keyof FormValues>(key: K, value: FormValues[K]): void {
    const next = { ...values, [key]: value };
    setValues(next);
    setStatus(null);
    const problem = readForm(next, base).errors[key];
    setErrors(({ [key]: _, ...rest }) => (problem ? { ...rest, [key]: problem } : rest));
  }

  /** Back to what is saved: every field, the typed token and the problems go. */
  function cancel(): void {
    setValues(toForm(base));
    setToken('');
    setErrors({});
    setStatus(null);
  }

  const loaded = toForm(base);
  /** The fields that differ from what is saved (the side navigation marks their sections). */
  const changed = (Object.keys(values) as (keyof FormValues)[]).filter(
    (key) => JSON.stringify(values[key]) !== JSON.stringify(loaded[key]),
  );

  function changeNotifications(enabled: boolean): void {
    change('notifications', enabled);
    setNotificationsDenied(false);
    // Asked from this click: the browser only asks during a user gesture.
    if (enabled) {
      void askNotificationPermission().then((p) => setNotificationsDenied(p === 'denied'));
    }
  }

  function changeToken(value: string): void {
    setToken(value);
    setStatus(null);
    if (errors.token) setErrors(({ token: _, ...rest }) => rest);
  }

  function refused(error: unknown): void {
    const message = describe(error);
    const field = fieldOfServerError(message);
    setErrors(field ? { [field]: { key: 'errors.server', values: { message } } } : {});
    setStatus({ kind: 'refused', message });
  }

  async function save(event?: FormEvent): Promise<void> {
    event?.preventDefault();
    if (busy) return;
    const checked = readForm(values, base);
    const found: FieldErrors = { ...checked.errors };
    if (token.length > MAX_TOKEN) found.token = { key: 'errors.tokenLength' };
    setErrors(found);
    if (!checked.settings || Object.keys(found).length > 0) {
      setStatus({ kind: 'invalid' });
      return;
    }
    const patch = changedFields(base, checked.settings);
    if (token !== '') patch.token = token;
    if (Object.keys(patch).length === 0) {
      setStatus({ kind: 'noChanges' });
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      const stored = await update(patch);
      setBase(stored);
      setValues(toForm(stored));
      setToken('');
      setStatus({ kind: 'saved' });
    } catch (error) {
      refused(error);
    } finally {
      setBusy(false);
    }
  }

  async function clearToken(): Promise<void> {
    if (busy) return;
    setBusy(true);
    setStatus(null);
    try {
      await update({ token: '' });
      setToken('');
      setStatus({ kind: 'tokenCleared' });
    } catch (error) {
      refused(error);
    } finally {
      setBusy(false);
    }
  }

  return {
    values,
    dirty,
    changed: token !== '' ? [...changed, 'token' as const] : changed,
    cancel,
    token,
    errors,
    status,
    busy,
    notificationsDenied,
    change,
    changeNotifications,
    changeToken,
    save,
    clearToken,
  };
}
