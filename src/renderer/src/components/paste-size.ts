import { MAX_INPUT_CHARS } from '../../../shared/task.ts';

/**
 * Whether a paste or a drop would make the message larger than one message may be, judged
 * from sizes alone: a file's `size` (never read) or the clipboard text's length, before any
 * of it reaches the text box. Putting 11 MB in a textarea freezes the page for seconds only to
 * be refused at Send; this refuses at once and says by how much.
 */
export interface SizeVerdict {
  ok: boolean;
  /** The size the message would have, in characters (or bytes for a file). */
  size: number;
  limit: number;
}

export function checkAddition(draftLength: number, addedLength: number): SizeVerdict {
  const size = draftLength + addedLength;
  return { ok: size <= MAX_INPUT_CHARS, size, limit: MAX_INPUT_CHARS };
}

/** "11.0 MB": a size as people read it (MB of 1,048,576, as the 10 MB limit is). */
export function megabytes(size: number): string {
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}
