/**
 * Tokens of xl.cfg(5), as Xen's libxlu lexer reads them: lowercase identifiers, `=` and `+=`,
 * single- or double-quoted strings with C-style backslash escapes, decimal and 0x hex numbers,
 * `[ ] ,` for lists, `;` or newline between settings, `#` comments to end of line.
 * Anything else is an error that names line, column and the offending text.
 */

import { parseSizeKiB } from '../cli/size.js';
import { sanitize } from '../output/sanitize.js';

export type TokenKind = 'ident' | 'string' | 'number' | 'assign' | 'append' | 'lbrack' | 'rbrack' | 'comma' | 'semi' | 'newline' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value: string | number;
  readonly line: number;
  readonly col: number;
}

export class ConfigError extends Error {
  constructor(
    readonly line: number,
    readonly col: number,
    message: string,
  ) {
    super(message);
  }
}

const PYTHON_HINT = 'xl.cfg is not Python: xl no longer accepts Python code in configs, only `key = value`';

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  // A byte-order mark (Notepad's UTF-8) is not part of the text.
  let i = src.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i;
  const tok = (kind: TokenKind, start: number, value: string | number): void => {
    out.push({ kind, text: src.slice(start, i), value, line, col: start - lineStart + 1 });
  };
  while (i < src.length) {
    const ch = src[i]!;
    const start = i;
    if (ch === '\n') {
      i++;
      tok('newline', start, '\n');
      line++;
      lineStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (/[a-zA-Z_]/.test(ch)) {
      while (i < src.length && /[a-zA-Z0-9_.]/.test(src[i]!)) i++;
      const word = src.slice(start, i);
      tok('ident', start, word);
      continue;
    }
    if (/[0-9]/.test(ch)) {
      if (ch === '0' && (src[i + 1] === 'x' || src[i + 1] === 'X')) {
        i += 2;
        while (i < src.length && /[0-9a-fA-F]/.test(src[i]!)) i++;
        tok('number', start, parseInt(src.slice(start + 2, i), 16));
      } else {
        while (i < src.length && /[0-9]/.test(src[i]!)) i++;
        if (src[i] === '.' && /[0-9]/.test(src[i + 1] ?? '')) {
          i++;
          while (i < src.length && /[0-9]/.test(src[i]!)) i++;
        }
        tok('number', start, Number(src.slice(start, i)));
      }
      if (i < src.length && /[a-zA-Z_]/.test(src[i]!)) {
        let j = i;
        while (j < src.length && /[a-zA-Z_]/.test(src[j]!)) j++;
        const word = src.slice(start, j);
        // "memory = 8g": xl.cfg sizes are plain numbers of MiB (xl's commands take suffixes, its config does not).
        const size = /^(\d+(?:\.\d+)?[kmgt])b?$/i.exec(word);
        const kib = size === null ? null : parseSizeKiB(size[1]!);
        const mib = kib === null ? null : kib / 1024;
        const hint = mib !== null && Number.isInteger(mib) ? `: sizes in xl.cfg are plain numbers of MiB, e.g. ${mib} (a suffix is for xl's commands)` : '';
        throw new ConfigError(line, start - lineStart + 1, `bad number '${src.slice(start, i + 1)}'${hint}`);
      }
      continue;
    }
    if (ch === '"' || ch === "'") {
      i++;
      let value = '';
      for (;;) {
        if (i >= src.length || src[i] === '\n') {
          throw new ConfigError(line, start - lineStart + 1, `unterminated string starting ${src.slice(start, Math.min(i, start + 20))}`);
        }
        const c = src[i]!;
        if (c === ch) {
          i++;
          break;
        }
        if (c === '\\') {
          const e = src[i + 1] ?? '';
          if (e in ESCAPES) {
            value += ESCAPES[e];
            i += 2;
          } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(src.slice(i + 2, i + 4))) {
            value += String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16));
            i += 4;
          } else if (/[0-7]/.test(e)) {
            const m = /^[0-7]{1,3}/.exec(src.slice(i + 1))![0];
            value += String.fromCharCode(parseInt(m, 8));
            i += 1 + m.length;
          } else {
            throw new ConfigError(line, i - lineStart + 1, `bad escape '\\${e}' in string`);
          }
          continue;
        }
        value += c;
        i++;
      }
      tok('string', start, value);
      continue;
    }
    if (ch === '+' && src[i + 1] === '=') {
      i += 2;
      tok('append', start, '+=');
      continue;
    }
    const single: Record<string, TokenKind> = { '=': 'assign', '[': 'lbrack', ']': 'rbrack', ',': 'comma', ';': 'semi' };
    const kind = single[ch];
    if (kind !== undefined) {
      i++;
      tok(kind, start, ch);
      continue;
    }
    const col = start - lineStart + 1;
    if ('(){}*+-/%:<>'.includes(ch)) {
      throw new ConfigError(line, col, `unexpected '${ch}': ${PYTHON_HINT}`);
    }
    // Named by its code point as well: a non-breaking space or a curly quote looks like nothing wrong.
    // Printed too, unless it is one the screen would escape (sanitize) or a space: then only named.
    const cp = src.codePointAt(start)!;
    const c = String.fromCodePoint(cp);
    const shown = sanitize(c) !== c || /\s/u.test(c) ? '' : `"${c}" `;
    throw new ConfigError(line, col, `unexpected character ${shown}(U+${cp.toString(16).toUpperCase().padStart(4, '0')})${cp === 0xa0 ? ', a non-breaking space' : cp === 0x201c || cp === 0x201d || cp === 0x2018 || cp === 0x2019 ? ': a typographic quote, use " or \'' : ''}`);
  }
  out.push({ kind: 'eof', text: '', value: '', line, col: i - lineStart + 1 });
  return out;
}

export { PYTHON_HINT };
