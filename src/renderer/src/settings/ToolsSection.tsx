import { useTranslation } from 'react-i18next';
import type { SettingsView } from '../../../shared/settings.ts';
import { Select } from '../ui/index.ts';
import { CheckField, Section, TextField } from './fields.tsx';
import { EXEC_TOOLS, TOOL_NAMES, TOOL_POLICIES, type ToolName, type ToolPolicy } from './form.ts';
import type { useSettingsForm } from './use-settings-form.ts';

type Form = ReturnType<typeof useSettingsForm>;

const isExec = (name: ToolName): boolean => (EXEC_TOOLS as readonly string[]).includes(name);

/** What the OS sandbox found at start does for exec tools, in one sentence. */
function SandboxNote({ sandbox }: { sandbox: SettingsView['toolSandbox'] }) {
  const { t } = useTranslation('settings');
  const none = sandbox.kind === 'none';
  return (
    <p
      className={none ? 'field-error' : 'field-hint'}
      data-testid="tool-sandbox"
      data-kind={sandbox.kind}
    >
      {t(`sandbox.${sandbox.kind}`, { detail: sandbox.detail })}
    </p>
  );
}

/** Each tool's policy; "allow" is not offered for exec tools without a sandbox. */
function PolicyGrid({ form, confined }: { form: Form; confined: boolean }) {
  const { t } = useTranslation('settings');
  const { values } = form;
  return (
    <div className="field-grid">
      {TOOL_NAMES.map((name) => (
        <div className="field" key={name}>
          <label htmlFor={`settings-tool-${name}`}>{name}</label>
          <Select
            id={`settings-tool-${name}`}
            value={values.toolPolicies[name]}
            options={TOOL_POLICIES.map((policy) => ({
              value: policy,
              label: t(`toolPolicies.${policy}`),
              disabled: policy === 'allow' && isExec(name) && !confined,
            }))}
            onChange={(v) =>
              form.change('toolPolicies', { ...values.toolPolicies, [name]: v as ToolPolicy })
            }
          />
        </div>
      ))}
    </div>
  );
}

/**
 * Settings → Tools (issues 6 and 13): on/off, the workspace, each tool's policy, and per exec
 * tool whether its sandbox has network. Without an OS sandbox, "allow" is not offered for exec
 * tools (main refuses it too) and the network switches do nothing, so they are disabled.
 */
export function ToolsSection({
  form,
  sandbox,
}: {
  form: Form;
  sandbox: SettingsView['toolSandbox'];
}) {
  const { t } = useTranslation('settings');
  const { values, errors } = form;
  const confined = sandbox.kind !== 'none';
  return (
    <Section id="tools" title={t('sections.tools')}>
      <CheckField
        id="settings-toolsEnabled"
        label={t('fields.toolsEnabled')}
        checked={values.toolsEnabled}
        onChange={(v) => form.change('toolsEnabled', v)}
      />
      <TextField
        id="settings-toolsWorkspace"
        label={t('fields.toolsWorkspace')}
        value={values.toolsWorkspace}
        error={errors.toolsWorkspace}
        hint={t('hints.toolsWorkspace')}
        placeholder={t('placeholders.toolsWorkspace')}
        onChange={(v) => form.change('toolsWorkspace', v)}
      />
      <SandboxNote sandbox={sandbox} />
      <p className="field-hint">{t('hints.toolPolicies')}</p>
      <PolicyGrid form={form} confined={confined} />
      {EXEC_TOOLS.map((name) => (
        <CheckField
          key={name}
          id={`settings-network-${name}`}
          label={t('fields.toolNetwork', { tool: name })}
          checked={values.toolNetwork[name]}
          disabled={!confined}
          hint={confined ? undefined : t('hints.toolNetworkUnconfined')}
          onChange={(v) => form.change('toolNetwork', { ...values.toolNetwork, [name]: v })}
        />
      ))}
    </Section>
  );
}
