import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { copyText } from './clipboard.ts';
import { IconButton } from './IconButton.tsx';

/** Copies `text()` (read at click time); the icon turns to a check and says "Copied" for a moment. */
export function CopyButton({
  text,
  label,
  onError,
  testId,
}: {
  text: () => string;
  label: string;
  onError?: (error: unknown) => void;
  testId?: string;
}) {
  const { t } = useTranslation('common');
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <IconButton
      size="sm"
      data-testid={testId}
      data-copied={copied ? 'true' : undefined}
      label={copied ? t('copied') : label}
      icon={copied ? <Check size={14} aria-hidden="true" /> : <Copy size={14} aria-hidden="true" />}
      onClick={() => {
        copyText(text()).then(
          () => setCopied(true),
          (error: unknown) => onError?.(error),
        );
      }}
    />
  );
}
