/** Marks an operator token in splitWords' output, so a quoted '>' stays an ordinary word. */
export const OPERATOR = '\0';

/**
 * Splits a command line into words as sh does: spaces separate, '…' and "…" quote, backslash escapes.
 * `operator` (optional) names an unquoted operator starting at `i` (such as `>` or `&&`): it ends the
 * current word and comes out as its own token, prefixed with OPERATOR.
 */
export function splitWords(line: string, operator: (line: string, i: number) => string | null = () => null): string[] | string {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      // In "…" a backslash escapes only $ ` " \ and a newline, as in sh; before anything else it stays.
      else if (c === '\\' && quote === '"' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1]!)) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      const op = operator(line, i);
      if (op !== null) {
        if (inWord) out.push(cur);
        out.push(OPERATOR + op);
        i += op.length - 1;
        cur = '';
        inWord = false;
      } else {
        cur += c;
        inWord = true;
      }
    }
  }
  if (quote !== null) return `unterminated ${quote} quote`;
  if (inWord) out.push(cur);
  return out;
}
