import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { accessProblem, type AccessProblem } from '../api/access-check.ts';
import { pageToken } from '../api/token.ts';
import { useChat } from '../store/context.tsx';

/**
 * While the page cannot reach ClawDesk, says exactly why, once the server has told: the page
 * has no token or a wrong one (and where the right URL is), its origin is not allowed (and the
 * flag that allows it), or nothing answers.
 */
export function AccessBanner() {
  const { t } = useTranslation('common');
  const status = useChat((s) => s.connection);
  const [problem, setProblem] = useState<AccessProblem | null>(null);
  useEffect(() => {
    if (status !== 'unreachable') {
      setProblem(null);
      return;
    }
    let live = true;
    void accessProblem(pageToken()).then((found) => {
      if (live) setProblem(found);
    });
    return () => {
      live = false;
    };
  }, [status]);
  if (status !== 'unreachable' || problem === null) return null;
  return (
    <div
      className="problem-banner access-banner"
      role="alert"
      data-testid="access-banner"
      data-problem={problem}
    >
      <p>{t(`access.${problem}`, { origin: window.location.origin })}</p>
    </div>
  );
}
