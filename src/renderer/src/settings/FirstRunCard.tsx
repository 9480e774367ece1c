import { PlugZap } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { UserSettingsSchema, type SettingsView } from '../../../shared/settings.ts';
import { Button, Input } from '../ui/index.ts';
import { ConnectionTest } from './ConnectionTest.tsx';
import { useSettings } from './settings-connection.ts';
import type { SettingsState } from './settings-store.ts';

const DISMISSED = 'clawdesk.firstRunDismissed';

function wasDismissed(): boolean {
  try {
    return window.localStorage.getItem(DISMISSED) === '1';
  } catch {
    return false;
  }
}

function skipForGood(): void {
  try {
    window.localStorage.setItem(DISMISSED, '1');
  } catch {
    // Skipped for this page only.
  }
}

/**
 * First run: no gateway token yet. Gateway URL, token and agent in one card, "Test connection"
 * to learn at once what is wrong, and Save. Gone once a token is set (or the user skips it).
 */
export function FirstRunCard() {
  const settings = useSettings((s) => s.settings);
  const [dismissed, setDismissed] = useState(wasDismissed);
  if (!settings || settings.tokenSet || dismissed) return null;
  const skip = (): void => {
    skipForGood();
    setDismissed(true);
  };
  return <FirstRunForm settings={settings} onSkip={skip} />;
}

interface Fields {
  gatewayUrl: string;
  token: string;
  agentId: string;
}

/** What Test connection may send: only values that could be right (the rest: the saved ones). */
function testParams({ gatewayUrl, token, agentId }: Fields) {
  return {
    ...(/^https?:\/\/\S+$/.test(gatewayUrl.trim()) ? { gatewayUrl: gatewayUrl.trim() } : {}),
    ...(token ? { token } : {}),
    ...(/^[A-Za-z0-9_.-]{1,64}$/.test(agentId.trim()) ? { agentId: agentId.trim() } : {}),
  };
}

/**
 * Saves the URL and agent (checked first: the answer is what is wrong, or null with no
 * words, or undefined when the values went out) and the token when one was typed.
 */
function saveFirstRun(
  fields: Fields,
  update: SettingsState['update'],
  failed: (error: unknown) => void,
): string | null | undefined {
  const checked = UserSettingsSchema.pick({ gatewayUrl: true, agentId: true }).safeParse({
    gatewayUrl: fields.gatewayUrl.trim(),
    agentId: fields.agentId.trim(),
  });
  if (!checked.success) return checked.error.issues[0]?.message ?? null;
  const { token } = fields;
  update({ ...checked.data, ...(token ? { token } : {}) }).catch(failed);
  return undefined;
}

function FirstRunForm({ settings, onSkip }: { settings: SettingsView; onSkip: () => void }) {
  const { t } = useTranslation('settings');
  const update = useSettings((s) => s.update);
  const [url, setUrl] = useState<string | null>(null);
  const [token, setToken] = useState('');
  const [agent, setAgent] = useState<string | null>(null);
  const [agents, setAgents] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const fields = {
    gatewayUrl: url ?? settings.gatewayUrl,
    token,
    agentId: agent ?? settings.agentId,
  };

  const save = (event: FormEvent): void => {
    event.preventDefault();
    const problemOf = (error: unknown): string =>
      error instanceof Error ? error.message : String(error);
    const invalid = saveFirstRun(fields, update, (error) => setProblem(problemOf(error)));
    setProblem(invalid === undefined ? null : (invalid ?? t('errors.invalid')));
  };
  return (
    <form className="first-run" aria-labelledby="first-run-title" onSubmit={save} noValidate>
      <h3 id="first-run-title" className="first-run-title">
        <PlugZap size={18} aria-hidden="true" />
        {t('firstRun.title')}
      </h3>
      <p className="first-run-lead">{t('firstRun.lead')}</p>
      <FirstRunFields fields={fields} agents={agents} set={{ setUrl, setToken, setAgent }} />
      <ConnectionTest onAgents={setAgents} params={() => testParams(fields)} />
      {problem && (
        <p role="alert" className="settings-problem">
          {problem}
        </p>
      )}
      <div className="first-run-actions">
        <Button variant="ghost" onClick={onSkip}>
          {t('firstRun.skip')}
        </Button>
        <Button type="submit" variant="primary">
          {t('firstRun.save')}
        </Button>
      </div>
    </form>
  );
}

function FirstRunFields(props: {
  fields: Fields;
  agents: string[];
  set: { setUrl(v: string): void; setToken(v: string): void; setAgent(v: string): void };
}) {
  const { t } = useTranslation('settings');
  const { fields, set } = props;
  return (
    <>
      <label htmlFor="first-run-url">{t('fields.gatewayUrl')}</label>
      <Input
        id="first-run-url"
        type="url"
        value={fields.gatewayUrl}
        onChange={(e) => set.setUrl(e.target.value)}
      />
      <label htmlFor="first-run-token">{t('fields.token')}</label>
      <Input
        id="first-run-token"
        type="password"
        autoComplete="new-password"
        placeholder={t('token.placeholderEmpty')}
        value={fields.token}
        onChange={(e) => set.setToken(e.target.value)}
      />
      <label htmlFor="first-run-agent">{t('fields.agentId')}</label>
      <Input
        id="first-run-agent"
        list="first-run-agents"
        value={fields.agentId}
        onChange={(e) => set.setAgent(e.target.value)}
      />
      <datalist id="first-run-agents">
        {props.agents.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
    </>
  );
}
