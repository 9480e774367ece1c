import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PendingApproval } from '../../../shared/task.ts';
import { prettyArgs } from './tool-format.ts';
import { Button } from '../ui/index.ts';

/**
 * A tool call waiting for the user's decision: its name, its exact arguments, Approve and Deny.
 * The buttons stay disabled once answered; the card goes when the next snapshot has no
 * pending approval. `onAnswer` resolves false when main refused the answer.
 */
export function ApprovalCard({
  pending,
  onAnswer,
}: {
  pending: PendingApproval;
  onAnswer: (approved: boolean) => Promise<boolean>;
}) {
  const { t } = useTranslation('chat');
  const [busy, setBusy] = useState(false);
  const [answered, setAnswered] = useState<string | null>(null);
  const disabled = busy || answered === pending.toolCallId;
  const answer = (approved: boolean): void => {
    setBusy(true);
    void onAnswer(approved)
      .then((ok) => {
        if (ok) setAnswered(pending.toolCallId);
      })
      .finally(() => setBusy(false));
  };
  return (
    <div
      className="approval-card"
      role="group"
      aria-label={t('tools.approval')}
      data-testid="approval"
      data-tool-call-id={pending.toolCallId}
    >
      <p className="approval-title">
        {t('tools.wantsToRun')} <code>{pending.name}</code>
      </p>
      <pre className="approval-args" aria-label={t('tools.arguments')}>
        {prettyArgs(pending.args)}
      </pre>
      <div className="approval-buttons">
        <Button
          variant="primary"
          className="approval-approve"
          disabled={disabled}
          onClick={() => answer(true)}
        >
          {t('tools.approve')}
        </Button>
        <Button className="approval-deny" disabled={disabled} onClick={() => answer(false)}>
          {t('tools.deny')}
        </Button>
      </div>
    </div>
  );
}
