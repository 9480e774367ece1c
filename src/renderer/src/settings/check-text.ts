import type { TFunction } from 'i18next';
import type { GatewayCheck } from '../../../shared/gateway-check.ts';

/** What "Test connection" found, in the settings namespace's words: exactly what to fix. */
export function checkText(check: GatewayCheck, t: TFunction): string {
  const values = {
    url: check.url,
    agent: check.agentId,
    agents: check.agents.length > 0 ? check.agents.join(', ') : '—',
    status: check.status ?? '',
    reason: check.reason ?? '',
  };
  if (check.ok) return t('check.ok', values);
  return t(`check.${check.problem ?? 'unexpected'}`, values);
}
