/**
 * Editing one line as readline does, for the guest's shell and the dashboard's prompts alike. The
 * cursor is kept as how much of the line is after it (`tail`, 0 = at the end, where typing appends),
 * so replacing the line (history, completion) puts it at the end without more bookkeeping.
 * Characters are code points: ← and Backspace never split a surrogate pair.
 */
export type LineEdit =
  | { readonly type: 'insert'; readonly text: string }
  /** Backspace, Ctrl+U (unix-line-discard), Ctrl+W (unix-word-rubout): all delete before the cursor. */
  | { readonly type: 'erase' | 'eraseLine' | 'eraseWord' }
  /** ←, →, Ctrl+A, Ctrl+E. */
  | { readonly type: 'left' | 'right' | 'lineStart' | 'lineEnd' };

export interface EditedLine {
  readonly text: string;
  readonly tail: number;
}

/** Where the cursor is in `text`, given its `tail`. */
export const cursorAt = (text: string, tail: number): number => text.length - Math.min(tail, text.length);

export function editLine(text: string, tail: number, e: LineEdit): EditedLine {
  const at = cursorAt(text, tail);
  const before = text.slice(0, at);
  const after = text.slice(at);
  const rest = (b: string): EditedLine => ({ text: b + after, tail: after.length });
  switch (e.type) {
    case 'insert':
      return rest(before + e.text);
    case 'erase':
      return rest([...before].slice(0, -1).join(''));
    case 'eraseLine':
      return rest('');
    case 'eraseWord':
      return rest(before.replace(/\S*\s*$/, ''));
    case 'left':
      return { text, tail: after.length + ([...before].pop()?.length ?? 0) };
    case 'right':
      return { text, tail: after.length - ([...after][0]?.length ?? 0) };
    case 'lineStart':
      return { text, tail: text.length };
    case 'lineEnd':
      return { text, tail: 0 };
  }
}
