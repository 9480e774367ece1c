import { useTranslation } from 'react-i18next';
import { storageBannerText } from './storage-text.ts';
import { useStorageProblem } from './storage-store.ts';
import './storage.css';

/**
 * Said on every view while ClawDesk cannot save (disk full, read-only): what is wrong, which
 * folder, what to do, and that new messages are refused meanwhile. Gone once saving works.
 */
export function StorageBanner() {
  const { t } = useTranslation('common');
  const problem = useStorageProblem();
  if (!problem) return null;
  return (
    <div
      className="problem-banner storage-banner"
      role="alert"
      data-testid="storage-banner"
      data-kind={problem.kind}
    >
      {storageBannerText(problem, t)}
    </div>
  );
}
