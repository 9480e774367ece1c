import { useTranslation } from 'react-i18next';
import type { ToolCallView } from '../../../shared/task.ts';
import { ToolCallItems } from '../components/ToolCalls.tsx';

/** The selected task's tool calls in the monitor. */
export function ToolCallList({ calls }: { calls: readonly ToolCallView[] }) {
  const { t } = useTranslation('monitor');
  if (calls.length === 0) return null;
  return (
    <section className="monitor-tools">
      <h3>{t('tools.title')}</h3>
      <ToolCallItems calls={calls} ns="monitor" />
    </section>
  );
}
