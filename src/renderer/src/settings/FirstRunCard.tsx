import { PlugZap } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { UserSettingsSchema } from '../../../shared/settings.ts';
import { Button, Input } from '../ui/index.ts';
import { ConnectionTest } from './ConnectionTest.tsx';
import { useSettings } from './settings-connection.ts';

const DISMISSED = 'clawdesk.firstRunDismissed';

function wasDismissed(): boolean {
  try {
    return window.localStorage.getItem(DISMISSED) === '1';
  } catch {
    return false;
  }
}

/**
 * First run: no gateway token yet. Gateway URL, token and agent in one card, "Test connection"
 * to learn at once what is wrong, and Save. Gone once a token is set (or the user skips it).
 */
export function FirstRunCard() {
  const { t } = useTranslation('settings');
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const [dismissed, setDismissed] = useState(wasDismissed);
  const [url, setUrl] = useState<string | null>(null);
  const [token, setToken] = useState('');
  const [agent, setAgent] = useState<string | null>(null);
  const [agents, setAgents] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  if (!settings || settings.tokenSet || dismissed) return null;
  const gatewayUrl = url ?? settings.gatewayUrl;
  const agentId = agent ?? settings.agentId;

  const save = (event: FormEvent): void => {
    event.preventDefault();
    const checked = UserSettingsSchema.pick({ gatewayUrl: true, agentId: true }).safeParse({
      gatewayUrl: gatewayUrl.trim(),
      agentId: agentId.trim(),
    });
    if (!checked.success) {
      setProblem(checked.error.issues[0]?.message ?? t('errors.invalid'));
      return;
    }
    setProblem(null);
    update({ ...checked.data, ...(token ? { token } : {}) }).catch((error: unknown) =>
      setProblem(error instanceof Error ? error.message : String(error)),
    );
  };
  const skip = (): void => {
    try {
      window.localStorage.setItem(DISMISSED, '1');
    } catch {
      // Skipped for this page only.
    }
    setDismissed(true);
  };

  return (
    <form className="first-run" aria-labelledby="first-run-title" onSubmit={save} noValidate>
      <h3 id="first-run-title" className="first-run-title">
        <PlugZap size={18} aria-hidden="true" />
        {t('firstRun.title')}
      </h3>
      <p className="first-run-lead">{t('firstRun.lead')}</p>
      <label htmlFor="first-run-url">{t('fields.gatewayUrl')}</label>
      <Input
        id="first-run-url"
        type="url"
        value={gatewayUrl}
        onChange={(e) => setUrl(e.target.value)}
      />
      <label htmlFor="first-run-token">{t('fields.token')}</label>
      <Input
        id="first-run-token"
        type="password"
        autoComplete="new-password"
        placeholder={t('token.placeholderEmpty')}
        value={token}
        onChange={(e) => setToken(e.target.value)}
      />
      <label htmlFor="first-run-agent">{t('fields.agentId')}</label>
      <Input
        id="first-run-agent"
        list="first-run-agents"
        value={agentId}
        onChange={(e) => setAgent(e.target.value)}
      />
      <datalist id="first-run-agents">
        {agents.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <ConnectionTest
        onAgents={setAgents}
        params={() => ({
          ...(/^https?:\/\/\S+$/.test(gatewayUrl.trim()) ? { gatewayUrl: gatewayUrl.trim() } : {}),
          ...(token ? { token } : {}),
          ...(/^[A-Za-z0-9_.-]{1,64}$/.test(agentId.trim()) ? { agentId: agentId.trim() } : {}),
        })}
      />
      {problem && (
        <p role="alert" className="settings-problem">
          {problem}
        </p>
      )}
      <div className="first-run-actions">
        <Button variant="ghost" onClick={skip}>
          {t('firstRun.skip')}
        </Button>
        <Button type="submit" variant="primary">
          {t('firstRun.save')}
        </Button>
      </div>
    </form>
  );
}
