import { useChat } from '../store/context.tsx';

/**
 * A refused token stops every request, not one message: say so once, above the chat, with
 * what to do. Messages stay queued meanwhile (main probes the gateway again every minute).
 */
export function TokenBanner() {
  const rejected = useChat((s) => s.upstream?.auth.state === 'rejected');
  if (!rejected) return null;
  return (
    <div className="token-banner" role="alert" data-testid="token-banner">
      The gateway rejected the token. Set CLAWDESK_GATEWAY_TOKEN (from gateway.auth.token in
      OpenClaw&apos;s config) and restart; messages wait meanwhile.
    </div>
  );
}
