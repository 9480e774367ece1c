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
import type { SettingsState } from './settings-store.ts';

export type Status =
  | { kind: 'saved' | 'noChanges' | 'tokenCleared' | 'invalid' }
  | { kind: 'refused'; message: string };

const MAX_TOKEN = 4096;

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : 'unknown error';

const sameForm = (a: FormValues, b: FormValues): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The form's state; settings changed elsewhere replace it unless the user is editing. */
function useFormState(settings: SettingsView) {
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
  return {
    ...{ base, setBase, values, setValues, token, setToken, errors, setErrors },
    ...{ status, setStatus, busy, setBusy, notificationsDenied, setNotificationsDenied, dirty },
  };
}
type FormState = ReturnType<typeof useFormState>;

/** Typing: each field checked as it changes; Cancel; the notifications switch; the token. */
function editActions(f: FormState) {
  /** Checked as it is typed: the field's own problem shows at once, not only at Save. */
  function change<K extends keyof FormValues>(key: K, value: FormValues[K]): void {
    const next = { ...f.values, [key]: value };
    f.setValues(next);
    f.setStatus(null);
    const problem = readForm(next, f.base).errors[key];
    f.setErrors(({ [key]: _, ...rest }) => (problem ? { ...rest, [key]: problem } : rest));
  }
  return {
    change,
    /** Back to what is saved: every field, the typed token and the problems go. */
    cancel(): void {
      f.setValues(toForm(f.base));
      f.setToken('');
      f.setErrors({});
      f.setStatus(null);
    },
    changeNotifications(enabled: boolean): void {
      change('notifications', enabled);
      f.setNotificationsDenied(false);
      // Asked from this click: the browser only asks during a user gesture.
      if (enabled) {
        void askNotificationPermission().then((p) => f.setNotificationsDenied(p === 'denied'));
      }
    },
    changeToken(value: string): void {
      f.setToken(value);
      f.setStatus(null);
      if (f.errors.token) f.setErrors(({ token: _, ...rest }) => rest);
    },
  };
}

type Update = SettingsState['update'];

/** A refusal from main: on its field when the message names one, and in the status line. */
function refused(f: FormState, error: unknown): void {
  const message = describe(error);
  const field = fieldOfServerError(message);
  f.setErrors(field ? { [field]: { key: 'errors.server', values: { message } } } : {});
  f.setStatus({ kind: 'refused', message });
}

/** Save: checks every field, sends only what changed (and a typed token), shows the answer. */
async function saveForm(f: FormState, update: Update, event?: FormEvent): Promise<void> {
  event?.preventDefault();
  if (f.busy) return;
  const checked = readForm(f.values, f.base);
  const found: FieldErrors = { ...checked.errors };
  if (f.token.length > MAX_TOKEN) found.token = { key: 'errors.tokenLength' };
  f.setErrors(found);
  if (!checked.settings || Object.keys(found).length > 0) {
    f.setStatus({ kind: 'invalid' });
    return;
  }
  const patch = changedFields(f.base, checked.settings);
  if (f.token !== '') patch.token = f.token;
  if (Object.keys(patch).length === 0) {
    f.setStatus({ kind: 'noChanges' });
    return;
  }
  f.setBusy(true);
  f.setStatus(null);
  try {
    const stored = await update(patch);
    f.setBase(stored);
    f.setValues(toForm(stored));
    f.setToken('');
    f.setStatus({ kind: 'saved' });
  } catch (error) {
    refused(f, error);
  } finally {
    f.setBusy(false);
  }
}

async function clearToken(f: FormState, update: Update): Promise<void> {
  if (f.busy) return;
  f.setBusy(true);
  f.setStatus(null);
  try {
    await update({ token: '' });
    f.setToken('');
    f.setStatus({ kind: 'tokenCleared' });
  } catch (error) {
    refused(f, error);
  } finally {
    f.setBusy(false);
  }
}

/** The settings form's state: what is typed, what is wrong with it, and Save. */
export function useSettingsForm(settings: SettingsView) {
  const update = useSettings((s) => s.update);
  const f = useFormState(settings);
  const loaded = toForm(f.base);
  /** The fields that differ from what is saved (the side navigation marks their sections). */
  const changed = (Object.keys(f.values) as (keyof FormValues)[]).filter(
    (key) => JSON.stringify(f.values[key]) !== JSON.stringify(loaded[key]),
  );
  return {
    values: f.values,
    dirty: f.dirty,
    changed: f.token !== '' ? [...changed, 'token' as const] : changed,
    token: f.token,
    errors: f.errors,
    status: f.status,
    busy: f.busy,
    notificationsDenied: f.notificationsDenied,
    ...editActions(f),
    save: (event?: FormEvent) => saveForm(f, update, event),
    clearToken: () => clearToken(f, update),
  };
}
