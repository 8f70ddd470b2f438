/**
 * Guest-provided text (domain names, console lines) must never reach the terminal as control
 * sequences. Control characters, DEL and C1 controls are shown escaped (\e, \n, \x07, \u009b),
 * so a name like "evil\x1b[2J" prints as the literal text evil\e[2J.
 */
const NAMED: Record<string, string> = { '\x1b': '\\e', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function sanitize(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
