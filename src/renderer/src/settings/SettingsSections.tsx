import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsView as StoredSettings } from '../../../shared/settings.ts';
import { Button, Select } from '../ui/index.ts';
import { THEME_CHOICES, useTheme, type ThemeChoice } from '../ui/theme.ts';
import { ConnectionTest } from './ConnectionTest.tsx';
import { CheckField, Section, TextField } from './fields.tsx';
import { LANES, laneKey, type NumberKey } from './form.ts';
import { LANGUAGES_ORDER } from './languages.ts';
import type { useSettingsForm } from './use-settings-form.ts';

export type Form = ReturnType<typeof useSettingsForm>;

const LIMIT_FIELDS: NumberKey[] = [
  'perWindow',
  'windowSeconds',
  'maxConcurrent',
  'workerCount',
  'maxAttempts',
  'maxUnfinished',
];

function useNumberField(form: Form) {
  return (key: NumberKey, label: string) => (
    <TextField
      key={key}
      id={`settings-${key}`}
      label={label}
      inputMode="decimal"
      value={form.values[key]}
      error={form.errors[key]}
      onChange={(v) => form.change(key, v)}
    />
  );
}

/** Whether a token is saved, where it is kept, and Clear. */
function TokenState({ form, settings }: { form: Form; settings: StoredSettings }) {
  const { t } = useTranslation('settings');
  return (
    <div className="token-state">
      <span data-testid="token-state">{t(settings.tokenSet ? 'token.set' : 'token.notSet')}</span>
      <span className="token-storage" data-testid="token-storage">
        {t(`token.storage.${settings.tokenStorage}`)}
      </span>
      <Button
        size="sm"
        disabled={!settings.tokenSet || form.busy}
        onClick={() => void form.clearToken()}
      >
        {t('token.clear')}
      </Button>
    </div>
  );
}

/** The agent, offered from the agents the last connection test found. */
function AgentField({ form, agents }: { form: Form; agents: string[] }) {
  const { t } = useTranslation('settings');
  return (
    <>
      <TextField
        id="settings-agentId"
        label={t('fields.agentId')}
        value={form.values.agentId}
        error={form.errors.agentId}
        hint={agents.length > 0 ? t('hints.agents', { agents: agents.join(', ') }) : undefined}
        list="settings-agents"
        onChange={(v) => form.change('agentId', v)}
      />
      <datalist id="settings-agents">
        {agents.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
    </>
  );
}

/** Gateway URL, token and agent, with "Test connection" on what is typed (saved or not). */
export function ConnectionSection({ form, settings }: { form: Form; settings: StoredSettings }) {
  const { t } = useTranslation('settings');
  const { values, errors } = form;
  const [agents, setAgents] = useState<string[]>([]);
  return (
    <Section id="connection" title={t('sections.connection')}>
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
        <TokenState form={form} settings={settings} />
      </TextField>
      <AgentField form={form} agents={agents} />
      <ConnectionTest
        onAgents={setAgents}
        params={() => ({
          ...(errors.gatewayUrl ? {} : { gatewayUrl: values.gatewayUrl.trim() }),
          ...(form.token ? { token: form.token } : {}),
          ...(errors.agentId ? {} : { agentId: values.agentId.trim() }),
        })}
      />
    </Section>
  );
}

/** Each lane's timeouts, and how long a message may wait for the gateway or the provider. */
function TimingSections({ form }: { form: Form }) {
  const { t } = useTranslation('settings');
  const numberField = useNumberField(form);
  return (
    <>
      <Section id="timeouts" title={t('sections.timeouts')}>
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
      <Section id="waits" title={t('sections.waits')}>
        <p className="field-hint">{t('hints.waits')}</p>
        <div className="field-grid">
          {(['interactive', 'short', 'long'] as const).map((lane) =>
            numberField(
              `waitGateway${lane.charAt(0).toUpperCase()}${lane.slice(1)}` as NumberKey,
              t('fields.waitGateway', { lane: t(`lanes.${lane}`) }),
            ),
          )}
          {numberField('waitRateLimit', t('fields.waitRateLimit'))}
        </div>
      </Section>
    </>
  );
}

export function LimitSections({ form }: { form: Form }) {
  const { t } = useTranslation('settings');
  const numberField = useNumberField(form);
  return (
    <>
      <Section id="limits" title={t('sections.limits')}>
        <div className="field-grid">
          {LIMIT_FIELDS.map((key) => numberField(key, t(`fields.${key}`)))}
        </div>
      </Section>
      <TimingSections form={form} />
      <Section id="retention" title={t('sections.retention')}>
        {numberField('retentionDays', t('fields.retentionDays'))}
        <CheckField
          id="settings-cacheEnabled"
          label={t('fields.cacheEnabled')}
          checked={form.values.cacheEnabled}
          onChange={(v) => form.change('cacheEnabled', v)}
        />
        {numberField('cacheTtlMinutes', t('fields.cacheTtlMinutes'))}
      </Section>
      <Section id="guard" title={t('sections.guard')}>
        <p className="field-hint">{t('hints.guard')}</p>
        <div className="field-grid">
          {numberField('guardMemoryMb', t('fields.guardMemoryMb'))}
          {numberField('guardFreeDiskMb', t('fields.guardFreeDiskMb'))}
        </div>
      </Section>
    </>
  );
}

export function NotificationsSection({ form }: { form: Form }) {
  const { t } = useTranslation('settings');
  return (
    <Section id="notifications" title={t('sections.notifications')}>
      <CheckField
        id="settings-notifications"
        label={t('fields.notifications')}
        checked={form.values.notifications}
        hint={form.notificationsDenied ? t('hints.notificationsDenied') : undefined}
        onChange={form.changeNotifications}
      />
    </Section>
  );
}

/** Language (saved with the settings) and the theme (this device's look, applied at once). */
export function AppearanceSection({ form }: { form: Form }) {
  const { t } = useTranslation('settings');
  const { t: common } = useTranslation('common');
  const theme = useTheme((s) => s.choice);
  const setTheme = useTheme((s) => s.set);
  return (
    <Section id="appearance" title={t('sections.appearance')}>
      <div className="field-grid">
        <div className="field">
          <label htmlFor="settings-language">{t('fields.language')}</label>
          <Select
            id="settings-language"
            value={form.values.language}
            options={LANGUAGES_ORDER.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
            onChange={(v) => form.change('language', v as typeof form.values.language)}
          />
        </div>
        <div className="field">
          <label htmlFor="settings-theme">{t('fields.theme')}</label>
          <Select
            id="settings-theme"
            value={theme}
            aria-describedby="settings-theme-msg"
            options={THEME_CHOICES.map((c) => ({ value: c, label: common(`theme.${c}`) }))}
            onChange={(v) => setTheme(v as ThemeChoice)}
          />
          <p id="settings-theme-msg" className="field-hint">
            {t('hints.theme')}
          </p>
        </div>
      </div>
    </Section>
  );
}
