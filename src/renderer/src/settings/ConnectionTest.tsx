import { PlugZap } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { GatewayCheck } from '../../../shared/gateway-check.ts';
import type { ApiParams } from '../../../shared/ipc-contract.ts';
import { Button } from '../ui/index.ts';
import { checkText } from './check-text.ts';
import { useSettings } from './settings-connection.ts';

type State =
  | { kind: 'idle' }
  | { kind: 'testing' }
  | { kind: 'done'; check: GatewayCheck }
  | { kind: 'failed'; message: string };

/** What the result line says, and its verdict for tests and styles ('' until one is known). */
function describeState(state: State, t: TFunction): { text: string; verdict: string } {
  const text =
    state.kind === 'testing'
      ? t('check.testing')
      : state.kind === 'done'
        ? checkText(state.check, t)
        : state.kind === 'failed'
          ? t('check.failed', { message: state.message })
          : '';
  const verdict =
    state.kind === 'done' ? (state.check.ok ? 'ok' : (state.check.problem ?? 'unexpected')) : '';
  return { text, verdict };
}

/**
 * "Test connection" for the values in a form (saved or not): calls the gateway through main
 * and says exactly what is wrong. `onAgents` hears the agents the gateway serves.
 */
export function ConnectionTest({
  params,
  onAgents,
}: {
  params: () => ApiParams<'gateway.check'>;
  onAgents?: (agents: string[]) => void;
}) {
  const { t } = useTranslation('settings');
  const check = useSettings((s) => s.check);
  const [state, setState] = useState<State>({ kind: 'idle' });
  const run = (): void => {
    setState({ kind: 'testing' });
    check(params()).then(
      (result) => {
        setState({ kind: 'done', check: result });
        if (result.agents.length > 0) onAgents?.(result.agents);
      },
      (error: unknown) =>
        setState({ kind: 'failed', message: error instanceof Error ? error.message : '' }),
    );
  };
  const { text, verdict } = describeState(state, t);
  return (
    <div className="connection-test">
      <Button
        icon={<PlugZap size={15} aria-hidden="true" />}
        disabled={state.kind === 'testing'}
        onClick={run}
      >
        {t('check.button')}
      </Button>
      <p
        role="status"
        className="connection-test-result"
        data-testid="connection-test"
        data-verdict={verdict || undefined}
      >
        {text}
      </p>
    </div>
  );
}
