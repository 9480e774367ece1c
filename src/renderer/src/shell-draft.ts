/**
 * index.html carries a plain composer that works before any script has run (issue 14: the page
 * is usable at first paint, while the app's code still loads). What the user typed there is
 * taken over by the real composer when the app starts.
 */
export interface ShellDraft {
  text: string;
  focused: boolean;
}

let captured: ShellDraft | null = null;

/** Reads the static composer just before React replaces it. */
export function captureShellDraft(doc: Document = document): void {
  const box = doc.getElementById('shell-composer');
  if (!(box instanceof HTMLTextAreaElement)) return;
  // Enter in the static box only made a new line: the message was not sent, keep the text.
  captured = { text: box.value.replace(/\n+$/, ''), focused: doc.activeElement === box };
}

/** The captured draft; the same answer until `forgetShellDraft` (StrictMode renders twice). */
export function shellDraft(): ShellDraft {
  return captured ?? { text: '', focused: false };
}

/** Taken over: a composer mounted later starts empty. */
export function forgetShellDraft(): void {
  captured = null;
}
