import type { ConnectionStatus as Status } from '../api/types.ts';
import { useChat } from '../store/context.tsx';

const TEXT: Record<Status, string> = {
  connecting: 'Connecting…',
  online: 'Connected',
  offline: 'Connection lost, reconnecting…',
  // The headless server makes a new token at each start unless CLAWDESK_UI_TOKEN is set, and
  // a browser cannot tell a refused token from a server that is down: say both.
  unreachable:
    'Cannot reach ClawDesk, still trying. If its server was restarted, open the new address it printed.',
};

export function ConnectionStatus() {
  const status = useChat((s) => s.connection);
  return (
    <div role="status" className="connection" data-testid="connection" data-status={status}>
      <span className="dot" aria-hidden="true" />
      {TEXT[status]}
    </div>
  );
}
