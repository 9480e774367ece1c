import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { useShallow } from 'zustand/react/shallow';
import { useChat } from '../store/context.tsx';
import { useUi } from '../store/ui-store.ts';
import { gatewayProblem } from './gateway-problem.ts';
import { existingSettingsStore } from './settings-connection.ts';
import type { SettingsState } from './settings-store.ts';
import { gatewayDownText } from '../components/task-status.ts';
import { Button } from '../ui/index.ts';
import './settings.css';

const MESSAGE = {
  unreachable: 'banner.unreachable',
  rejected: 'banner.rejected',
  'endpoint-disabled': 'banner.endpointDisabled',
} as const;

const NO_SETTINGS = createStore<Pick<SettingsState, 'settings'>>(() => ({ settings: null }));

/** The configured URL when the settings are loaded already; the banner opens no connection. */
function useConfiguredUrl(): string | null {
  const store = existingSettingsStore() ?? NO_SETTINGS;
  return useStore(store, (s) => s.settings?.gatewayUrl ?? null);
}

/**
 * Said once above the chat when the gateway stops every message: it cannot be reached, it
 * refuses the token, or its OpenAI-compatible endpoint is off. Messages wait meanwhile.
 */
export function GatewayBanner() {
  const { t } = useTranslation('settings');
  const { t: chatT } = useTranslation('chat');
  const problem = useChat(
    useShallow((s) => {
      const found = gatewayProblem(Object.values(s.tasks), s.upstream);
      return { kind: found?.kind ?? null, url: found?.url ?? null };
    }),
  );
  const down = useChat((s) => (s.upstream?.gateway.state === 'down' ? s.upstream.gateway : null));
  const configured = useConfiguredUrl();
  const openSettings = useUi((s) => s.openSettings);
  if (down) {
    // Issue 12: the core knows the gateway is down and probes it; messages wait, no attempt spent.
    return (
      <div
        className="problem-banner gateway-banner"
        role="alert"
        data-testid="gateway-banner"
        data-problem="gateway-down"
      >
        <p>
          {gatewayDownText(down, chatT)} {t('banner.messagesWait')}
        </p>
        <Button size="sm" onClick={() => openSettings('connection')}>
          {t('banner.openSettings')}
        </Button>
      </div>
    );
  }
  if (!problem.kind) return null;
  // The address the failed call used; else the one in the settings.
  const url = problem.url ?? configured ?? t('banner.theGateway');
  return (
    <div
      className="problem-banner gateway-banner"
      role="alert"
      data-testid="gateway-banner"
      data-problem={problem.kind}
    >
      <p>{t(MESSAGE[problem.kind], { url })}</p>
      <Button size="sm" onClick={() => openSettings('connection')}>
        {t('banner.openSettings')}
      </Button>
    </div>
  );
}
