/**
 * The programs of the guest's shell. Each reads the emulated kernel through procfs.ts and prints in
 * the real tool's format (procps.ts); timed ones wait in simulated time through ctx.after. Error
 * messages are the real tools' and bash's own wording.
 *
 * The command line language is a small subset of bash: words with '…' and "…" quoting, commands
 * joined by `;`, `&&` and `||`, pipelines (`|`, into the filters of filters.ts), a `> file` or
 * `>> file` redirection of stdout per command, and a trailing `&` (handled by the shell). No
 * variables, no globbing.
 */
import { NS_PER_S } from '../model/clock.js';
import { LINUX_BUILD, LINUX_BUILD_DATE, LINUX_RELEASE } from '../model/guest/boot-log.js';
import { formatDmesg } from '../model/guest/console.js';
import { OPERATOR, splitWords } from '../commands/words.js';
import { guestClockS, isFile, listDir, memInfo, readFile, resolvePath, uptimeNs, writeFile } from './procfs.js';
import { dateText, freeOutput, isoText, processes, psAuxLines, psFullLines, psLines, topFrame, topSnapshot, uptimePretty, uptimeText, vmstatFirstLine, vmstatHeader, vmstatLine, vmstatSnapshot } from './procps.js';
import type { FreeUnit } from './procps.js';
import { cat, grep, head, sort, tail, uniq, wc } from './filters.js';
import type { ProcessContext } from './shell.js';

type Program = (ctx: ProcessContext, args: string[]) => void;

/** Splits a command line into words and the operators this shell knows (; && || > >> |). */
export function words(line: string): string[] | { error: string } {
  const w = splitWords(line, (l, i) => {
    const two = l.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === '>>') return two;
    return l[i] === ';' || l[i] === '>' || l[i] === '|' ? l[i]! : null;
  });
  if (typeof w === 'string') return { error: `bash: unexpected EOF while looking for matching \`${/unterminated (.) quote/.exec(w)?.[1] ?? '"'}'` };
  return w;
}

const ms = (s: number): number => Math.round(s * NS_PER_S);

// ---- programs ---------------------------------------------------------------------------------

const vmstat: Program = (ctx, args) => {
  let wide = false;
  let skipFirst = false;
  let oneHeader = false;
  const nums: string[] = [];
  for (const a of args) {
    if (a === '--wide') wide = true;
    else if (a === '--one-header') oneHeader = true;
    else if (a === '--no-first') skipFirst = true;
    else if (/^-[a-zA-Z]+$/.test(a)) {
      for (const f of a.slice(1)) {
        if (f === 'w') wide = true;
        else if (f === 'n') oneHeader = true;
        else if (f === 'y') skipFirst = true;
        else {
          ctx.err(`vmstat: invalid option -- '${f}'`);
          ctx.err('');
          ctx.err('Usage:');
          ctx.err(' vmstat [options] [delay [count]]');
          return ctx.done(1);
        }
      }
    } else nums.push(a);
  }
  const parse = (s: string | undefined): number | null | 'bad' => (s === undefined ? null : /^\d+$/.test(s) ? Number(s) : 'bad');
  const delay = parse(nums[0]);
  const count = parse(nums[1]);
  for (const [v, s] of [[delay, nums[0]], [count, nums[1]]] as const) {
    if (v === 'bad') {
      ctx.err(`vmstat: failed to parse argument: '${s}'`);
      return ctx.done(1);
    }
  }
  if (delay === 0) {
    ctx.err('vmstat: delay must be positive integer');
    return ctx.done(1);
  }
  if (nums.length > 2) {
    ctx.err('vmstat: invalid option');
    return ctx.done(1);
  }
  ctx.task('vmstat', 'sleeper');
  // Without a terminal (or with one of unknown size) vmstat repeats its header every 21 lines.
  const height = 21;
  const header = (): void => vmstatHeader(wide).forEach((l) => ctx.out(l));
  header();
  let prev = vmstatSnapshot(ctx.g);
  let printed = 1;
  if (!skipFirst) ctx.out(vmstatFirstLine(prev, wide));
  const total = delay === null ? 1 : count === null ? Infinity : (count as number);
  let left = skipFirst ? total : total - 1;
  if (delay === null || left <= 0) return ctx.done(0);
  const d = delay as number;
  const tick = (): void => {
    const cur = vmstatSnapshot(ctx.g);
    if (!oneHeader && printed % height === 0) header();
    ctx.out(vmstatLine(prev, cur, d, wide));
    printed++;
    prev = cur;
    left--;
    if (left <= 0) ctx.done(0);
    else ctx.after(ms(d), tick);
  };
  ctx.after(ms(d), tick);
};

const top: Program = (ctx, args) => {
  let batch = false;
  let iterations = Infinity;
  let delay = 3;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^-([bnd])(.*)$/.exec(a);
    if (a === '-b') batch = true;
    else if (m !== null && (m[1] === 'n' || m[1] === 'd')) {
      const v = m[2] !== '' ? m[2]! : args[++i];
      const n = v === undefined ? NaN : Number(v);
      if (!Number.isFinite(n) || n < 0 || (m[1] === 'n' && !Number.isInteger(n))) {
        ctx.err(m[1] === 'n' ? `top: bad iterations argument '${v ?? ''}'` : `top: bad delay interval '${v ?? ''}'`);
        return ctx.done(1);
      }
      if (m[1] === 'n') iterations = n;
      else delay = n;
    } else if (/^-b/.test(a)) {
      args.splice(i + 1, 0, `-${a.slice(2)}`);
      batch = true;
    } else {
      ctx.err(`top: unknown option '${a.replace(/^-/, '')[0] ?? a}'`);
      ctx.err('Usage:');
      ctx.err('  top -hv | -bcEeHiOSs1 -d secs -n max -u|U user -p pid(s) -o field -w [num]');
      return ctx.done(1);
    }
  }
  // On a terminal without -b, top is full screen: each frame redraws the screen, sized to the
  // terminal's rows, and q quits (Ctrl+C too). Otherwise (-b, or output to a pipe) frames follow
  // one another, as top -b prints them.
  const interactive = !batch && ctx.stdoutIsTerminal;
  ctx.task('top', 'sleeper');
  let prev = topSnapshot(ctx.g);
  let frames = 0;
  const users = ctx.shell.user === null ? 0 : 1;
  if (interactive) ctx.onKey((ch) => (ch === 'q' ? (ctx.done(0), true) : false));
  const frame = (): void => {
    const cur = topSnapshot(ctx.g);
    const lines = topFrame(ctx.g, prev, cur, { pid: ctx.pid, tty: ctx.isatty ? ctx.shell.tty : '?' }, users);
    if (interactive) {
      ctx.clear();
      // The frame is cut to the terminal's rows, as top does (on a short terminal the summary, with
      // %Cpu's st, is what stays).
      for (const l of lines.slice(0, Math.max(1, ctx.shell.winsize.rows))) ctx.out(l.slice(0, ctx.shell.winsize.cols));
    } else {
      if (frames > 0) ctx.out('');
      for (const l of lines) ctx.out(l);
    }
    prev = cur;
    frames++;
    if (frames >= iterations) ctx.done(0);
    else ctx.after(ms(Math.max(0.1, delay)), frame);
  };
  if (iterations === 0) return ctx.done(0);
  // Like top, the first frame's rates cover a short settling interval after start.
  ctx.after(ms(0.2), frame);
};

const free: Program = (ctx, args) => {
  let unit: FreeUnit = 'k';
  let wide = false;
  const map: Record<string, FreeUnit> = { '-b': 'b', '--bytes': 'b', '-k': 'k', '--kibi': 'k', '-m': 'm', '--mebi': 'm', '-g': 'g', '--gibi': 'g', '-h': 'h', '--human': 'h' };
  for (const a of args) {
    if (map[a] !== undefined) unit = map[a]!;
    else if (a === '-w' || a === '--wide') wide = true;
    else {
      ctx.err(`free: invalid option -- '${a.replace(/^-+/, '')}'`);
      ctx.err('');
      ctx.err('Usage:');
      ctx.err(' free [options]');
      return ctx.done(1);
    }
  }
  for (const l of freeOutput(memInfo(ctx.g), unit, wide)) ctx.out(l);
  ctx.done(0);
};

const uptime: Program = (ctx, args) => {
  if (args[0] === '-p' || args[0] === '--pretty') ctx.out(uptimePretty(ctx.g));
  else if (args[0] === '-s' || args[0] === '--since') {
    ctx.out(isoText(guestClockS(ctx.g) - uptimeNs(ctx.g) / NS_PER_S));
  } else ctx.out(uptimeText(ctx.g, ctx.shell.user === null ? 0 : 1));
  ctx.done(0);
};

const date: Program = (ctx, args) => {
  const now = guestClockS(ctx.g);
  const fmt = args.find((a) => a.startsWith('+'));
  if (fmt === undefined) ctx.out(dateText(now));
  else {
    const d = isoText(now);
    const out = fmt.slice(1).replace(/%([sTFHMSNY%])/g, (_m, c: string) => {
      switch (c) {
        case 's': return String(Math.floor(now));
        case 'N': return String(Math.floor((now % 1) * 1e9)).padStart(9, '0');
        case 'T': return d.slice(11);
        case 'F': return d.slice(0, 10);
        case 'H': return d.slice(11, 13);
        case 'M': return d.slice(14, 16);
        case 'S': return d.slice(17, 19);
        case 'Y': return d.slice(0, 4);
        default: return '%';
      }
    });
    ctx.out(out);
  }
  ctx.done(0);
};

const ls: Program = (ctx, args) => {
  const one = args.includes('-1');
  const paths = args.filter((a) => !a.startsWith('-'));
  const targets = paths.length > 0 ? paths : ['.'];
  let status = 0;
  targets.forEach((p, i) => {
    const abs = resolvePath(ctx.shell.cwd, p);
    const entries = listDir(ctx.g, abs);
    if (entries === null) {
      if (readFile(ctx.g, abs).ok) ctx.out(p);
      else {
        ctx.err(`ls: cannot access '${p}': No such file or directory`);
        status = 2;
      }
      return;
    }
    if (targets.length > 1) ctx.out(`${i > 0 ? '\n' : ''}${p}:`);
    if (one || !ctx.stdoutIsTerminal) entries.forEach((e) => ctx.out(e));
    else {
      // ls to a terminal: names across in columns that fit 80 characters.
      let line = '';
      for (const e of entries) {
        if (line !== '' && line.length + 2 + e.length > 80) {
          ctx.out(line);
          line = '';
        }
        line = line === '' ? e : `${line}  ${e}`;
      }
      if (line !== '') ctx.out(line);
    }
  });
  ctx.done(status);
};

const echo: Program = (ctx, args) => {
  const noNewline = args[0] === '-n';
  ctx.out((noNewline ? args.slice(1) : args).join(' '));
  ctx.done(0);
};

/** stress --cpu N [--timeout S]: N workers spinning on sqrt() in user mode. */
const stress: Program = (ctx, args) => {
  let cpus = 0;
  let timeoutS: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = args[i + 1];
    if (a === '-c' || a === '--cpu') {
      cpus = Number(v);
      i++;
    } else if (a === '-t' || a === '--timeout') {
      const m = /^(\d+)(s|m|h)?$/.exec(v ?? '');
      if (m === null) {
        ctx.err(`stress: FAIL: [${ctx.pid}] (xxx) invalid time specifier: ${v ?? ''}`);
        return ctx.done(1);
      }
      timeoutS = Number(m[1]) * (m[2] === 'm' ? 60 : m[2] === 'h' ? 3600 : 1);
      i++;
    } else if (a === '-i' || a === '--io' || a === '-m' || a === '--vm' || a === '-d' || a === '--hdd') {
      ctx.err(`stress: FAIL: [${ctx.pid}] paratop's guests emulate --cpu workers only`);
      return ctx.done(1);
    } else {
      ctx.err('`stress\' imposes certain types of compute stress on your system');
      ctx.err('');
      ctx.err('Usage: stress [OPTION [ARG]] ...');
      ctx.err(' -c, --cpu N        spawn N workers spinning on sqrt()');
      ctx.err(' -t, --timeout N    timeout after N seconds');
      return ctx.done(1);
    }
  }
  if (!Number.isInteger(cpus) || cpus < 1) {
    ctx.err('Usage: stress [OPTION [ARG]] ...');
    ctx.err(' -c, --cpu N        spawn N workers spinning on sqrt()');
    return ctx.done(1);
  }
  ctx.out(`stress: info: [${ctx.pid}] dispatching hogs: ${cpus} cpu, 0 io, 0 vm, 0 hdd`);
  ctx.task('stress', 'sleeper');
  for (let i = 0; i < cpus; i++) ctx.task('stress', 'hog', 1);
  if (timeoutS !== null) {
    const t = timeoutS;
    ctx.after(ms(t), () => {
      ctx.out(`stress: info: [${ctx.pid}] successful run completed in ${t}s`);
      ctx.done(0);
    });
  }
};

/** yes: writes "y" forever; most of its time is write(2) (system), the rest user. */
const yes: Program = (ctx, args) => {
  const word = args.length > 0 ? args.join(' ') : 'y';
  ctx.task('yes', 'hog', 0.35);
  // To a terminal it scrolls; a few lines a (simulated) tenth of a second stand for that flood.
  const spew = (): void => {
    for (let i = 0; i < 5; i++) ctx.out(word);
    ctx.after(ms(0.1), spew);
  };
  if (!ctx.stdoutIsFile) spew();
};

const sleep: Program = (ctx, args) => {
  if (args.length === 0) {
    ctx.err('sleep: missing operand');
    ctx.err("Try 'sleep --help' for more information.");
    return ctx.done(1);
  }
  let total = 0;
  for (const a of args) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (m === null) {
      ctx.err(`sleep: invalid time interval '${a}'`);
      ctx.err("Try 'sleep --help' for more information.");
      return ctx.done(1);
    }
    total += Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]!]!;
  }
  ctx.task('sleep', 'sleeper');
  ctx.after(ms(total), () => ctx.done(0));
};

const ps: Program = (ctx, args) => {
  const all = args.some((a) => /^-?[eA]|aux|^-ef$|^ax$/.test(a));
  const rows = processes(ctx.g, { pid: ctx.pid, name: 'ps', tty: ctx.isatty ? ctx.shell.tty : '?', ppid: ctx.shell.bashPid });
  // Without -e: the processes on this terminal (none has one under exec, so ps lists itself).
  const selected = all ? rows : ctx.isatty ? rows.filter((r) => r.tty === ctx.shell.tty) : [];
  let lines: string[];
  if (args.includes('aux') || args.includes('-aux')) lines = psAuxLines(ctx.g, rows);
  else if (args.includes('-ef') || args.includes('-f')) lines = psFullLines(ctx.g, selected);
  else lines = psLines(all || ctx.isatty ? selected : rows.filter((r) => r.pid === ctx.pid));
  for (const l of lines) ctx.out(l);
  ctx.done(0);
};

const jobs: Program = (ctx) => {
  for (const l of ctx.shell.jobLines()) ctx.out(l);
  ctx.done(0);
};

const kill: Program = (ctx, args) => {
  let status = 0;
  let sig = 143;
  for (const a of args) {
    if (a === '-9' || a === '-KILL' || a === '-s' || a === 'KILL') {
      if (a !== '-s') sig = 137;
      continue;
    }
    if (a === '-15' || a === '-TERM' || a === 'TERM') continue;
    const job = /^%(\d+)$/.exec(a);
    if (job !== null) {
      if (!ctx.shell.killJob(Number(job[1]), sig)) {
        ctx.err(`bash: kill: ${a}: no such job`);
        status = 1;
      }
    } else if (/^\d+$/.test(a)) {
      if (!ctx.shell.killPid(Number(a), sig)) {
        ctx.err(`bash: kill: (${a}) - No such process`);
        status = 1;
      }
    } else {
      ctx.err(`bash: kill: ${a}: arguments must be process or job IDs`);
      status = 1;
    }
  }
  if (args.length === 0) {
    ctx.err('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]');
    status = 2;
  }
  ctx.done(status);
};

const dmesg: Program = (ctx) => {
  for (const l of ctx.g.k.console.all()) if (!l.tty) ctx.out(formatDmesg(l));
  ctx.done(0);
};

const uname: Program = (ctx, args) => {
  const h = ctx.shell.hostname;
  const parts: Record<string, string> = { s: 'Linux', n: h, r: LINUX_RELEASE, v: `${LINUX_BUILD} (${LINUX_BUILD_DATE})`, m: 'x86_64', o: 'GNU/Linux' };
  const flags = args.join('').replace(/-/g, '');
  if (flags.includes('a')) ctx.out(`${parts['s']} ${h} ${parts['r']} ${parts['v']} ${parts['m']} ${parts['o']}`);
  else if (flags === '') ctx.out('Linux');
  else ctx.out([...'snrvmo'].filter((f) => flags.includes(f)).map((f) => parts[f]).join(' '));
  ctx.done(0);
};

/** shutdown(8)'s mode flags: true reboots. */
const SHUTDOWN_MODES: Readonly<Record<string, boolean>> = { '-h': false, '-P': false, '-H': false, '--poweroff': false, '--halt': false, '-r': true, '--reboot': true };

/**
 * poweroff, halt, reboot and shutdown [-h|-P|-H|-r] [now]: the guest shuts itself down (its
 * systemd's lines on the console), and xl then does what on_poweroff or on_reboot says. A guest
 * can always do this, fully virtualized or not: it is xl that needs PV drivers to ask it.
 */
const powerCommand = (name: 'poweroff' | 'halt' | 'reboot' | 'shutdown'): Program => (ctx, args) => {
  let reboot = name === 'reboot';
  for (const a of args) {
    if (a === '-f' || a === '--force' || a === '-p' || a === '--no-wall') continue;
    // Only shutdown takes a mode and a time.
    if (name === 'shutdown') {
      const mode = SHUTDOWN_MODES[a];
      if (mode !== undefined) {
        reboot = mode;
        continue;
      }
      if (a === 'now' || a === '+0') continue;
      if (/^\+\d+$/.test(a) || /^\d{1,2}:\d{2}$/.test(a) || a === '-c') {
        ctx.err(`${name}: paratop runs a shutdown now or not at all (scheduled ones and -c are not modelled); try "shutdown now"`);
        return ctx.done(1);
      }
    }
    ctx.err(`${name}: invalid option -- '${a.replace(/^-+/, '')}'`);
    return ctx.done(1);
  }
  // systemd asks polkit, and only root may shut the machine down unasked.
  if (ctx.shell.runAs !== 'root') {
    ctx.err(`Call to ${reboot ? 'Reboot' : 'PowerOff'} failed: Interactive authentication required.`);
    return ctx.done(1);
  }
  ctx.done(0);
  ctx.g.k.hv.shutdownSelf(ctx.g.k.dom, reboot);
};

const simple = (f: (ctx: ProcessContext, args: string[]) => string[] | string, status = 0): Program => (ctx, args) => {
  const r = f(ctx, args);
  for (const l of Array.isArray(r) ? r : [r]) ctx.out(l);
  ctx.done(status);
};

const cd: Program = (ctx, args) => {
  const target = args[0] === undefined || args[0] === '~' ? ctx.shell.home : resolvePath(ctx.shell.cwd, args[0].replace(/^~/, ctx.shell.home));
  if (listDir(ctx.g, target) === null) {
    ctx.err(`bash: cd: ${args[0]}: ${readFile(ctx.g, target).ok ? 'Not a directory' : 'No such file or directory'}`);
    return ctx.done(1);
  }
  ctx.shell.cwd = target;
  ctx.done(0);
};

const exit: Program = (ctx) => {
  ctx.done(0);
  if (ctx.isatty) {
    ctx.shell.print('logout');
    ctx.shell.logout();
  }
};

const PROGRAMS: Record<string, Program> = {
  cat,
  cd,
  clear: (ctx) => {
    ctx.clear();
    ctx.done(0);
  },
  date,
  dmesg,
  echo,
  exit,
  false: (ctx) => ctx.done(1),
  free,
  grep,
  halt: powerCommand('halt'),
  head,
  help: simple(() => [
    'paratop guest shell (a small subset of GNU bash). Commands:',
    `  ${COMMAND_LIST.join(' ')}`,
    'Pipe one into another with |, redirect stdout with > or >>, run in the background with a trailing &.',
    'Ctrl+C interrupts, Ctrl+L clears, ↑/↓ history, Tab completes, Ctrl+] leaves the console.',
  ]),
  history: (ctx) => {
    ctx.shell.history.forEach((h, i) => ctx.out(`${String(i + 1).padStart(5)}  ${h}`));
    ctx.done(0);
  },
  hostname: simple((ctx) => ctx.shell.hostname),
  jobs,
  kill,
  logout: exit,
  ls,
  nproc: simple((ctx) => String(ctx.g.k.cpus.filter((c) => c.online).length)),
  poweroff: powerCommand('poweroff'),
  ps,
  pwd: simple((ctx) => ctx.shell.cwd),
  reboot: powerCommand('reboot'),
  shutdown: powerCommand('shutdown'),
  sleep,
  sort,
  stress,
  tail,
  top,
  true: (ctx) => ctx.done(0),
  uname,
  uniq,
  uptime,
  vmstat,
  wc,
  whoami: simple((ctx) => ctx.shell.runAs),
  yes,
};

const COMMAND_LIST = Object.keys(PROGRAMS).sort();
export const COMMAND_NAMES: readonly string[] = COMMAND_LIST;

/**
 * Runs one command line in `ctx` (the shell has taken off a trailing `&`): parses it, opens a
 * redirection target as bash would (before the program runs), and starts the program.
 */
export function runCommandLine(ctx: ProcessContext, line: string): void {
  const w = words(line);
  if (!Array.isArray(w)) {
    ctx.err(w.error);
    return ctx.done(2);
  }
  // Split into commands joined by ; && ||, run one after another in this job.
  const segs: { op: string; words: string[] }[] = [{ op: ';', words: [] }];
  for (const x of w) {
    if (x === `${OPERATOR};` || x === `${OPERATOR}&&` || x === `${OPERATOR}||`) segs.push({ op: x.slice(1), words: [] });
    else segs[segs.length - 1]!.words.push(x);
  }
  const bad = segs.findIndex((sg, i) => sg.words.length === 0 && (i < segs.length - 1 || sg.op !== ';'));
  if (bad >= 0 && !(segs.length === 1)) {
    ctx.err(`bash: syntax error near unexpected token \`${segs[bad]!.op === ';' ? segs[bad + 1]?.op ?? ';' : segs[bad]!.op}'`);
    return ctx.done(2);
  }
  const next = (i: number, status: number): void => {
    const sg = segs[i];
    if (sg === undefined || sg.words.length === 0) return ctx.done(status);
    if ((sg.op === '&&' && status !== 0) || (sg.op === '||' && status === 0)) return next(i + 1, status);
    const mine: import('../model/guest/task.js').Task[] = [];
    const sub: ProcessContext = {
      ...ctx,
      task: (name, kind, userFrac, pid) => {
        const t = ctx.task(name, kind, userFrac, pid);
        mine.push(t);
        return t;
      },
      done: (st) => {
        // This command's processes end with it (and its hold on the keyboard); the job goes on
        // with the next command.
        for (const t of mine) ctx.g.k.kill(t);
        ctx.onKey(null);
        if (i + 1 < segs.length) next(i + 1, st);
        else ctx.done(st);
      },
    };
    runPipeline(sub, sg.words);
  };
  next(0, 0);
}

/**
 * A pipeline (`ps aux | sort -nrk 3 | head -5`): each command a process of its own, each one's
 * stdout the next one's stdin, its status the last one's. It ends when every command has; one that
 * writes into a pipe whose reader has ended gets SIGPIPE (status 141), as `yes | head -3` does.
 */
function runPipeline(ctx: ProcessContext, w: string[]): void {
  const stages: string[][] = [[]];
  for (const x of w) {
    if (x === `${OPERATOR}|`) stages.push([]);
    else stages[stages.length - 1]!.push(x);
  }
  if (stages.length === 1) return runOne(ctx, stages[0]!);
  if (stages.some((st) => st.length === 0)) {
    ctx.err("bash: syntax error near unexpected token `|'");
    return ctx.done(2);
  }
  const n = stages.length;
  const pipes = stages.slice(1).map(() => new Pipe());
  // bash forks them left to right: the pids ascend along the pipeline.
  const pids = stages.map((_, i) => (i === 0 ? ctx.pid : ctx.g.k.allocPid()));
  let running = n;
  let lastStatus = 0;
  const stage = (i: number): ProcessContext => {
    let ended = false;
    const stops: (() => void)[] = [];
    const mine: import('../model/guest/task.js').Task[] = [];
    const finish = (status: number): void => {
      if (ended) return;
      ended = true;
      for (const t of mine) ctx.g.k.kill(t);
      if (i === n - 1) lastStatus = status;
      if (i < n - 1) pipes[i]!.close();
      if (i > 0) pipes[i - 1]!.readerGone();
      if (--running === 0) ctx.done(lastStatus);
    };
    const last = i === n - 1;
    return {
      ...ctx,
      pid: pids[i]!,
      stdin: i === 0 ? ctx.stdin : pipes[i - 1]!,
      stdoutIsTerminal: last && ctx.stdoutIsTerminal,
      out: (l) => {
        if (ended) return;
        if (last) return ctx.out(l);
        if (pipes[i]!.broken) {
          for (const f of stops) f();
          return finish(141);
        }
        pipes[i]!.write(l);
      },
      err: (l) => {
        if (!ended) ctx.err(l);
      },
      after: (ns, fn) =>
        ctx.after(ns, () => {
          if (!ended) fn();
        }),
      onStop: (fn) => {
        stops.push(fn);
        ctx.onStop(() => {
          if (!ended) fn();
        });
      },
      clear: () => {
        if (!ended && last) ctx.clear();
      },
      onKey: (fn) => {
        if (!ended && last) ctx.onKey(fn);
      },
      task: (name, kind, userFrac) => {
        const t = ctx.task(name, kind, userFrac, mine.length === 0 ? pids[i] : undefined);
        t.ppid = mine.length === 0 ? ctx.shell.bashPid : pids[i]!;
        mine.push(t);
        return t;
      },
      done: finish,
    };
  };
  // Readers first, so that what a writer prints at once finds them reading.
  for (let i = n - 1; i >= 0; i--) runOne(stage(i), stages[i]!);
}

/**
 * Lines a pipe holds for a reader that is not reading (`yes | sleep 60`). A real pipe holds 64 KiB
 * and then blocks its writer; programs here cannot be blocked, so past this what is written is
 * dropped, and the pipe's memory stays bounded however long the pair runs.
 */
export const PIPE_LINES = 16_384;

/** A pipe between two commands of a pipeline, in lines. */
class Pipe {
  private onLine: ((line: string) => void) | null = null;
  private onEnd: (() => void) | null = null;
  private readonly buffered: string[] = [];
  private closed = false;
  /** The reading command has ended: the next write gets SIGPIPE. */
  broken = false;

  read(onLine: (line: string) => void, onEnd: () => void): void {
    this.onLine = onLine;
    this.onEnd = onEnd;
    for (const l of this.buffered.splice(0)) onLine(l);
    if (this.closed) onEnd();
  }

  write(line: string): void {
    if (this.onLine !== null) this.onLine(line);
    else if (this.buffered.length < PIPE_LINES) this.buffered.push(line);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onEnd?.();
  }

  readerGone(): void {
    this.broken = true;
    this.buffered.length = 0;
  }
}

function runOne(ctx: ProcessContext, w: string[]): void {
  const at = w.findIndex((x) => x === `${OPERATOR}>` || x === `${OPERATOR}>>`);
  let target: string | null = null;
  let argv = w;
  if (at >= 0) {
    const file = w[at + 1];
    if (file === undefined || file.startsWith(OPERATOR)) {
      ctx.err("bash: syntax error near unexpected token `newline'");
      return ctx.done(2);
    }
    target = resolvePath(ctx.shell.cwd, file);
    argv = [...w.slice(0, at), ...w.slice(at + 2)];
    const openErr = openForWrite(ctx, target);
    if (openErr !== null) {
      ctx.err(`bash: ${file}: ${openErr}`);
      return ctx.done(1);
    }
  }
  const [name, ...args] = argv;
  if (name === undefined) return ctx.done(0);
  const prog = PROGRAMS[name];
  if (prog === undefined) {
    ctx.err(`bash: ${name}: command not found`);
    return ctx.done(127);
  }
  if (target === null) return prog(ctx, args);
  // stdout goes to the file: collected, and written when the program ends.
  const collected: string[] = [];
  const path = target;
  const redirected: ProcessContext = {
    ...ctx,
    stdoutIsFile: true,
    stdoutIsTerminal: false,
    // Clearing is bytes on stdout: they go to the file, not to the screen.
    clear: () => {},
    out: (l) => collected.push(l),
    done: (status) => {
      if (path !== '/dev/null' && collected.length > 0) {
        const err = writeFile(ctx.g, path, `${collected.join('\n')}\n`, ctx.shell.runAs === 'root');
        if (err !== null) {
          ctx.err(`bash: ${name}: write error: ${err}`);
          return ctx.done(1);
        }
      }
      ctx.done(status);
    },
  };
  prog(redirected, args);
}

/** Opening a file for writing: sysfs and /proc files exist or not; the root file system is read-only. */
function openForWrite(ctx: ProcessContext, path: string): string | null {
  if (path === '/dev/null') return null;
  if (isFile(ctx.g, path)) return null;
  if (listDir(ctx.g, path) !== null) return 'Is a directory';
  if (path.startsWith('/proc/') || path.startsWith('/sys/')) return 'No such file or directory';
  return 'Read-only file system';
}

