import { useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../ui/CopyButton.tsx';
import { languageOf } from './code-language.ts';

/**
 * A fenced code block: a header with its language and a copy button above the highlighted
 * code. The copy takes the text as rendered (highlighting spans add no characters).
 */
export function CodeBlock({ children }: { children?: ReactNode }) {
  const { t } = useTranslation('chat');
  const pre = useRef<HTMLPreElement>(null);
  const language = languageOf(children);
  return (
    <div className="code-block" data-testid="code-block">
      <div className="code-block-head">
        <span className="code-block-lang" data-testid="code-language">
          {language ?? t('code.plain')}
        </span>
        <CopyButton
          testId="copy-code"
          label={t('code.copy')}
          text={() => pre.current?.textContent ?? ''}
        />
      </div>
      <pre ref={pre}>{children}</pre>
    </div>
  );
}
