import { lazy, Suspense } from 'react';

// Markdown, GFM and highlight.js are a chunk of their own, fetched with the first reply: the
// page and the composer are usable before it arrives.
const Markdown = lazy(() => import('./Markdown.tsx').then((m) => ({ default: m.Markdown })));

/** A reply as Markdown; until the renderer's chunk is there, the text as it is. */
export function LazyMarkdown({ text }: { text: string }) {
  return (
    <Suspense fallback={<div className="markdown markdown-plain">{text}</div>}>
      <Markdown text={text} />
    </Suspense>
  );
}
