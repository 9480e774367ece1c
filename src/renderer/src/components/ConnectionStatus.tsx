import { useTranslation } from 'react-i18next';
import { useChat } from '../store/context.tsx';

// The headless server makes a new token at each start unless CLAWDESK_UI_TOKEN is set, and a
// browser cannot tell a refused token or origin from a server that is down: "unreachable" says
// all three, naming this page's origin for --allow-origin.
export function ConnectionStatus() {
  const { t } = useTranslation('chat');
  const status = useChat((s) => s.connection);
  return (
    <div role="status" className="connection" data-testid="connection" data-status={status}>
      <span className="dot" aria-hidden="true" />
      {t(`connection.${status}`, { origin: window.location.origin })}
    </div>
  );
}
