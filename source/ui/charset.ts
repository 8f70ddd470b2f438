/**
 * Line drawing for terminals that cannot show UTF-8. As htop does, paratop reads the locale
 * (LC_ALL, then LC_CTYPE, then LANG): unless it names UTF-8, or `--charset utf8` says so, every
 * frame is drawn in ASCII. (tmux, for one, shows each non-ASCII character as `_` to a client whose
 * locale is not UTF-8.) Each glyph maps to one ASCII character, so columns stay where they are.
 */
const ASCII: Record<string, string> = {
  '▁': '_',
  '▂': '.',
  '▃': ':',
  '▄': '-',
  '▅': '=',
  '▆': '+',
  '▇': '*',
  '█': '#',
  '↑': '^',
  '↓': 'v',
  '←': '<',
  '→': '>',
  '–': '-',
  '…': '~',
  '±': '~',
};

/** Whether the locale in `env` is UTF-8 (the first of LC_ALL, LC_CTYPE, LANG that is set decides). */
export function utf8Locale(env: NodeJS.ProcessEnv): boolean {
  const v = [env['LC_ALL'], env['LC_CTYPE'], env['LANG']].find((x) => x !== undefined && x !== '') ?? '';
  return /utf-?8/i.test(v);
}

/** `line` with the dashboard's glyphs in ASCII; any other non-ASCII character becomes `?`. */
export function toAscii(line: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(line) ? line : line.replace(/[^\x00-\x7f]/gu, (c) => ASCII[c] ?? '?');
}
