import { useTranslation } from 'react-i18next';
import type { SettingsView as StoredSettings } from '../../../shared/settings.ts';
import { StorageBanner } from '../storage/StorageBanner.tsx';
import { LANGUAGES_ORDER } from './languages.ts';
import { CheckField, Section, TextField } from './fields.tsx';
import { LANES, laneKey, type NumberKey } from './form.ts';
import { useSettings } from './settings-connection.ts';
import { ToolsSection } from './ToolsSection.tsx';
import { useSettingsForm, type Status } from './use-settings-form.ts';
import './settings.css';

const LIMIT_FIELDS: NumberKey[] = [
  'perWindow',
  'windowSeconds',
  'maxConcurrent',
  'workerCount',
  'maxAttempts',
  'maxUnfinished',
];

function StatusLine({ status }: { status: Status | null }) {
  const { t } = useTranslation('settings');
  const ok = status && status.kind !== 'refused' && status.kind !== 'invalid';
  return (
    <>
      <p role="status" className="settings-status" data-testid="settings-status">
        {ok ? t(`status.${status.kind}`) : ''}
      </p>
      {status && !ok && (
        <p role="alert" className="settings-problem" data-testid="settings-problem">
          {status.kind === 'refused'
            ? t('status.refused', { message: status.message })
            : t('status.invalid')}
        </p>
      )}
    </>
  );
}

function SettingsForm({ settings }: { settings: StoredSettings }) {
  const { t } = useTranslation('settings');
  const form = useSettingsForm(settings);
  const { values, errors } = form;
  const numberField = (key: NumberKey, label: string) => (
    <TextField
      key={key}
      id={`settings-${key}`}
      label={label}
      inputMode="decimal"
      value={values[key]}
      error={errors[key]}
      onChange={(v) => form.change(key, v)}
    />
  );

  return (
    <form className="settings-form" noValidate onSubmit={(e) => void form.save(e)}>
      <Section title={t('sections.gateway')}>
        <TextField
          id="settings-gatewayUrl"
          label={t('fields.gatewayUrl')}
          type="url"
          value={values.gatewayUrl}
          error={errors.gatewayUrl}
          hint={t('hints.gatewayUrl')}
          onChange={(v) => form.change('gatewayUrl', v)}
        />
        <TextField
          id="settings-token"
          label={t('fields.token')}
          type="password"
          autoComplete="new-password"
          value={form.token}
          error={errors.token}
          hint={t('hints.token')}
          placeholder={t(settings.tokenSet ? 'token.placeholderSet' : 'token.placeholderEmpty')}
          onChange={form.changeToken}
        >
          <div className="token-state">
            <span data-testid="token-state">
              {t(settings.tokenSet ? 'token.set' : 'token.notSet')}
            </span>
            <span className="token-storage" data-testid="token-storage">
              {t(`token.storage.${settings.tokenStorage}`)}
            </span>
            <button
              type="button"
              disabled={!settings.tokenSet || form.busy}
              onClick={() => void form.clearToken()}
            >
              {t('token.clear')}
            </button>
          </div>
        </TextField>
        <TextField
          id="settings-agentId"
          label={t('fields.agentId')}
          value={values.agentId}
          error={errors.agentId}
          onChange={(v) => form.change('agentId', v)}
        />
      </Section>

      <Section title={t('sections.limits')}>
        <div className="field-grid">
          {LIMIT_FIELDS.map((key) => numberField(key, t(`fields.${key}`)))}
        </div>
      </Section>

      <Section title={t('sections.timeouts')}>
        <p className="field-hint">{t('hints.timeouts')}</p>
        <div className="field-grid field-grid-pairs">
          {LANES.map((lane) => {
            const name = t(`lanes.${lane}`);
            return [
              numberField(laneKey(lane, 'Total'), t('fields.total', { lane: name })),
              numberField(laneKey(lane, 'Stall'), t('fields.stall', { lane: name })),
            ];
          })}
        </div>
      </Section>

      <Section title={t('sections.retention')}>
        {numberField('retentionDays', t('fields.retentionDays'))}
      </Section>

      <Section title={t('sections.cache')}>
        <CheckField
          id="settings-cacheEnabled"
          label={t('fields.cacheEnabled')}
          checked={values.cacheEnabled}
          onChange={(v) => form.change('cacheEnabled', v)}
        />
        {numberField('cacheTtlMinutes', t('fields.cacheTtlMinutes'))}
      </Section>

      <Section title={t('sections.notifications')}>
        <CheckField
          id="settings-notifications"
          label={t('fields.notifications')}
          checked={values.notifications}
          hint={form.notificationsDenied ? t('hints.notificationsDenied') : undefined}
          onChange={form.changeNotifications}
        />
      </Section>

      <ToolsSection form={form} sandbox={settings.toolSandbox} />

      <Section title={t('sections.language')}>
        <div className="field">
          <label htmlFor="settings-language">{t('fields.language')}</label>
          <select
            id="settings-language"
            value={values.language}
            onChange={(e) => form.change('language', e.target.value as typeof values.language)}
          >
            {LANGUAGES_ORDER.map((lng) => (
              <option key={lng} value={lng}>
                {t(`languages.${lng}`)}
              </option>
            ))}
          </select>
        </div>
      </Section>

      <div className="settings-actions">
        <button type="submit" className="primary" disabled={form.busy}>
          {form.busy ? t('saving') : t('save')}
        </button>
        <StatusLine status={form.status} />
      </div>
    </form>
  );
}

/**
 * Settings (issue 5): gateway, token, limits, timeouts, retention, notifications, local tools
 * (issue 6), language.
 */
export function SettingsView() {
  const { t } = useTranslation('settings');
  const settings = useSettings((s) => s.settings);
  const loadError = useSettings((s) => s.loadError);
  const reload = useSettings((s) => s.reload);
  return (
    <main className="settings" aria-label={t('title')}>
      <h1 className="title">{t('title')}</h1>
      <StorageBanner />
      {settings ? (
        <SettingsForm settings={settings} />
      ) : loadError ? (
        <div className="settings-problem" role="alert">
          <p>{t('loadFailed', { message: loadError })}</p>
          <button type="button" onClick={reload}>
            {t('retry')}
          </button>
        </div>
      ) : (
        <p className="settings-loading">{t('loading')}</p>
      )}
    </main>
  );
}
