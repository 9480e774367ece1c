import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Tabs } from '../ui/index.ts';

type Pane = 'output' | 'prompt';

/** The selected task's output and prompt, as two tabs (the output first: what one came for). */
export function DetailBody({ output, prompt }: { output: ReactNode; prompt: string }) {
  const { t } = useTranslation('monitor');
  const [pane, setPane] = useState<Pane>('output');
  return (
    <div className="monitor-detail-body">
      <Tabs<Pane>
        idPrefix="task-detail"
        label={t('detail.label')}
        value={pane}
        onChange={setPane}
        tabs={[
          { key: 'output', label: t('detail.output') },
          { key: 'prompt', label: t('detail.prompt') },
        ]}
      />
      <div
        role="tabpanel"
        id={`task-detail-panel-${pane}`}
        aria-labelledby={`task-detail-tab-${pane}`}
        className="monitor-detail-panel"
      >
        {pane === 'output' ? output : <pre className="monitor-prompt">{prompt}</pre>}
      </div>
    </div>
  );
}
