import { useTranslation } from 'react-i18next';
import { CheckField, Section, TextField } from './fields.tsx';
import type { Form } from './SettingsSections.tsx';

/**
 * Settings → Budget (issue 15): share the limits with every install on the same Redis and
 * budget name. The URL comes with its password as `***`; left so, the stored one is kept.
 */
export function BudgetSection({ form }: { form: Form }) {
  const { t } = useTranslation('settings');
  const { values, errors } = form;
  return (
    <Section id="budget" title={t('sections.budget')}>
      <p className="field-hint">{t('hints.budget')}</p>
      <CheckField
        id="settings-budgetEnabled"
        label={t('fields.budgetEnabled')}
        checked={values.budgetEnabled}
        onChange={(v) => form.change('budgetEnabled', v)}
      />
      <TextField
        id="settings-budgetUrl"
        label={t('fields.budgetUrl')}
        type="url"
        value={values.budgetUrl}
        error={errors.budgetUrl}
        hint={t('hints.budgetUrl')}
        placeholder="redis://127.0.0.1:6379"
        onChange={(v) => form.change('budgetUrl', v)}
      />
      <div className="field-grid">
        <TextField
          id="settings-budgetName"
          label={t('fields.budgetName')}
          value={values.budgetName}
          error={errors.budgetName}
          onChange={(v) => form.change('budgetName', v)}
        />
        <TextField
          id="settings-budgetInstallName"
          label={t('fields.budgetInstallName')}
          value={values.budgetInstallName}
          error={errors.budgetInstallName}
          hint={t('hints.budgetInstallName')}
          onChange={(v) => form.change('budgetInstallName', v)}
        />
      </div>
    </Section>
  );
}
