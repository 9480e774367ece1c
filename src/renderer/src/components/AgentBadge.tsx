import { Bot } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { useSettings } from '../settings/settings-connection.ts';
import { useChat } from '../store/context.tsx';
import { Select } from '../ui/index.ts';

/** The settings' agent: what a conversation without its own agent talks to. */
function useDefaultAgent(): string {
  return useSettings((s) => s.settings?.agentId ?? 'main');
}

/**
 * The chat header's agent: for a new chat a picker of the gateway's agents (the conversation
 * keeps the one it starts with); for an open one, the agent it talks to.
 */
export function AgentBadge() {
  const { t } = useTranslation('chat');
  const fallback = useDefaultAgent();
  const currentId = useChat((s) => s.currentId);
  const agentId = useChat((s) =>
    s.currentId ? s.conversations.find((c) => c.id === s.currentId)?.agentId : undefined,
  );
  const agents = useChat((s) => s.agents);
  const newAgent = useChat((s) => s.newAgent);
  const setNewAgent = useChat((s) => s.setNewAgent);
  if (currentId !== null) {
    return (
      <span className="agent-badge" data-testid="agent-badge" title={t('agent.label')}>
        <Bot size={14} aria-hidden="true" />
        <span className="visually-hidden">{t('agent.label')}: </span>
        {agentId ?? fallback}
      </span>
    );
  }
  const options = [
    { value: '', label: t('agent.default', { agent: fallback }) },
    ...agents.filter((a) => a !== fallback).map((a) => ({ value: a, label: a })),
  ];
  return (
    <Select
      className="agent-picker"
      aria-label={t('agent.pick')}
      value={newAgent ?? ''}
      options={options}
      onChange={(value) => setNewAgent(value === '' ? null : value)}
    />
  );
}
