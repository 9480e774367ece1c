import { isValidElement, type ReactNode } from 'react';

/** `language-ts` (and `hljs`) on the code element → "ts"; null for a fence without one. */
export function languageOf(children: ReactNode): string | null {
  const child = Array.isArray(children) ? (children as unknown[])[0] : children;
  if (!isValidElement<{ className?: string }>(child)) return null;
  const match = /(?:^|\s)language-([\w+#.-]+)/.exec(child.props.className ?? '');
  return match?.[1] ?? null;
}
