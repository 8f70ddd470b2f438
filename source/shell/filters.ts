/**
 * The guest shell's filters, the programs that read what a pipe brings (`dmesg | grep -i xen`,
 * `ps aux | sort -nrk 3 | head -5`, `cat /proc/cpuinfo | grep MHz | wc -l`): cat, grep, head, tail,
 * wc, sort and uniq, with GNU coreutils' and grep's options, output formats and messages for what
 * they support. Each reads its file operands, or stdin when there are none (or for `-`); stdin is a
 * pipe here, never the terminal (reading typed input is not emulated).
 */
import { readFile, resolvePath } from './procfs.js';
import type { ProcessContext } from './shell.js';

type Program = (ctx: ProcessContext, args: string[]) => void;

/** Lines of a file as a program reads them; null with the error printed. */
function fileLines(ctx: ProcessContext, name: string, cannotOpen: (name: string, error: string) => string): string[] | null {
  const r = readFile(ctx.g, resolvePath(ctx.shell.cwd, name));
  if (!r.ok) {
    ctx.err(cannotOpen(name, r.error));
    return null;
  }
  return r.text === '' ? [] : r.text.replace(/\n$/, '').split('\n');
}

interface Reader {
  /** One input's line. */
  line(text: string, input: string): boolean | void;
  /** An input ended (its name: a file, or '-' for stdin). */
  end?(input: string): void;
}

/**
 * Reads `inputs` in turn ('-' is stdin), giving each line to `r.line`; `r.line` returning true
 * stops reading (head has what it wants). `done` gets whether every input could be opened.
 */
function readInputs(ctx: ProcessContext, prog: string, inputs: readonly string[], r: Reader, done: (ok: boolean) => void, cannotOpen = (name: string, error: string) => `${prog}: ${name}: ${error}`): void {
  // A process in the guest while it reads (`ps | cat` lists cat).
  ctx.task(prog, 'sleeper');
  let ok = true;
  let stopped = false;
  const next = (i: number): void => {
    if (stopped || i >= inputs.length) return done(ok);
    const name = inputs[i]!;
    if (name === '-') {
      const stdin = ctx.stdin;
      if (stdin === null) {
        ctx.err(`${prog}: (standard input): reading the terminal is not emulated by this guest shell (give a file, or pipe into ${prog})`);
        ok = false;
        return next(i + 1);
      }
      stdin.read(
        (l) => {
          if (stopped) return;
          if (r.line(l, name) === true) {
            stopped = true;
            done(ok);
          }
        },
        () => {
          if (stopped) return;
          r.end?.(name);
          next(i + 1);
        },
      );
      return;
    }
    const lines = fileLines(ctx, name, cannotOpen);
    if (lines === null) {
      ok = false;
      return next(i + 1);
    }
    for (const l of lines) {
      if (r.line(l, name) === true) {
        stopped = true;
        return done(ok);
      }
    }
    r.end?.(name);
    next(i + 1);
  };
  next(0);
}

/** Options before operands (and after, as GNU's getopt permutes them), `--` ending them. */
function splitArgs(args: readonly string[], takesValue: (flag: string) => boolean): { flags: [string, string | null][]; operands: string[] } | string {
  const flags: [string, string | null][] = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (eq >= 0) flags.push([name, a.slice(eq + 1)]);
      else if (takesValue(name)) {
        if (i + 1 >= args.length) return name;
        flags.push([name, args[++i]!]);
      } else flags.push([name, null]);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = `-${a[j]}`;
        if (takesValue(f)) {
          const rest = a.slice(j + 1);
          if (rest !== '') flags.push([f, rest]);
          else if (i + 1 < args.length) flags.push([f, args[++i]!]);
          else return f;
          break;
        }
        flags.push([f, null]);
      }
      continue;
    }
    operands.push(a);
  }
  return { flags, operands };
}

const tryHelp = (ctx: ProcessContext, prog: string): void => ctx.err(`Try '${prog} --help' for more information.`);

function missingValue(ctx: ProcessContext, prog: string, flag: string): void {
  ctx.err(flag.startsWith('--') ? `${prog}: option '${flag}' requires an argument` : `${prog}: option requires an argument -- '${flag.slice(1)}'`);
  tryHelp(ctx, prog);
}

function badOption(ctx: ProcessContext, prog: string, flag: string): void {
  ctx.err(flag.startsWith('--') ? `${prog}: unrecognized option '${flag}'` : `${prog}: invalid option -- '${flag.slice(1)}'`);
  tryHelp(ctx, prog);
}

/**
 * A program whose options are all switches: which of `names` (spelling → switch) were given. An
 * unknown option is refused as getopt refuses it, and null comes back.
 */
function switches<K extends string>(ctx: ProcessContext, prog: string, flags: readonly [string, string | null][], names: Readonly<Record<string, K>>): Set<K> | null {
  const on = new Set<K>();
  for (const [f] of flags) {
    const k = names[f];
    if (k === undefined) {
      badOption(ctx, prog, f);
      return null;
    }
    on.add(k);
  }
  return on;
}

// ---- cat --------------------------------------------------------------------------------------

export const cat: Program = (ctx, args) => {
  const p = splitArgs(args, () => false);
  if (typeof p === 'string' || switches(ctx, 'cat', p.flags, {}) === null) return ctx.done(1);
  const inputs = p.operands.length > 0 ? p.operands : ['-'];
  readInputs(ctx, 'cat', inputs, { line: (l) => ctx.out(l) }, (ok) => ctx.done(ok ? 0 : 1));
};

// ---- grep -------------------------------------------------------------------------------------

const CLASSES: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  blank: ' \\t',
  digit: '0-9',
  lower: 'a-z',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

/**
 * A POSIX regular expression as a JavaScript one. In a basic one (grep's default) `+ ? | ( ) { }`
 * are literal and special only after a backslash; in an extended one (-E) the other way round, as
 * in JavaScript. Bracket expressions are copied, their [:classes:] spelled out.
 */
export function posixRegex(pattern: string, extended: boolean): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '[') {
      let j = i + 1;
      let body = '';
      if (pattern[j] === '^') {
        body += '^';
        j++;
      }
      if (pattern[j] === ']') {
        body += '\\]';
        j++;
      }
      while (j < pattern.length && pattern[j] !== ']') {
        const cls = /^\[:([a-z]+):\]/.exec(pattern.slice(j));
        if (cls !== null && CLASSES[cls[1]!] !== undefined) {
          body += CLASSES[cls[1]!]!;
          j += cls[0].length;
          continue;
        }
        const ch = pattern[j]!;
        body += ch === '\\' || ch === '[' ? `\\${ch}` : ch;
        j++;
      }
      if (j >= pattern.length) throw new Error('Unmatched [, [^, [:, [., or [=');
      out += `[${body}]`;
      i = j;
      continue;
    }
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) throw new Error('Trailing backslash');
      i++;
      if ('|+?(){}'.includes(n)) out += extended ? `\\${n}` : n;
      else if (n === '<') out += '\\b(?=\\w)';
      else if (n === '>') out += '\\b(?<=\\w)';
      else out += `\\${n}`;
      continue;
    }
    if ('|+?(){}'.includes(c)) {
      out += extended ? c : `\\${c}`;
      continue;
    }
    out += c;
  }
  return out;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export const grep: Program = (ctx, args) => {
  const p = splitArgs(args, (f) => f === '-e' || f === '--regexp' || f === '-m' || f === '--max-count');
  if (typeof p === 'string') {
    missingValue(ctx, 'grep', p);
    return ctx.done(2);
  }
  const patterns: string[] = [];
  let ignoreCase = false;
  let invert = false;
  let count = false;
  let lineNumbers = false;
  let quiet = false;
  let words = false;
  let onlyMatching = false;
  let syntax: 'basic' | 'extended' | 'fixed' = 'basic';
  let withName: boolean | null = null;
  let maxCount = Infinity;
  for (const [f, v] of p.flags) {
    if (f === '-e' || f === '--regexp') patterns.push(v!);
    else if (f === '-i' || f === '-y' || f === '--ignore-case') ignoreCase = true;
    else if (f === '-v' || f === '--invert-match') invert = true;
    else if (f === '-c' || f === '--count') count = true;
    else if (f === '-n' || f === '--line-number') lineNumbers = true;
    else if (f === '-q' || f === '--quiet' || f === '--silent') quiet = true;
    else if (f === '-w' || f === '--word-regexp') words = true;
    else if (f === '-o' || f === '--only-matching') onlyMatching = true;
    else if (f === '-E' || f === '--extended-regexp') syntax = 'extended';
    else if (f === '-F' || f === '--fixed-strings') syntax = 'fixed';
    else if (f === '-G' || f === '--basic-regexp') syntax = 'basic';
    else if (f === '-H' || f === '--with-filename') withName = true;
    else if (f === '-h' || f === '--no-filename') withName = false;
    else if (f === '-m' || f === '--max-count') {
      const n = Number(v);
      if (!/^\d+$/.test(v!)) {
        ctx.err('grep: invalid max count');
        return ctx.done(2);
      }
      maxCount = n;
    } else if (f === '--color' || f === '--colour') {
      // Colour goes to a terminal only; the console shows the lines plain.
    } else {
      badOption(ctx, 'grep', f);
      ctx.err('Usage: grep [OPTION]... PATTERNS [FILE]...');
      return ctx.done(2);
    }
  }
  const operands = [...p.operands];
  if (patterns.length === 0) {
    const first = operands.shift();
    if (first === undefined) {
      ctx.err('Usage: grep [OPTION]... PATTERNS [FILE]...');
      tryHelp(ctx, 'grep');
      return ctx.done(2);
    }
    patterns.push(first);
  }
  // PATTERNS holds one pattern per line, as grep reads it.
  const alternatives = patterns.flatMap((x) => x.split('\n'));
  let re: RegExp;
  try {
    const body = alternatives.map((x) => (syntax === 'fixed' ? escapeRegex(x) : posixRegex(x, syntax === 'extended'))).map((x) => `(?:${x})`).join('|');
    re = new RegExp(words ? `(?<![\\w])(?:${body})(?![\\w])` : body, `${ignoreCase ? 'i' : ''}g`);
  } catch (e) {
    ctx.err(`grep: ${e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e)}`);
    return ctx.done(2);
  }
  const inputs = operands.length > 0 ? operands : ['-'];
  const prefixName = withName ?? inputs.length > 1;
  const label = (input: string): string => (input === '-' ? '(standard input)' : input);
  let selected = 0;
  let inFile = 0;
  let lineNo = 0;
  readInputs(
    ctx,
    'grep',
    inputs,
    {
      line: (text, input) => {
        lineNo++;
        re.lastIndex = 0;
        const hit = re.test(text);
        if (hit === invert) return;
        selected++;
        inFile++;
        if (quiet) return true;
        if (!count) {
          const lead = `${prefixName ? `${label(input)}:` : ''}${lineNumbers ? `${lineNo}:` : ''}`;
          if (onlyMatching && !invert) {
            re.lastIndex = 0;
            for (const m of text.matchAll(re)) if (m[0] !== '') ctx.out(`${lead}${m[0]}`);
          } else ctx.out(`${lead}${text}`);
        }
        if (inFile >= maxCount) return true;
      },
      end: (input) => {
        if (count) ctx.out(`${prefixName ? `${label(input)}:` : ''}${inFile}`);
        inFile = 0;
        lineNo = 0;
      },
    },
    (ok) => ctx.done(quiet && selected > 0 ? 0 : !ok ? 2 : selected > 0 ? 0 : 1),
  );
};

// ---- head and tail ----------------------------------------------------------------------------

/** -n N, -N, --lines=N; tail also takes +N (from line N on). */
function lineCount(ctx: ProcessContext, prog: 'head' | 'tail', args: readonly string[]): { n: number; fromStart: boolean; operands: string[]; headers: boolean | null } | null {
  // -5 is the old spelling of -n 5.
  const norm = args.map((a) => (/^-\d+$/.test(a) ? `-n${a.slice(1)}` : a));
  const p = splitArgs(norm, (f) => f === '-n' || f === '--lines');
  if (typeof p === 'string') {
    missingValue(ctx, prog, p);
    return null;
  }
  let n = 10;
  let fromStart = false;
  let headers: boolean | null = null;
  for (const [f, v] of p.flags) {
    if (f === '-n' || f === '--lines') {
      const m = /^([+-]?)(\d+)$/.exec(v!);
      if (m === null || (prog === 'head' && m[1] !== '')) {
        ctx.err(`${prog}: invalid number of lines: ‘${v}’`);
        return null;
      }
      n = Number(m[2]);
      fromStart = prog === 'tail' && m[1] === '+';
    } else if (f === '-q' || f === '--quiet' || f === '--silent') headers = false;
    else if (f === '-v' || f === '--verbose') headers = true;
    else if (prog === 'tail' && (f === '-f' || f === '--follow' || f === '-F')) {
      ctx.err('tail: following a file (-f) is not emulated by this guest shell');
      return null;
    } else {
      badOption(ctx, prog, f);
      return null;
    }
  }
  return { n, fromStart, operands: p.operands, headers };
}

/** "==> name <==" before each input when there are several (or -v), a blank line between. */
function headerPrinter(ctx: ProcessContext, inputs: readonly string[], headers: boolean | null): (input: string) => void {
  const show = headers ?? inputs.length > 1;
  let printed = 0;
  return (input) => {
    if (!show) return;
    if (printed++ > 0) ctx.out('');
    ctx.out(`==> ${input === '-' ? 'standard input' : input} <==`);
  };
}

const cannotOpenForReading = (prog: string) => (name: string, error: string): string => `${prog}: cannot open '${name}' for reading: ${error}`;

export const head: Program = (ctx, args) => {
  const o = lineCount(ctx, 'head', args);
  if (o === null) return ctx.done(1);
  const inputs = o.operands.length > 0 ? o.operands : ['-'];
  // One input: head exits as soon as it has its lines (a writer into its pipe then gets SIGPIPE).
  if (o.n === 0 && inputs.length === 1 && inputs[0] === '-') return ctx.done(0);
  const header = headerPrinter(ctx, inputs, o.headers);
  let current: string | null = null;
  let shown = 0;
  // Each input's header comes before its first line (also when it has none).
  const start = (input: string): void => {
    if (current === input) return;
    current = input;
    shown = 0;
    header(input);
  };
  readInputs(
    ctx,
    'head',
    inputs,
    {
      line: (text, input) => {
        start(input);
        if (shown >= o.n) return;
        ctx.out(text);
        shown++;
        if (inputs.length === 1 && shown >= o.n) return true;
      },
      end: (input) => {
        start(input);
        current = null;
      },
    },
    (ok) => ctx.done(ok ? 0 : 1),
    cannotOpenForReading('head'),
  );
};

export const tail: Program = (ctx, args) => {
  const o = lineCount(ctx, 'tail', args);
  if (o === null) return ctx.done(1);
  const inputs = o.operands.length > 0 ? o.operands : ['-'];
  const header = headerPrinter(ctx, inputs, o.headers);
  let kept: string[] = [];
  let seen = 0;
  readInputs(
    ctx,
    'tail',
    inputs,
    {
      line: (text) => {
        seen++;
        if (o.fromStart) {
          if (seen >= o.n) kept.push(text);
          return;
        }
        kept.push(text);
        if (kept.length > o.n) kept.shift();
      },
      end: (input) => {
        header(input);
        for (const l of kept) ctx.out(l);
        kept = [];
        seen = 0;
      },
    },
    (ok) => ctx.done(ok ? 0 : 1),
    cannotOpenForReading('tail'),
  );
};

// ---- wc ---------------------------------------------------------------------------------------

export const wc: Program = (ctx, args) => {
  const p = splitArgs(args, () => false);
  const on = typeof p === 'string' ? null : switches(ctx, 'wc', p.flags, { '-l': 'l', '--lines': 'l', '-w': 'w', '--words': 'w', '-c': 'c', '--bytes': 'c', '-m': 'c', '--chars': 'c' });
  if (typeof p === 'string' || on === null) return ctx.done(1);
  const all = on.size === 0;
  const lines = all || on.has('l');
  const wordsOn = all || on.has('w');
  const bytes = all || on.has('c');
  const inputs = p.operands.length > 0 ? p.operands : ['-'];
  const counts: { name: string; l: number; w: number; c: number }[] = [];
  let cur = { l: 0, w: 0, c: 0 };
  readInputs(
    ctx,
    'wc',
    inputs,
    {
      line: (text) => {
        cur.l++;
        cur.w += text.split(/\s+/).filter((x) => x !== '').length;
        cur.c += Buffer.byteLength(text) + 1;
      },
      end: (name) => {
        counts.push({ name, ...cur });
        cur = { l: 0, w: 0, c: 0 };
      },
    },
    (ok) => {
      const total = counts.reduce((t, x) => ({ name: 'total', l: t.l + x.l, w: t.w + x.w, c: t.c + x.c }), { name: 'total', l: 0, w: 0, c: 0 });
      const shown = counts.length > 1 ? [...counts, total] : counts;
      // GNU wc: one count of one input needs no padding; else the width of the largest regular
      // file's size, at least 7 when an input is a pipe. /proc and /sys files have size 0.
      const fields = Number(lines) + Number(wordsOn) + Number(bytes);
      const regularBytes = counts.filter((x) => x.name !== '-' && !/^\/(proc|sys)\//.test(resolvePath(ctx.shell.cwd, x.name))).reduce((n, x) => n + x.c, 0);
      const width = fields === 1 && counts.length === 1 ? 1 : Math.max(counts.some((x) => x.name === '-') ? 7 : 1, String(regularBytes).length);
      for (const x of shown) {
        const cells = [lines ? x.l : null, wordsOn ? x.w : null, bytes ? x.c : null].filter((v) => v !== null).map((v) => String(v).padStart(width));
        ctx.out(`${cells.join(' ')}${x.name === '-' ? '' : ` ${x.name}`}`);
      }
      ctx.done(ok ? 0 : 1);
    },
  );
};

// ---- sort and uniq ----------------------------------------------------------------------------

/**
 * A line's sort key: from field `k` (1-based) to the end. Fields are separated by `sep`, or else
 * by blanks, each field keeping the blanks before it, as sort's are.
 */
function sortKey(line: string, k: number | null, sep: string | null): string {
  if (k === null || k <= 1) return line;
  if (sep !== null) {
    const parts = line.split(sep);
    return parts.length < k ? '' : parts.slice(k - 1).join(sep);
  }
  const m = new RegExp(`^(?:\\s*\\S+){${k - 1}}`).exec(line);
  return m === null ? '' : line.slice(m[0].length);
}

/** sort -n's number: the leading numeric part (blanks skipped), 0 when there is none. */
const leadingNumber = (s: string): number => {
  const m = /^\s*(-?\d*\.?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
};

const bytewise = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const sort: Program = (ctx, args) => {
  const p = splitArgs(args, (f) => f === '-k' || f === '--key' || f === '-t' || f === '--field-separator');
  if (typeof p === 'string') {
    missingValue(ctx, 'sort', p);
    return ctx.done(2);
  }
  let numeric = false;
  let reverse = false;
  let unique = false;
  let key: number | null = null;
  let keyNumeric = false;
  let keyReverse = false;
  let sep: string | null = null;
  for (const [f, v] of p.flags) {
    if (f === '-n' || f === '--numeric-sort') numeric = true;
    else if (f === '-r' || f === '--reverse') reverse = true;
    else if (f === '-u' || f === '--unique') unique = true;
    else if (f === '-k' || f === '--key') {
      // -k N, with the key's own n and r (-k3nr): from field N to the end of the line.
      const m = /^(\d+)(?:\.\d+)?([nr]*)(?:,\d+(?:\.\d+)?[nr]*)?$/.exec(v!);
      if (m === null || Number(m[1]) === 0) {
        ctx.err(`sort: invalid number at field start: invalid count at start of ‘${v}’`);
        return ctx.done(2);
      }
      key = Number(m[1]);
      keyNumeric = m[2]!.includes('n');
      keyReverse = m[2]!.includes('r');
    } else if (f === '-t' || f === '--field-separator') {
      if ([...v!].length !== 1) {
        ctx.err(v === '' ? 'sort: empty tab' : `sort: multi-character tab ‘${v}’`);
        return ctx.done(2);
      }
      sep = v!;
    } else {
      badOption(ctx, 'sort', f);
      return ctx.done(2);
    }
  }
  const asNumber = numeric || keyNumeric;
  const backwards = reverse || keyReverse;
  const all: string[] = [];
  const inputs = p.operands.length > 0 ? p.operands : ['-'];
  readInputs(
    ctx,
    'sort',
    inputs,
    { line: (text) => void all.push(text) },
    (ok) => {
      if (!ok) return ctx.done(2);
      const cmp = (a: string, b: string): number => {
        const ka = sortKey(a, key, sep);
        const kb = sortKey(b, key, sep);
        const c = asNumber ? leadingNumber(ka) - leadingNumber(kb) || bytewise(ka, kb) : bytewise(ka, kb);
        // Lines whose keys compare equal are ordered by the whole line (sort's last resort).
        return c !== 0 ? c : unique ? 0 : bytewise(a, b);
      };
      const sorted = [...all].sort((a, b) => (backwards ? -cmp(a, b) : cmp(a, b)));
      let last: string | null = null;
      for (const l of sorted) {
        if (unique && last !== null && cmp(l, last) === 0) continue;
        ctx.out(l);
        last = l;
      }
      ctx.done(0);
    },
    (name, error) => `sort: cannot read: ${name}: ${error}`,
  );
};

export const uniq: Program = (ctx, args) => {
  const p = splitArgs(args, () => false);
  const on = typeof p === 'string' ? null : switches(ctx, 'uniq', p.flags, { '-c': 'c', '--count': 'c', '-d': 'd', '--repeated': 'd', '-u': 'u', '--unique': 'u', '-i': 'i', '--ignore-case': 'i' });
  if (typeof p === 'string' || on === null) return ctx.done(1);
  const counts = on.has('c');
  const repeated = on.has('d');
  const unique = on.has('u');
  const ignoreCase = on.has('i');
  if (p.operands.length > 1) {
    ctx.err('uniq: writing to an output file is not emulated by this guest shell');
    return ctx.done(1);
  }
  let last: string | null = null;
  let n = 0;
  const flush = (): void => {
    if (last === null) return;
    if ((repeated && n < 2) || (unique && n > 1)) return;
    ctx.out(counts ? `${String(n).padStart(7)} ${last}` : last);
  };
  const same = (a: string, b: string): boolean => (ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b);
  readInputs(
    ctx,
    'uniq',
    p.operands.length > 0 ? p.operands : ['-'],
    {
      line: (text) => {
        if (last !== null && same(text, last)) {
          n++;
          return;
        }
        flush();
        last = text;
        n = 1;
      },
    },
    (ok) => {
      flush();
      ctx.done(ok ? 0 : 1);
    },
  );
};
