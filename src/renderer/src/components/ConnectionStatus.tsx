import { useTranslation } from 'react-i18next';
import { useChat } from '../store/context.tsx';

// "Unreachable" stays short: the access banner asks the server why and says what to do.
export function ConnectionStatus() {
  const { t } = useTranslation('chat');
  const status = useChat((s) => s.connection);
  return (
    <div role="status" className="connection" data-testid="connection" data-status={status}>
      <span className="dot" aria-hidden="true" />
      {t(`connection.${status}`)}
    </div>
  );
}
