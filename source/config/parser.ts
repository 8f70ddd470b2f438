/**
 * xl.cfg settings: `key = value` or `key += [list]`, separated by `;` or newlines. A value is a
 * string, a number, or a list of those (lists may span lines and end with a trailing comma). A
 * later setting of a key replaces an earlier one; `+=` appends to a list. Errors carry line and
 * column; nothing here throws anything but ConfigError.
 */
import { ConfigError, PYTHON_HINT, tokenize } from './lexer.js';
import type { Token } from './lexer.js';

export type Atom = string | number;
export type ConfigValue = Atom | readonly Atom[];

export interface Setting {
  readonly key: string;
  readonly value: ConfigValue;
  readonly line: number;
  readonly col: number;
}

/** Keys xl.cfg(5) gives a number: a bare word there is not a string missing its quotes. */
const NUMBER_KEYS = new Set(['memory', 'maxmem', 'vcpus', 'maxvcpus', 'cpu_weight', 'cap', 'hz', 'shadow_memory', 'videoram']);

const PYTHON_WORDS = new Set(['import', 'from', 'def', 'if', 'else', 'for', 'in', 'True', 'False', 'None', 'lambda', 'print', 'return']);

export function parseConfig(src: string): Map<string, Setting> {
  const toks = tokenize(src);
  const settings = new Map<string, Setting>();
  let i = 0;
  const peek = (): Token => toks[i]!;
  const next = (): Token => toks[i++]!;
  const fail = (t: Token, why: string): never => {
    throw new ConfigError(t.line, t.col, why);
  };
  const describe = (t: Token): string => (t.kind === 'eof' ? 'end of file' : t.kind === 'newline' ? 'end of line' : `'${t.text}'`);

  const atom = (key: string): Atom => {
    const t = next();
    if (t.kind === 'string' || t.kind === 'number') return t.value;
    if (t.kind === 'ident' && PYTHON_WORDS.has(t.text)) fail(t, `unexpected '${t.text}' in value of "${key}": ${PYTHON_HINT}`);
    if (t.kind === 'ident' && NUMBER_KEYS.has(key)) fail(t, `unexpected '${t.text}' in value of "${key}": it takes a number, e.g. ${key} = ${key === 'memory' || key === 'maxmem' ? 1024 : 2}`);
    if (t.kind === 'ident') fail(t, `unexpected '${t.text}' in value of "${key}": strings need quotes, e.g. ${key} = "${t.text}"`);
    return fail(t, `expected a value for "${key}", found ${describe(t)}`);
  };
  const skipNewlines = (): void => {
    while (peek().kind === 'newline') i++;
  };
  const value = (key: string): ConfigValue => {
    if (peek().kind !== 'lbrack') return atom(key);
    next();
    const items: Atom[] = [];
    skipNewlines();
    while (peek().kind !== 'rbrack') {
      items.push(atom(key));
      skipNewlines();
      const t = peek();
      if (t.kind === 'comma') {
        next();
        skipNewlines();
        continue;
      }
      if (t.kind !== 'rbrack') fail(t, `expected ',' or ']' in list "${key}", found ${describe(t)}`);
    }
    next();
    return items;
  };

  for (;;) {
    const t = next();
    if (t.kind === 'eof') break;
    if (t.kind === 'newline' || t.kind === 'semi') continue;
    if (t.kind !== 'ident') fail(t, `expected a setting name, found ${describe(t)}`);
    if (PYTHON_WORDS.has(t.text)) fail(t, `unexpected '${t.text}': ${PYTHON_HINT}`);
    if (/[A-Z]/.test(t.text)) fail(t, `setting name '${t.text}' must be lowercase (xl.cfg keys are lowercase)`);
    const op = next();
    if (op.kind !== 'assign' && op.kind !== 'append') fail(op, `expected '=' after "${t.text}", found ${describe(op)}`);
    let v = value(t.text);
    const end = peek();
    if (end.kind !== 'newline' && end.kind !== 'semi' && end.kind !== 'eof') {
      fail(end, `unexpected ${describe(end)} after the value of "${t.text}"${end.kind === 'ident' ? '' : `: ${PYTHON_HINT}`}`);
    }
    if (op.kind === 'append') {
      const prev = settings.get(t.text);
      if (!Array.isArray(v)) fail(op, `'+=' needs a list on the right, e.g. ${t.text} += [ ... ]`);
      if (prev !== undefined && !Array.isArray(prev.value)) fail(op, `'+=' appends to a list, but "${t.text}" is not a list`);
      v = [...((prev?.value as readonly Atom[] | undefined) ?? []), ...(v as readonly Atom[])];
    }
    settings.set(t.text, { key: t.text, value: v, line: t.line, col: t.col });
  }
  return settings;
}
