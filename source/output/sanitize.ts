/**
 * Guest-provided text (domain names, console lines) must never reach the terminal as control
 * sequences, and must not break the screen's columns. Shown escaped:
 * - control characters, DEL and C1 controls (\e, \n, \x07, \u009b), so a name like "evil\x1b[2J"
 *   prints as the literal text evil\e[2J;
 * - characters that are not exactly one column wide, or that reorder or hide text: combining marks,
 *   zero-width and bidirectional format characters (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069,
 *   U+FEFF...), East Asian wide and fullwidth characters, emoji, and everything outside the Basic
 *   Multilingual Plane (\u540d, \u{1f600}).
 * The screen is laid out one column per character, as xentop's is; what is escaped stays readable
 * and exact.
 */
const NAMED: Record<string, string> = { '\x1b': '\\e', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// Wide (two-column) ranges of the Basic Multilingual Plane, after Unicode's East Asian Width (W, F)
// as wcwidth tables list them.
const WIDE =
  '\\u1100-\\u115f\\u231a\\u231b\\u2329\\u232a\\u23e9-\\u23ec\\u23f0\\u23f3\\u25fd\\u25fe\\u2614\\u2615\\u2648-\\u2653' +
  '\\u267f\\u2693\\u26a1\\u26aa\\u26ab\\u26bd\\u26be\\u26c4\\u26c5\\u26ce\\u26d4\\u26ea\\u26f2\\u26f3\\u26f5\\u26fa' +
  '\\u26fd\\u2705\\u270a\\u270b\\u2728\\u274c\\u274e\\u2753-\\u2755\\u2757\\u2795-\\u2797\\u27b0\\u27bf\\u2b1b\\u2b1c' +
  '\\u2b50\\u2b55\\u2e80-\\u303e\\u3041-\\u33ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\ua000-\\ua4cf\\ua960-\\ua97f' +
  '\\uac00-\\ud7a3\\uf900-\\ufaff\\ufe10-\\ufe19\\ufe30-\\ufe6f\\uff00-\\uff60\\uffe0-\\uffe6';
// eslint-disable-next-line no-control-regex
const UNSAFE = new RegExp(`[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\p{M}\\p{Cf}\\p{Cs}\\p{Co}\\p{Cn}${WIDE}]|[^\\u0000-\\uffff]`, 'gu');

export function sanitize(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.codePointAt(0)!;
    if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A line of text output (batch mode's command output and messages, `paratop exec`'s, config
 * problems on stderr) as it may reach a terminal: sanitized, but with its tabs, which xl's own
 * formats use as separators (`xl list`'s header).
 */
export function terminalLine(s: string): string {
  return s.includes('\t') ? s.split('\t').map(sanitize).join('\t') : sanitize(s);
}

/** Tabs as a terminal shows them: spaces to the next multiple of 8 columns. */
export function expandTabs(s: string): string {
  if (!s.includes('\t')) return s;
  let out = '';
  for (const ch of s) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}
