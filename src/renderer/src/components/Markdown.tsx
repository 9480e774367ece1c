import { memo, type AnchorHTMLAttributes, type ReactNode } from 'react';
import ReactMarkdown, { type Components, type Options } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './CodeBlock.tsx';
import { splitBlocks } from './markdown-blocks.ts';
import './markdown.css';

/**
 * Links leave the app: a new window (the Electron layer opens http(s) in the system browser),
 * without giving the page a handle on this one.
 */
function Link({
  node: _node,
  ...props
}: AnchorHTMLAttributes<HTMLAnchorElement> & { node?: unknown }) {
  return <a {...props} target="_blank" rel="noopener noreferrer" />;
}

/** react-markdown hands `pre` its hast node too: not an attribute for the DOM. */
function Pre({ node: _node, children }: { node?: unknown; children?: ReactNode }) {
  return <CodeBlock>{children}</CodeBlock>;
}

const COMPONENTS: Components = { a: Link, pre: Pre };
const REMARK: Options['remarkPlugins'] = [remarkGfm];
// Fenced code with a language is highlighted; without one it stays plain (no guessing per frame).
const REHYPE: Options['rehypePlugins'] = [[rehypeHighlight, { detect: false }]];

/** One block, parsed once: raw HTML is not rendered (react-markdown escapes it). */
const Block = memo(function Block({ text }: { text: string }) {
  return (
    <ReactMarkdown remarkPlugins={REMARK} rehypePlugins={REHYPE} components={COMPONENTS}>
      {text}
    </ReactMarkdown>
  );
});

/**
 * A reply as Markdown (GFM tables, task lists, highlighted code). While it streams only the
 * last block changes, so only that one is parsed again each frame.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const blocks = splitBlocks(text);
  return (
    <div className="markdown">
      {blocks.map((block, i) => (
        <Block key={i} text={block} />
      ))}
    </div>
  );
});
