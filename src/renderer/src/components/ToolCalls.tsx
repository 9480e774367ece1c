import { useTranslation } from 'react-i18next';
import type { ToolCallView } from '../../../shared/task.ts';
import { useUi } from '../store/ui-store.ts';

/** How many lines of a result show before "show all". */
const PREVIEW_LINES = 3;

function Result({ text, ns }: { text: string; ns: 'chat' | 'monitor' }) {
  const { t } = useTranslation(ns);
  if (text === '') return null;
  const lines = text.split('\n');
  if (lines.length <= PREVIEW_LINES && text.length <= 300) {
    return <pre className="tool-call-result">{text}</pre>;
  }
  const preview = lines.slice(0, PREVIEW_LINES).join('\n').slice(0, 300);
  return (
    <details className="tool-call-more">
      <summary>
        <pre className="tool-call-result">{`${preview}…`}</pre>
        <span className="tool-call-show">{t('tools.showAll')}</span>
      </summary>
      <pre className="tool-call-result">{text}</pre>
    </details>
  );
}

/** The model asked for a tool while ClawDesk's tools are off: say so, and where to turn them on. */
function ToolsOffNote() {
  const { t } = useTranslation('words');
  const openSettings = useUi((s) => s.openSettings);
  return (
    <p className="tool-call-off" data-testid="tools-off">
      {t('toolsOff')}{' '}
      <button type="button" className="link-button" onClick={() => openSettings('tools')}>
        {t('toolsOffLink')}
      </button>
    </p>
  );
}

/** A compact list of tool calls: name, the decision, ok or failed, and the result cut short. */
export function ToolCallItems({
  calls,
  ns = 'chat',
}: {
  calls: readonly ToolCallView[];
  ns?: 'chat' | 'monitor';
}) {
  const { t } = useTranslation(ns);
  return (
    <ul className="tool-calls" aria-label={t('tools.label')} data-testid="tool-calls">
      {calls.map((call) => (
        <li
          key={call.toolCallId}
          className="tool-call"
          data-testid="tool-call"
          data-tool={call.name}
          data-ok={call.ok}
        >
          <div className="tool-call-head">
            <code className="tool-call-name">{call.name}</code>
            <span className={`tool-call-decision decision-${call.decision}`}>
              {t(`tools.decision.${call.decision}`)}
            </span>
            <span className={call.ok ? 'tool-call-ok' : 'tool-call-failed'}>
              {call.ok ? t('tools.ok') : t('tools.failed')}
            </span>
          </div>
          {call.decision === 'tools_off' ? <ToolsOffNote /> : <Result text={call.result} ns={ns} />}
        </li>
      ))}
    </ul>
  );
}

/** The tool calls of one chat reply, as the live `tool` events brought them. */
export function ToolCalls({ calls }: { calls: readonly ToolCallView[] | undefined }) {
  if (!calls || calls.length === 0) return null;
  return <ToolCallItems calls={calls} />;
}
