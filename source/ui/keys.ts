/** Names for the keys Ink reports, so the key map can speak of 'up', 'tab', 'f1'. */
export interface InkKey {
  readonly upArrow: boolean;
  readonly downArrow: boolean;
  readonly leftArrow: boolean;
  readonly rightArrow: boolean;
  readonly pageUp: boolean;
  readonly pageDown: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly tab: boolean;
  readonly escape: boolean;
  readonly return: boolean;
  readonly backspace: boolean;
  readonly delete: boolean;
  readonly ctrl: boolean;
}

export const NAMED_KEYS = new Set(['left', 'right', 'up', 'down', 'pageUp', 'pageDown', 'home', 'end', 'tab', 'escape', 'return', 'backspace', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10']);

/** One name per key event; printable input may hold several characters (fast typing). */
export function keyName(input: string, key: InkKey): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown) return 'pageDown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.tab) return 'tab';
  if (key.escape) return 'escape';
  if (key.return) return 'return';
  if (key.backspace || key.delete) return 'backspace';
  return input;
}

/**
 * Function keys by their raw sequences (xterm, VT220, Linux console). Ink 6.8 passes them to
 * useInput as empty input, so they are read from its raw input events instead.
 */
export function functionKeyName(raw: string): string | null {
  return FUNCTION_KEYS.get(raw) ?? null;
}

/** xterm (SS3 and CSI forms), VT220 (CSI 11~ to 15~) and the Linux console (CSI [A to [E). */
const FUNCTION_KEYS = new Map<string, string>([
  ['\x1bOP', 'f1'], ['\x1b[11~', 'f1'], ['\x1b[[A', 'f1'],
  ['\x1bOQ', 'f2'], ['\x1b[12~', 'f2'], ['\x1b[[B', 'f2'],
  ['\x1bOR', 'f3'], ['\x1b[13~', 'f3'], ['\x1b[[C', 'f3'],
  ['\x1bOS', 'f4'], ['\x1b[14~', 'f4'], ['\x1b[[D', 'f4'],
  ['\x1b[15~', 'f5'], ['\x1b[[E', 'f5'],
  ['\x1b[17~', 'f6'], ['\x1b[18~', 'f7'], ['\x1b[19~', 'f8'], ['\x1b[20~', 'f9'], ['\x1b[21~', 'f10'],
]);

/** Splits a chunk of typed characters; named keys stay whole. Control characters in a chunk
 * (\r, \t, \x7f) stay as characters for the caller to name. */
export function keyChars(name: string): string[] {
  return NAMED_KEYS.has(name) ? [name] : [...name];
}
