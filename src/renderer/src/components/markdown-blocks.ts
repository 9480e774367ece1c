/**
 * Splits Markdown into top-level blocks at blank lines, outside fenced code, so a streaming
 * reply re-parses only its last block: the ones before it no longer change and stay memoized.
 * A blank line followed by an indented line (a list item's next paragraph, indented code) is
 * not a boundary, nor is one inside a fence. Joined with "\n\n", the blocks render as the whole.
 */
export function splitBlocks(text: string): string[] {
  const lines = text.split('\n');
  const blocks: string[] = [];
  let current: string[] = [];
  /** The open fence's character and length ("```" → ['`', 3]); null outside code. */
  let fence: { char: string; length: number } | null = null;

  const close = (): void => {
    if (current.length > 0) blocks.push(current.join('\n'));
    current = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      current.push(line);
      if (marker && marker[0] === fence.char && marker.length >= fence.length) {
        if (line.trim() === marker) fence = null;
      }
      continue;
    }
    if (marker) {
      fence = { char: marker[0] ?? '`', length: marker.length };
      current.push(line);
      continue;
    }
    if (line.trim() === '') {
      const next = nextNonBlank(lines, i + 1);
      // More of the same block (indented) or the end of the text so far: not yet a boundary.
      if (next === undefined || /^\s/.test(next)) current.push(line);
      else close();
      continue;
    }
    current.push(line);
  }
  close();
  return blocks;
}

/** The first line from `from` on with text in it (no copy: this runs every frame). */
function nextNonBlank(lines: readonly string[], from: number): string | undefined {
  for (let j = from; j < lines.length; j++) {
    const line = lines[j] ?? '';
    if (line.trim() !== '') return line;
  }
  return undefined;
}
