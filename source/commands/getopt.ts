/**
 * A command's options as xl reads them: getopt_long under xl's def_getopt (opterr = 0).
 */

/** Options by letter (their value, or true) and the operands, in order. */
export interface Options {
  readonly opts: ReadonlyMap<string, string | true>;
  readonly operands: readonly string[];
}

/**
 * Reads `args` as GNU getopt_long does with `optstring` (a letter, then ':' if it takes a value)
 * and `longs` (long name -> its letter): options may come anywhere among the operands (GNU
 * permutes them), short ones cluster (`-aw`), a value is the rest of the word or the next word
 * (`-d web01`, `-dweb01`, `--domain=web01`, `--domain web01`), a unique prefix of a long name
 * will do, and `--` ends the options. `-h`/`--help` is every command's (xl's COMMON_LONG_OPTS).
 * What getopt cannot take (an unknown option, or one without its value) comes back as `bad`,
 * the letter xl's message names ('' for a long option: getopt's optopt is 0 then).
 */
export function getopt(args: readonly string[], optstring: string, longs: Readonly<Record<string, string>> = {}): Options | { readonly bad: string } {
  const opts = new Map<string, string | true>();
  const operands: string[] = [];
  const all: Record<string, string> = { help: 'h', ...longs };
  const known = (c: string): boolean => c === 'h' || (c !== ':' && optstring.includes(c));
  const wantsValue = (c: string): boolean => optstring[optstring.indexOf(c) + 1] === ':';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const exact = all[name];
      const prefixed = Object.keys(all).filter((n) => n.startsWith(name));
      const c = exact ?? (prefixed.length === 1 ? all[prefixed[0]!] : undefined);
      if (c === undefined || name === '') return { bad: '' };
      if (wantsValue(c)) {
        const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined) return { bad: c };
        opts.set(c, v);
      } else {
        if (eq >= 0) return { bad: c };
        opts.set(c, true);
      }
      continue;
    }
    if (a.length < 2 || a[0] !== '-') {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (!known(c)) return { bad: c };
      if (c !== 'h' && wantsValue(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) return { bad: c };
        opts.set(c, v);
        break;
      }
      opts.set(c, true);
    }
  }
  return { opts, operands };
}
