/**
 * A login shell on a guest's console (hvc0 for PV, ttyS0 for HVM), as `xl console` shows it: getty's
 * login prompt, then a bash-like prompt with history, Tab completion, Ctrl+C, Ctrl+L, `&` and job
 * control. Commands (commands.ts) read the emulated kernel and take simulated time: `vmstat 1 5`
 * prints a line each simulated second, `stress --cpu 2` starts two CPU-bound tasks in the guest.
 *
 * Deterministic: nothing here reads the wall clock; timed commands schedule events on the host's
 * event queue, like every other part of the guest. Everything printed goes to the console ring as
 * terminal lines (not dmesg), and the dashboard sanitises it like any other guest text.
 */
import { EventPriority } from '../model/clock.js';
import type { SimEvent } from '../model/clock.js';
import type { Domain } from '../model/domain.js';
import { LINUX_BUILD, LINUX_BUILD_DATE, LINUX_RELEASE } from '../model/guest/boot-log.js';
import type { Task } from '../model/guest/task.js';
import type { Host } from '../model/host.js';
import { COMMAND_NAMES, runCommandLine } from './commands.js';
import { SAC_PROMPT, sacCommand } from './sac.js';
import { cursorAt, editLine } from './line-edit.js';
import type { LineEdit } from './line-edit.js';
import type { Guest } from './procfs.js';

export type ShellKey =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'enter' | 'backspace' | 'up' | 'down' | 'tab' | 'interrupt' | 'clear' | 'eof' | 'killLine' | 'killWord' | 'left' | 'right' | 'lineStart' | 'lineEnd' };

/** A pipe's reading end: its lines as they are written, then the end (the writer closed it). */
export interface LineSource {
  read(onLine: (line: string) => void, onEnd: () => void): void;
}

/** What a running program may do: print, wait, finish, and learn it was interrupted. */
export interface ProcessContext {
  readonly g: Guest;
  readonly shell: GuestShell;
  /** The process's own pid (also the pid of its task, if it has one). */
  readonly pid: number;
  /** stdout is the console terminal (false under `paratop exec`, where it is a pipe). */
  readonly isatty: boolean;
  /** stdout is redirected to a file (`> /dev/null`): nothing reaches the terminal. */
  readonly stdoutIsFile: boolean;
  /** stdout is the terminal itself, not a pipe or a file: top draws full screen, ls prints columns. */
  readonly stdoutIsTerminal: boolean;
  /** stdin when it is a pipe (`dmesg | grep xen`); null when it is the terminal. */
  readonly stdin: LineSource | null;
  out(line: string): void;
  err(line: string): void;
  /** Runs `fn` after `ns` of simulated time, unless the process has ended by then. */
  after(ns: number, fn: () => void): void;
  /** Called when the process is interrupted (Ctrl+C) or killed, before it ends. */
  onStop(fn: () => void): void;
  /** Clears the terminal's screen (as `clear` and top's redraw do). */
  clear(): void;
  /** A full-screen program takes the keys typed while it runs ('q' for top); true = taken. */
  onKey(fn: ((ch: string) => boolean) | null): void;
  /**
   * A task in the guest for this process (it shows in ps and top); it leaves when the process ends.
   * `pid` gives it that pid (a pipeline's later commands are processes of their own).
   */
  task(name: string, kind: 'hog' | 'sleeper', userFrac?: number, pid?: number): Task;
  done(status: number): void;
}

/** A command line being run: in the foreground, or a background job. */
export class Job {
  status: number | null = null;
  private readonly timers = new Set<SimEvent>();
  private readonly stops: (() => void)[] = [];
  readonly tasks: Task[] = [];
  readonly onDone: ((status: number) => void)[] = [];
  /** Set by a full-screen program: it reads the keys typed while it runs. */
  keyHandler: ((ch: string) => boolean) | null = null;

  constructor(
    readonly id: number,
    readonly pid: number,
    readonly text: string,
  ) {}

  get running(): boolean {
    return this.status === null;
  }

  addTimer(e: SimEvent): void {
    this.timers.add(e);
  }

  dropTimer(e: SimEvent): void {
    this.timers.delete(e);
  }

  onStop(fn: () => void): void {
    this.stops.push(fn);
  }

  /** Ends the job: its timers are cancelled and its tasks leave the guest. */
  finish(status: number, kill: (t: Task) => void): void {
    if (this.status !== null) return;
    this.status = status;
    for (const e of this.timers) e.cancelled = true;
    this.timers.clear();
    for (const t of this.tasks) kill(t);
    for (const f of this.onDone) f(status);
  }

  stop(kill: (t: Task) => void, status: number): void {
    if (this.status !== null) return;
    for (const f of this.stops) f();
    this.finish(status, kill);
  }
}

/** The console keys that edit the line, as line-edit.ts names the edits. */
const LINE_EDITS: Partial<Record<ShellKey['type'], LineEdit>> = {
  backspace: { type: 'erase' },
  killLine: { type: 'eraseLine' },
  killWord: { type: 'eraseWord' },
  left: { type: 'left' },
  right: { type: 'right' },
  lineStart: { type: 'lineStart' },
  lineEnd: { type: 'lineEnd' },
};

const MOTD = [
  'The programs included with the Debian GNU/Linux system are free software;',
  'the exact distribution terms for each program are described in the',
  'individual files in /usr/share/doc/*/copyright.',
  '',
  'Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent',
  'permitted by applicable law.',
];

export const HISTORY_MAX = 500;

export class GuestShell {
  user: string | null = null;

  /** Who runs what the shell runs: the user logged in, or root (paratop exec runs as root, as ssh root@ would). */
  get runAs(): string {
    return this.user ?? 'root';
  }
  cwd = '/root';
  /** What has been typed at the prompt and not yet entered. */
  line = '';
  /** How much of `line` is after the cursor (←, Ctrl+A); 0 = at the end, where typing appends. */
  private tail = 0;
  readonly history: string[] = [];
  private histIdx = -1;
  fg: Job | null = null;
  readonly jobs: Job[] = [];
  /** Console lines before this sequence number are cleared from the screen (Ctrl+L, `clear`). */
  clearedBeforeSeq = 0;
  /**
   * The terminal's size as programs see it (TIOCGWINSZ): the console pane sets it when it draws
   * the console, so top fits its task list to the rows there are.
   */
  winsize = { rows: 24, cols: 80 };
  /** Lines entered while a command ran: bash reads them when the command ends (type-ahead). */
  private pending: string[] = [];
  private bash: Task | null = null;
  /** Extra sink for command output (paratop exec): stdout and stderr lines. */
  sink: { out(line: string): void; err(line: string): void } | null = null;
  /** Background jobs that ended since the last prompt, reported before the next one (as bash does). */
  private finished: Job[] = [];

  constructor(
    readonly host: Host,
    readonly dom: Domain,
  ) {}

  get g(): Guest {
    return { host: this.host, dom: this.dom, k: this.dom.kernel };
  }

  get hostname(): string {
    return this.dom.kernel.hostname;
  }

  get tty(): string {
    return this.dom.kernel.traits.console;
  }

  /** A Windows guest's serial console has EMS's SAC, not getty and bash (sac.ts). */
  get sac(): boolean {
    return this.dom.kernel.os.sac;
  }

  /** Only a Linux guest runs getty and bash on its console (a Windows one, SAC), and only once it has booted. */
  get available(): boolean {
    const k = this.dom.kernel;
    // A domain that has shut down (a crash kept by on_crash=preserve too) runs nothing to type to.
    return k.booted && !k.dead && !k.shuttingDown && this.dom.shutdownReason === null && (noLoginShell(this.dom) === null || this.sac);
  }

  /** The login shell's pid: the parent of what it runs (1 when nobody is logged in). */
  get bashPid(): number {
    return this.bash?.pid ?? 1;
  }

  get home(): string {
    return this.runAs === 'root' ? '/root' : `/home/${this.runAs}`;
  }

  get prompt(): string {
    if (this.sac) return SAC_PROMPT;
    if (this.user === null) return `${this.hostname} login: `;
    const dir = this.cwd === this.home ? '~' : this.cwd.startsWith(`${this.home}/`) ? `~${this.cwd.slice(this.home.length)}` : this.cwd;
    return `${this.user}@${this.hostname}:${dir}${this.user === 'root' ? '#' : '$'} `;
  }

  /** The line the cursor is on: the prompt and what has been typed, or null while a command runs. */
  get inputLine(): string | null {
    if (!this.available) return null;
    // While a command runs, the terminal echoes what is typed ahead after its output.
    if (this.fg !== null) return this.fg.keyHandler === null && this.line !== '' ? this.line : null;
    return this.prompt + this.line;
  }

  /** Where the cursor is in `line` (readline's point). */
  get cursor(): number {
    return cursorAt(this.line, this.tail);
  }

  /** The cursor's column in `inputLine`, or null when no line is being edited (a full-screen program runs). */
  get inputCursor(): number | null {
    const shown = this.inputLine;
    if (shown === null) return null;
    return shown.length - (this.line.length - this.cursor);
  }

  private setLine(line: string, tail = 0): void {
    this.line = line;
    this.tail = tail;
  }

  print(text: string): void {
    this.dom.kernel.ttyWrite(text);
  }

  key(k: ShellKey): void {
    if (!this.available) return;
    if (this.sac) return this.sacKey(k);
    if (k.type === 'interrupt') {
      if (this.fg !== null) {
        this.print('^C');
        this.fg.stop((t) => this.dom.kernel.kill(t), 130);
        return;
      }
      this.print(`${this.prompt}${this.line}^C`);
      this.setLine('');
      this.histIdx = -1;
      return;
    }
    if (k.type === 'clear') {
      this.clearedBeforeSeq = this.dom.kernel.console.total;
      return;
    }
    const fg = this.fg;
    if (fg !== null && fg.keyHandler !== null) {
      // A full-screen program (top) reads the keys itself.
      if (k.type === 'text') for (const ch of k.text) if (this.fg === fg && fg.keyHandler !== null) fg.keyHandler(ch);
      return;
    }
    // Editing the line works the same while a command runs (what is typed ahead is kept).
    if (this.editKey(k)) return;
    if (fg !== null) {
      // Typed ahead: an entered line runs when the command ends, as bash reads it from the terminal.
      if (k.type === 'enter' && this.pending.length < 32) {
        this.pending.push(this.line);
        this.setLine('');
      }
      return;
    }
    switch (k.type) {
      case 'up':
      case 'down': {
        if (this.user === null || this.history.length === 0) return;
        const n = this.history.length;
        const i = this.histIdx < 0 ? n : this.histIdx;
        const j = k.type === 'up' ? Math.max(0, i - 1) : Math.min(n, i + 1);
        this.histIdx = j;
        this.setLine(j >= n ? '' : this.history[j]!);
        return;
      }
      case 'tab':
        this.complete();
        return;
      case 'eof':
        if (this.line === '' && this.user !== null) this.enter('exit');
        return;
      case 'enter': {
        const line = this.line;
        this.setLine('');
        this.enter(line);
        return;
      }
    }
  }

  /** Typing and the line's edits, as readline makes them (line-edit.ts); false for a key that is neither. */
  private editKey(k: ShellKey): boolean {
    const edit = LINE_EDITS[k.type];
    if (edit === undefined && k.type !== 'text') return false;
    const r = editLine(this.line, this.tail, k.type === 'text' ? { type: 'insert', text: k.text.replace(/[\x00-\x1f\x7f]/g, '') } : edit!);
    this.setLine(r.text, r.tail);
    return true;
  }

  /** SAC's line: edited as any, run on Enter; it has no jobs, history or completion. */
  private sacKey(k: ShellKey): void {
    if (k.type === 'clear') {
      this.clearedBeforeSeq = this.dom.kernel.console.total;
      return;
    }
    if (this.editKey(k) || k.type !== 'enter') return;
    const line = this.line;
    this.setLine('');
    this.print(this.prompt + line);
    for (const l of sacCommand(this.g, line)) this.print(l);
  }

  private complete(): void {
    if (this.user === null || /\s/.test(this.line) || this.tail > 0) return;
    const matches = COMMAND_NAMES.filter((c) => c.startsWith(this.line));
    if (matches.length === 1) this.setLine(`${matches[0]} `);
    else if (matches.length > 1) {
      let p = this.line;
      while (matches.every((m) => m.startsWith(p + (matches[0]![p.length] ?? '\0')))) p += matches[0]![p.length];
      if (p !== this.line) this.setLine(p);
      else {
        this.print(this.prompt + this.line);
        this.print(matches.join('  '));
      }
    }
  }

  /** A line entered at the prompt (echoed as the terminal shows it). */
  enter(line: string): void {
    this.print(this.prompt + line);
    this.histIdx = -1;
    if (this.user === null) {
      const name = line.trim();
      if (name === '') return;
      this.login(/^[a-z_][a-z0-9_-]*$/.test(name) ? name : 'root');
      return;
    }
    if (line.trim() !== '' && this.history[this.history.length - 1] !== line) {
      this.history.push(line);
      if (this.history.length > HISTORY_MAX) this.history.shift();
    }
    this.run(line, true, () => {
      this.reportFinished();
      const next = this.pending.shift();
      if (next !== undefined && this.user !== null) this.enter(next);
    });
  }

  /** Logs `name` in (any name, no password): the MOTD, a bash process, the home directory. */
  login(name: string): void {
    this.user = name;
    this.cwd = this.home;
    this.print(`Linux ${this.hostname} ${LINUX_RELEASE} ${LINUX_BUILD} (${LINUX_BUILD_DATE}) x86_64`);
    this.print('');
    for (const l of MOTD) this.print(l);
    this.bash = this.dom.kernel.spawn('bash', 'sleeper', this.tty);
  }

  logout(): void {
    for (const j of [...this.jobs]) j.stop((t) => this.dom.kernel.kill(t), 143);
    this.jobs.length = 0;
    this.finished = [];
    if (this.bash !== null) this.dom.kernel.kill(this.bash);
    this.bash = null;
    this.user = null;
    this.history.length = 0;
    this.pending = [];
    this.print('');
    this.print(`Debian GNU/Linux 12 ${this.hostname} ${this.tty}`);
    this.print('');
  }

  /**
   * Runs a command line. In the foreground the prompt waits for it; with a trailing `&` it becomes
   * a background job. `then` is called with the exit status when it ends.
   */
  run(line: string, isatty: boolean, then: (status: number) => void = () => {}): Job | null {
    let text = line.trim();
    if (text === '') {
      then(0);
      return null;
    }
    const background = /(^|[^&])&$/.test(text);
    if (background) text = text.slice(0, -1).trim();
    const k = this.dom.kernel;
    const pid = k.allocPid();
    const job = new Job(background ? this.nextJobId() : 0, pid, text);
    if (background) {
      this.jobs.push(job);
      this.print(`[${job.id}] ${pid}`);
      job.onDone.push(() => this.finished.push(job));
    } else this.fg = job;
    job.onDone.push((status) => {
      if (this.fg === job) this.fg = null;
      if (!background) then(status);
    });
    const ctx = this.context(job, isatty);
    runCommandLine(ctx, text);
    if (background) then(0);
    return job;
  }

  private nextJobId(): number {
    const used = new Set(this.jobs.filter((j) => j.running).map((j) => j.id));
    let id = 1;
    while (used.has(id)) id++;
    return id;
  }

  private context(job: Job, isatty: boolean): ProcessContext {
    const shell = this;
    const q = this.host.queue;
    const k = this.dom.kernel;
    return {
      g: this.g,
      shell,
      pid: job.pid,
      isatty,
      stdoutIsFile: false,
      stdoutIsTerminal: isatty,
      stdin: null,
      out: (l) => {
        if (!job.running) return;
        shell.print(l);
        shell.sink?.out(l);
      },
      err: (l) => {
        if (!job.running) return;
        shell.print(l);
        shell.sink?.err(l);
      },
      after: (ns, fn) => {
        if (!job.running) return;
        const e: SimEvent = q.schedule(q.now + Math.max(1, Math.round(ns)), EventPriority.Guest, () => {
          job.dropTimer(e);
          if (k.dead || !job.running) return;
          fn();
        });
        job.addTimer(e);
      },
      onStop: (fn) => job.onStop(fn),
      clear: () => {
        if (job.running && isatty) shell.clearedBeforeSeq = k.console.total;
      },
      onKey: (fn) => {
        job.keyHandler = fn;
      },
      task: (name, kind, userFrac, pid) => {
        // The job's first task is the process itself (same pid); more are its children.
        const own = pid ?? (job.tasks.length === 0 ? job.pid : undefined);
        const t = k.spawn(name, kind, isatty ? shell.tty : null, userFrac, own ?? k.allocPid());
        t.ppid = own !== undefined ? shell.bashPid : job.pid;
        job.tasks.push(t);
        return t;
      },
      done: (status) => job.finish(status, (t) => k.kill(t)),
    };
  }

  /** bash reports background jobs that ended just before it draws the next prompt. */
  private reportFinished(): void {
    for (const j of this.finished) {
      const i = this.jobs.indexOf(j);
      if (i < 0) continue;
      const word = j.status === 0 ? 'Done' : j.status === 143 || j.status === 137 ? (j.status === 137 ? 'Killed' : 'Terminated') : `Exit ${j.status}`;
      const mark = i === this.jobs.length - 1 ? '+' : '-';
      this.print(`[${j.id}]${mark}  ${word.padEnd(24)}${j.text}`);
      this.jobs.splice(i, 1);
    }
    this.finished = [];
  }

  /** Background jobs for `jobs`: "[1]+  Running                 yes > /dev/null &". */
  jobLines(): string[] {
    return this.jobs.map((j, i) => {
      const mark = i === this.jobs.length - 1 ? '+' : i === this.jobs.length - 2 ? '-' : ' ';
      const word = j.running ? 'Running' : j.status === 0 ? 'Done' : 'Terminated';
      return `[${j.id}]${mark}  ${word.padEnd(24)}${j.text}${j.running ? ' &' : ''}`;
    });
  }

  /** kill %N or kill PID: a job of this shell, or any task of the guest. */
  killJob(id: number, status: number): boolean {
    const j = this.jobs.find((x) => x.id === id && x.running);
    if (j === undefined) return false;
    j.stop((t) => this.dom.kernel.kill(t), status);
    return true;
  }

  killPid(pid: number, status: number): boolean {
    const j = this.jobs.find((x) => x.running && (x.pid === pid || x.tasks.some((t) => t.pid === pid)));
    if (j !== undefined && j.pid === pid) return this.killJob(j.id, status);
    const t = this.dom.kernel.tasks.find((x) => x.pid === pid);
    if (t === undefined) return false;
    if (t.pid === 1 || t.kernelThread) return true; // init and kernel threads ignore SIGTERM
    if (t === this.bash) return true;
    this.dom.kernel.kill(t);
    return true;
  }
}

/** One shell per guest kernel (a rebooted or re-created guest gets a fresh login prompt). */
const shells = new WeakMap<object, GuestShell>();

/** The OS a guest runs when its console has no login shell (see OsConsole.loginShell), else null. */
export function noLoginShell(dom: Domain): string | null {
  return dom.kernel.os.loginShell ? null : dom.spec.guestOs;
}

export function shellFor(host: Host, dom: Domain): GuestShell {
  let s = shells.get(dom.kernel);
  if (s === undefined) {
    s = new GuestShell(host, dom);
    shells.set(dom.kernel, s);
  }
  return s;
}

/** The shell of a guest if one was started (the console pane asks without starting one). */
export function existingShell(dom: Domain): GuestShell | undefined {
  return shells.get(dom.kernel);
}
