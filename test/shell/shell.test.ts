/**
 * The guest's login shell and its tools, driven as a user would (keys into the shell, simulated time
 * passing), checked against the real tools' layouts (procps-ng 4.0.2, Linux 6.1 /proc) and against
 * the mechanisms: steal seen by pv and not by full, a balloon shrinking `free`, a drifting `date`,
 * a guest offlining its own vCPU, no balloon directory without PV drivers.
 */
import { describe, expect, it } from 'vitest';
import { NS_PER_S } from '../../source/model/clock.js';
import type { Host } from '../../source/model/host.js';
import { runCommand } from '../../source/commands/run.js';
import { shellFor } from '../../source/shell/shell.js';
import type { GuestShell } from '../../source/shell/shell.js';
import { hostClockS, writeFile } from '../../source/shell/procfs.js';
import { hostWith, spec } from '../helpers.js';

/** Logs in on `name`'s console and returns a function that runs a command line to completion and
 * returns what it printed (the lines after the echoed command line). */
function login(host: Host, name: string): { run: (line: string, maxS?: number) => string[]; sh: GuestShell } {
  host.advance(2 * NS_PER_S);
  const d = host.domains().find((x) => x.name === name)!;
  const sh = shellFor(host, d);
  sh.key({ type: 'text', text: 'root' });
  sh.key({ type: 'enter' });
  const run = (line: string, maxS = 120): string[] => {
    const k = d.kernel;
    const from = k.console.total;
    sh.key({ type: 'text', text: line });
    sh.key({ type: 'enter' });
    for (let i = 0; i < maxS * 10 && sh.fg !== null; i++) host.advance(NS_PER_S / 10);
    return k.console.all().filter((l) => l.seq > from && l.tty).map((l) => l.text);
  };
  return { run, sh };
}

const VMSTAT_HEAD = [
  'procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----',
  ' r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st',
];

/** Parses a vmstat data line by its header's column ends (fields are right-aligned). */
function vmstatFields(line: string): Record<string, number> {
  const names = VMSTAT_HEAD[1]!.trim().split(/\s+/);
  const vals = line.trim().split(/\s+/).map(Number);
  expect(vals).toHaveLength(names.length);
  return Object.fromEntries(names.map((n, i) => [n, vals[i]!]));
}

describe('login and shell', () => {
  it('shows getty, takes any user name, runs commands, says "command not found" as bash does', () => {
    const host = hostWith([spec({ name: 'web01', vcpus: 2 })]);
    host.advance(2 * NS_PER_S);
    const d = host.domains().find((x) => x.name === 'web01')!;
    const texts = d.kernel.console.all().filter((l) => l.tty).map((l) => l.text);
    expect(texts).toContain('Debian GNU/Linux 12 web01 hvc0');
    const sh = shellFor(host, d);
    expect(sh.inputLine).toBe('web01 login: ');
    sh.key({ type: 'text', text: 'alice' });
    sh.key({ type: 'enter' });
    expect(sh.inputLine).toBe('alice@web01:~$ ');
    const { run } = { run: (l: string) => {
      const from = d.kernel.console.total;
      sh.key({ type: 'text', text: l });
      sh.key({ type: 'enter' });
      return d.kernel.console.all().filter((x) => x.seq > from).map((x) => x.text);
    } };
    expect(run('foo --bar')).toEqual(['bash: foo: command not found']);
    expect(run('hostname')).toEqual(['web01']);
    expect(run('nproc')).toEqual(['2']);
    // History and completion.
    sh.key({ type: 'up' });
    expect(sh.line).toBe('nproc');
    sh.key({ type: 'up' });
    expect(sh.line).toBe('hostname');
    sh.key({ type: 'down' });
    sh.key({ type: 'down' });
    expect(sh.line).toBe('');
    sh.key({ type: 'text', text: 'vms' });
    sh.key({ type: 'tab' });
    expect(sh.line).toBe('vmstat ');
  });

  it("systemd's boot line names the hostname the guest then answers with (Domain-0's is its host's)", () => {
    const host = hostWith([spec({ name: 'web01' })]);
    host.advance(2 * NS_PER_S);
    for (const d of host.domains()) {
      const h = shellFor(host, d).hostname;
      const log = d.kernel.console.all().map((l) => l.text);
      expect(log).toContain(`systemd[1]: Hostname set to <${h}>.`);
      expect(log.filter((t) => t.startsWith('systemd[1]: Hostname set to'))).toHaveLength(1);
    }
    expect(host.domains().map((d) => d.kernel.hostname)).toEqual(['xenhost', 'web01']);
  });

  it("a Windows guest's serial console shows EMS's SAC, not a Linux boot log, and SAC's prompt where a login would be", () => {
    const host = hostWith([spec({ name: 'win', mode: 'full', guestOs: 'windows' })]);
    host.advance(2 * NS_PER_S);
    const d = host.domains().find((x) => x.name === 'win')!;
    const log = d.kernel.console.all();
    expect(log.map((l) => l.text)).toEqual([
      'Computer is booting, SAC started and initialized.',
      '',
      'Use the "ch -?" command for information about using channels.',
      'Use the "?" command for general help.',
      '',
      'SAC>',
      'EVENT: The CMD command is now available.',
    ]);
    // Written to the terminal by a program, so shown without the kernel log's timestamps.
    expect(log.every((l) => l.tty)).toBe(true);
    expect(shellFor(host, d).inputLine).toBe('SAC>');
  });

  it("SAC takes commands: help, the guest's own clock and tasks, and crashdump stops it with bug check 0xE2", () => {
    const host = hostWith([spec({ name: 'win', mode: 'full', guestOs: 'windows', workload: 'idle', onCrash: 'preserve' })]);
    host.advance(2 * NS_PER_S);
    const d = host.domains().find((x) => x.name === 'win')!;
    const sh = shellFor(host, d);
    const say = (line: string): string[] => {
      const from = d.kernel.console.total;
      sh.key({ type: 'text', text: line });
      sh.key({ type: 'enter' });
      return d.kernel.console.all().filter((l) => l.seq >= from).map((l) => l.text);
    };
    const help = say('?');
    expect(help[0]).toBe('SAC>?');
    expect(help).toContain('crashdump            Crash the system. You must have crash dump enabled.');
    expect(say('HELP')).toEqual(help.map((l, i) => (i === 0 ? 'SAC>HELP' : l)));
    // Its clock: the guest's, in GMT, as paratop's simulated wall clock starts it.
    expect(say('s')[1]).toMatch(/^Date: \d\d\/\d\d\/\d{4}  Time \(GMT\): \d\d:\d\d:\d\d:\d{4}$/);
    const t = say('t');
    expect(t[1]).toMatch(/^memory: \d+ kb  uptime:  0 0:00:0\d\.\d{3}$/);
    // Windows' own processes: System (pid 4, the kernel's threads with it), the idle guest's
    // periodic job in the task scheduler's host; no Linux names, and every pid a multiple of 4.
    const procs = t.slice(4).map((l) => /^ +[\d.]+ +[\d.]+ +\d+K +(\d+) (.+)$/.exec(l)!);
    expect(procs[0]!.slice(1)).toEqual(['4', 'System']);
    expect(procs.map((p) => p[2])).toContain('taskhostw.exe');
    expect(procs.filter((p) => /systemd|crond/.test(p[2]!))).toEqual([]);
    expect(procs.every((p) => Number(p[1]) % 4 === 0)).toBe(true);
    expect(say('nosuch')).toEqual(['SAC>nosuch', "Unrecognized command.  Try the 'help' command for more details."]);
    expect(say('cmd')[1]).toMatch(/^paratop: SAC's "cmd" is not modelled/);
    const crash = say('crashdump');
    expect(crash).toContain('<PROPERTY NAME="STOPCODE" TYPE="string"><VALUE>"0xE2"</VALUE></PROPERTY>');
    expect(d.shutdownReason).toBe('crash');
    expect(sh.inputLine).toBeNull();
  });

  it('SAC restart reboots the guest at once, with no orderly shutdown; shutdown powers it off', () => {
    const host = hostWith([spec({ name: 'win', mode: 'full', guestOs: 'windows', workload: 'idle' }), spec({ name: 'w2', mode: 'full', guestOs: 'windows', workload: 'idle' })]);
    host.advance(2 * NS_PER_S);
    const [, win, w2] = host.domains();
    shellFor(host, win!).key({ type: 'text', text: 'restart' });
    shellFor(host, win!).key({ type: 'enter' });
    shellFor(host, w2!).key({ type: 'text', text: 'shutdown' });
    shellFor(host, w2!).key({ type: 'enter' });
    host.advance(NS_PER_S / 10);
    expect(host.domains().map((d) => d.name)).toEqual(['Domain-0', 'win']);
    expect(win!.kernel.console.all().map((l) => l.text)).not.toContain('Windows is shutting down.');
  });

  it("a Windows guest's console shows none of the model's Linux kernel messages, and a crash as SAC reports a bug check", () => {
    // Two guests too small for their database: the memory pressure is the same, what the console says is not.
    const tight = { workload: 'db' as const, memoryMiB: 384, vcpus: 2 };
    const host = hostWith([spec({ name: 'win', mode: 'full', guestOs: 'windows', ...tight }), spec({ name: 'lin', mode: 'full', ...tight })]);
    host.advance(30 * NS_PER_S);
    const win = host.domains().find((x) => x.name === 'win')!;
    const lin = host.domains().find((x) => x.name === 'lin')!;
    expect(win.kernel.pressure.oomKills).toBeGreaterThan(0);
    expect(lin.kernel.console.all().some((l) => l.text.startsWith('Out of memory: Killed process'))).toBe(true);
    const before = win.kernel.console.all();
    expect(before.every((l) => l.tty)).toBe(true);
    expect(before.some((l) => /Out of memory|systemd|smpboot|clocksource/.test(l.text))).toBe(false);
    host.crash(win, 'System is deadlocked on memory');
    const after = win.kernel.console.all().slice(before.length).map((l) => l.text);
    expect(after.slice(0, 3)).toEqual(['<?xml version="1.0"?>', '<INSTANCE CLASSNAME="BLUESCREEN">', '<PROPERTY NAME="STOPCODE" TYPE="string"><VALUE>"0xEF"</VALUE></PROPERTY>']);
    expect(after).toContain('</INSTANCE>');
    expect(after.some((t) => t.includes('Kernel panic'))).toBe(false);
  });

  it('Ctrl+C interrupts a running command and the prompt comes back', () => {
    const host = hostWith([spec({ name: 'g' })]);
    const { sh } = login(host, 'g');
    sh.key({ type: 'text', text: 'sleep 100' });
    sh.key({ type: 'enter' });
    host.advance(NS_PER_S);
    expect(sh.inputLine).toBeNull();
    sh.key({ type: 'interrupt' });
    expect(sh.inputLine).toBe('root@g:~# ');
    expect(host.domains()[1]!.kernel.tasks.some((t) => t.name === 'sleep')).toBe(false);
  });

  it('guest text typed at the prompt never carries control characters', () => {
    const host = hostWith([spec({ name: 'g' })]);
    const { sh } = login(host, 'g');
    sh.key({ type: 'text', text: 'echo \x1b]0;pwned\x07hi' });
    expect(sh.line).toBe('echo ]0;pwnedhi');
  });
});

describe('procps formats (golden layouts)', () => {
  it('vmstat: the header, the since-boot line, then one line per interval, each field in its width', () => {
    const host = hostWith([spec({ name: 'g', workload: 'web', vcpus: 2 })]);
    const { run } = login(host, 'g');
    const out = run('vmstat 1 3');
    expect(out.slice(0, 2)).toEqual(VMSTAT_HEAD);
    expect(out).toHaveLength(5);
    for (const l of out.slice(2)) {
      // %2 %2 %6 %6 %6 %6 %4 %4 %5 %5 %4 %4 %2 %2 %2 %2 %2 (wider numbers push right, as printf does)
      expect(l).toMatch(/^[ \d]{2} [ \d]{2} [ \d]{6,} [ \d]{6,} [ \d]{6,} [ \d]{6,} [ \d]{4,} [ \d]{4,} [ \d]{5,} [ \d]{5,} [ \d]{4,} [ \d]{4,} [ \d]{2,3} [ \d]{2,3} [ \d]{2,3} [ \d]{2,3} [ \d]{2,3}$/);
      const f = vmstatFields(l);
      expect(f['us']! + f['sy']! + f['id']! + f['wa']! + f['st']!).toBeGreaterThanOrEqual(98);
    }
    const wide = run('vmstat -w');
    expect(wide[0]).toBe('--procs-- -----------------------memory---------------------- ---swap-- -----io---- -system-- ----------cpu----------');
    expect(wide[1]).toBe('   r    b         swpd         free         buff        cache   si   so    bi    bo   in   cs  us  sy  id  wa  st  gu');
    expect(run('vmstat x')).toEqual(["vmstat: failed to parse argument: 'x'"]);
  });

  it('free: 8-column labels and 12-column values; -m, -g, -b scale; -h is human-readable', () => {
    const host = hostWith([spec({ name: 'g', memoryMiB: 2048 })]);
    const { run } = login(host, 'g');
    const out = run('free -m');
    expect(out[0]).toBe('               total        used        free      shared  buff/cache   available');
    expect(out[1]).toMatch(/^Mem: {4}( {0,11}\d+){6}$/);
    expect(out[1]!.slice(0, 20)).toBe('Mem:            2048');
    expect(out[2]).toMatch(/^Swap: {3}( {0,11}\d+){3}$/);
    const [, total, used, free, shared, cache, avail] = out[1]!.split(/\s+/).map(Number);
    expect(used! + free! + cache! + shared!).toBeGreaterThanOrEqual(total! - 2);
    expect(avail).toBeLessThanOrEqual(total!);
    expect(run('free -g')[1]).toMatch(/^Mem: {15}2 /);
    expect(run('free -h')[1]).toMatch(/^Mem: {11}2\.0Gi/);
    expect(run('free -x')[0]).toBe("free: invalid option -- 'x'");
  });

  it('top -b: the summary lines as procps 4 prints them, then the tasks by %CPU', () => {
    const host = hostWith([spec({ name: 'g', workload: 'cpu' })]);
    const { run } = login(host, 'g');
    const out = run('top -b -n 1');
    expect(out[0]).toMatch(/^top - \d\d:\d\d:\d\d up (\d+ min|\s?\d+:\d\d), {2}1 user, {2}load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d$/);
    expect(out[1]).toMatch(/^Tasks: {1,3}\d+ total, {1,3}\d+ running, {1,3}\d+ sleeping, {3}0 stopped, {3}0 zombie$/);
    expect(out[2]).toMatch(/^%Cpu\(s\):(( {0,2}\d+\.\d) (us|sy|ni|id|wa|hi|si|st),?){8}$/);
    expect(out[3]).toMatch(/^MiB Mem : {1,}\d+\.\d total, {1,}\d+\.\d free, {1,}\d+\.\d used, {1,}\d+\.\d buff\/cache {4}$/);
    expect(out[4]).toMatch(/^MiB Swap: {1,}\d+\.\d total, {1,}\d+\.\d free, {1,}\d+\.\d used\. {1,}\d+\.\d avail Mem $/);
    expect(out[5]).toBe('');
    expect(out[6]).toBe('    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND');
    expect(out[7]).toMatch(/^ {4}\d{3} root {6}20 {3}0 +\d+ +\d+ +\d+ R +\d+\.\d +\d+\.\d +\d+:\d\d\.\d\d cpuhog$/);
  });

  it('top on the terminal is full screen: each frame redraws the screen, fits its rows, and q quits', () => {
    const host = hostWith([spec({ name: 'g', workload: 'cpu', vcpus: 2 })]);
    const { sh } = login(host, 'g');
    const k = host.domains().find((x) => x.name === 'g')!.kernel;
    sh.winsize = { rows: 12, cols: 80 };
    sh.key({ type: 'text', text: 'top' });
    sh.key({ type: 'enter' });
    host.advance(7 * NS_PER_S); // three frames: at 0.2 s, 3.2 s and 6.2 s
    expect(sh.fg).not.toBeNull();
    const screen = (): string[] => k.console.all().filter((l) => l.seq >= sh.clearedBeforeSeq).map((l) => l.text);
    const shown = screen();
    // What is on the screen is one frame: its summary first, cut to the terminal's rows.
    expect(shown[0]).toMatch(/^top - /);
    expect(shown[2]).toMatch(/^%Cpu\(s\):.* st$/);
    expect(shown.length).toBe(12);
    expect(shown.filter((l) => l.startsWith('top - '))).toHaveLength(1);
    expect(sh.inputLine).toBeNull();
    sh.key({ type: 'text', text: 'x' }); // other keys go to top, not to the prompt
    sh.key({ type: 'text', text: 'q' });
    expect(sh.fg).toBeNull();
    expect(sh.inputLine).toBe('root@g:~# ');
    // With -b it prints frame after frame and takes no keys.
    sh.key({ type: 'text', text: 'top -b -n 2 -d 1' });
    sh.key({ type: 'enter' });
    const from = k.console.total;
    host.advance(2 * NS_PER_S);
    expect(k.console.all().filter((l) => l.seq >= from && l.text.startsWith('top - '))).toHaveLength(2);
  });

  it("top's and ps's figures are the kernel's: %CPU and TIME+ of a CPU hog, RSS of every task", () => {
    const host = hostWith([spec({ name: 'g', workload: 'idle' })], { pcpus: 2 });
    const { run } = login(host, 'g');
    const k = host.domains().find((x) => x.name === 'g')!.kernel;
    run('stress --cpu 1 &');
    host.advance(10 * NS_PER_S);
    const out = run('top -b -n 2 -d 5');
    const frames = out.join('\n').split('\n\ntop - ');
    expect(frames).toHaveLength(2);
    const worker = (frame: string): string[] => frame.split('\n').find((l) => / R +[\d.]+ +[\d.]+ +[\d:.]+ stress$/.test(l))!.trim().split(/ +/);
    const [a, b] = [worker(frames[0]!), worker(frames[1]!)];
    // Alone on a pCPU, the hog gets all of its vCPU: ~100 % in top, and TIME+ moves 5 s in 5 s.
    expect(Number(b[8])).toBeGreaterThan(95);
    expect(Number(b[8])).toBeLessThanOrEqual(100);
    const secs = (t: string): number => Number(t.split(':')[0]) * 60 + Number(t.split(':')[1]);
    expect(secs(b[10]!) - secs(a[10]!)).toBeCloseTo(5, 0);
    expect(Number(/^%Cpu\(s\): *([\d.]+) us/m.exec(frames[1]!)![1])).toBeGreaterThan(95);
    // ps aux: every task's RSS is the kernel's, and the hog's %CPU is its CPU time over its age.
    const ps = run('ps aux').slice(1).map((l) => l.trim().split(/ +/));
    for (const t of k.tasks.filter((x) => !x.exited && x.name !== 'ps')) {
      const row = ps.find((r) => Number(r[1]) === t.pid)!;
      expect(Number(row[5]), t.name).toBe(t.rssKiB);
    }
    const hog = k.tasks.find((x) => x.name === 'stress' && x.cpuNs > NS_PER_S)!;
    const row = ps.find((r) => Number(r[1]) === hog.pid)!;
    expect(Number(row[2])).toBeCloseTo((hog.cpuNs / (host.now - hog.startNs)) * 100, 0);
    expect(Number(row[2])).toBeGreaterThan(95);
  });

  it('ps -ef gives each process its real parent: the login shell, or the command that forked it', () => {
    const host = hostWith([spec({ name: 'g', workload: 'idle' })], { pcpus: 2 });
    const { run } = login(host, 'g');
    run('sleep 30 &');
    run('stress --cpu 1 &');
    const rows = run('ps -ef').slice(1).map((l) => l.trim().split(/ +/));
    const pid = (name: string): string[] => rows.filter((r) => r[7] === name).map((r) => r[1]!);
    const ppid = (p: string): string => rows.find((r) => r[1] === p)![2]!;
    const [bash] = pid('bash');
    expect(ppid(pid('systemd')[0]!)).toBe('0');
    expect(ppid(pid('sleep')[0]!)).toBe(bash);
    expect(ppid(pid('ps')[0]!)).toBe(bash);
    const [stress, worker] = pid('stress');
    expect(ppid(stress!)).toBe(bash);
    expect(ppid(worker!)).toBe(stress);
  });

  it('keeps what is typed while a command runs, and runs it when the command ends (type-ahead)', () => {
    const host = hostWith([spec({ name: 'g' })]);
    const { sh } = login(host, 'g');
    const k = host.domains().find((x) => x.name === 'g')!.kernel;
    sh.key({ type: 'text', text: 'sleep 2' });
    sh.key({ type: 'enter' });
    sh.key({ type: 'text', text: 'echo one' });
    sh.key({ type: 'enter' });
    sh.key({ type: 'text', text: 'echo tw' });
    expect(sh.inputLine).toBe('echo tw'); // echoed by the terminal after the running command's output
    host.advance(3 * NS_PER_S);
    const texts = k.console.all().map((l) => l.text);
    expect(texts.slice(-2)).toEqual(['root@g:~# echo one', 'one']);
    expect(sh.inputLine).toBe('root@g:~# echo tw');
  });

  it('uptime, date, ps and /proc files in the kernel\'s and tools\' formats', () => {
    const host = hostWith([spec({ name: 'g', vcpus: 2 })]);
    const { run } = login(host, 'g');
    host.advance(3600 * NS_PER_S);
    expect(run('uptime')[0]).toMatch(/^ \d\d:\d\d:\d\d up {2}1:00, {2}1 user, {2}load average: \d\.\d\d, \d\.\d\d, \d\.\d\d$/);
    expect(run('date')[0]).toMatch(/^Mon Mar {2}3 10:00:0\d UTC 2025$/);
    expect(run('ps')).toEqual(['    PID TTY          TIME CMD', expect.stringMatching(/^ {4}\d{3} hvc0 {5}00:00:00 bash$/), expect.stringMatching(/^ {4}\d{3} hvc0 {5}00:00:00 ps$/)]);
    const stat = run('cat /proc/stat');
    expect(stat[0]).toMatch(/^cpu {2}(\d+ ){9}\d+$/);
    expect(stat[1]).toMatch(/^cpu0 (\d+ ){9}\d+$/);
    expect(stat[2]).toMatch(/^cpu1 /);
    expect(stat).toContainEqual(expect.stringMatching(/^ctxt \d+$/));
    expect(stat).toContainEqual(expect.stringMatching(/^procs_running [1-9]\d*$/));
    const mem = run('cat /proc/meminfo');
    expect(mem[0]).toBe(`MemTotal:       ${String(1024 * 1024).padStart(8)} kB`);
    for (const l of mem) expect(l).toMatch(/^[A-Za-z_()0-9]+: +\d+( kB)?$/);
    expect(run('cat /proc/loadavg')[0]).toMatch(/^\d\.\d\d \d\.\d\d \d\.\d\d \d+\/\d+ \d+$/);
    expect(run('cat /proc/uptime')[0]).toMatch(/^36\d\d\.\d\d \d+\.\d\d$/);
    expect(run('cat /sys/devices/system/cpu/online')).toEqual(['0-1']);
    expect(run('cat /proc/nope')).toEqual(['cat: /proc/nope: No such file or directory']);
  });
});

describe('what the guest sees depends on its mode', () => {
  const hogs = (mode: 'pv' | 'full'): string[] => {
    const host = hostWith([spec({ name: 'a', mode, workload: 'cpu', cpus: [1] }), spec({ name: 'b', mode, workload: 'cpu', cpus: [1] })], { pcpus: 2 });
    host.advance(5 * NS_PER_S);
    const { run } = login(host, 'a');
    return [...run('vmstat 5 2').slice(3), ...run('top -b -n 2 -d 5').filter((l) => l.startsWith('%Cpu')).slice(1)];
  };

  it('a pv CPU hog sharing a pCPU sees st near 50 in vmstat and top', () => {
    const [vm, top] = hogs('pv');
    const f = vmstatFields(vm!);
    expect(f['st']).toBeGreaterThan(40);
    expect(f['st']).toBeLessThan(60);
    const st = Number(/([\d.]+) st$/.exec(top!)![1]);
    expect(st).toBeGreaterThan(40);
    expect(st).toBeLessThan(60);
  });

  it('the same hog in full mode sees st 0 and its stolen time as us', () => {
    const [vm, top] = hogs('full');
    const f = vmstatFields(vm!);
    expect(f['st']).toBe(0);
    expect(f['us']).toBeGreaterThan(90);
    expect(top).toMatch(/ 0\.0 st$/);
  });

  it('free -m after a balloon shows the smaller total', () => {
    const host = hostWith([spec({ name: 'g', memoryMiB: 2048 })]);
    const { run } = login(host, 'g');
    expect(run('free -m')[1]).toMatch(/^Mem: {12}2048 /);
    expect(runCommand(host, 'mem-set g 1024m').ok).toBe(true);
    host.advance(20 * NS_PER_S);
    expect(run('free -m')[1]).toMatch(/^Mem: {12}1024 /);
    expect(run('cat /sys/devices/system/xen_memory/xen_memory0/target_kb')).toEqual([String(1024 * 1024)]);
  });

  it('a guest asking its balloon driver for a target moves its memory; xenstore\'s target stays', () => {
    const host = hostWith([spec({ name: 'g', memoryMiB: 2048 })]);
    const { run } = login(host, 'g');
    expect(run('echo 1048576 > /sys/devices/system/xen_memory/xen_memory0/target_kb')).toEqual([]);
    host.advance(20 * NS_PER_S);
    const d = host.domains()[1]!;
    expect(d.memKiB).toBe(1024 * 1024);
    expect(d.targetKiB).toBe(2048 * 1024);
    expect(run('cat /sys/devices/system/xen_memory/xen_memory0/info/current_kb')).toEqual([String(1024 * 1024)]);
  });

  it('date in a contended full guest differs from the host clock; a pv guest keeps time', () => {
    // A tick-counting kernel whose missed ticks are dropped (timer_mode no_missed_ticks_pending)
    // runs slow while it shares its pCPU; a pv kernel reads Xen's clock.
    const mk = (mode: 'pv' | 'full') =>
      hostWith([spec({ name: 'g', mode, workload: 'cpu', timerMode: 'no_missed_ticks_pending', cpus: [0] }), spec({ name: 'h', workload: 'cpu', cpus: [0] })], { pcpus: 1 });
    for (const mode of ['full', 'pv'] as const) {
      const host = mk(mode);
      const { run } = login(host, 'g');
      host.advance(120 * NS_PER_S);
      const guest = Number(run('date +%s')[0]);
      const hostS = Math.floor(hostClockS(host));
      if (mode === 'full') expect(hostS - guest).toBeGreaterThan(10);
      else expect(Math.abs(hostS - guest)).toBeLessThanOrEqual(1);
      expect(run('date')[0]).toMatch(/^Mon Mar {2}3 09:\d\d:\d\d UTC 2025$/);
    }
  });

  it('echo 0 > cpu1/online in a PV guest takes vCPU 1 offline in vcpu-list; echo 1 brings it back', () => {
    const host = hostWith([spec({ name: 'g', vcpus: 2, workload: 'cpu' })]);
    const { run } = login(host, 'g');
    expect(run('echo 0 > /sys/devices/system/cpu/cpu1/online')).toEqual([]);
    expect(run('cat /sys/devices/system/cpu/online')).toEqual(['0']);
    expect(run('nproc')).toEqual(['1']);
    host.advance(NS_PER_S);
    const list = runCommand(host, 'vcpu-list g').out;
    expect(list.find((l) => /^g +\d+ +1 /.test(l))).toMatch(/ 1 +- +--p /);
    run('echo 1 > /sys/devices/system/cpu/cpu1/online');
    host.advance(NS_PER_S);
    expect(runCommand(host, 'vcpu-list g').out.find((l) => /^g +\d+ +1 /.test(l))).not.toMatch(/--p/);
    expect(run('cat /sys/devices/system/cpu/online')).toEqual(['0-1']);
  });

  it('an HVM guest parks a CPU it offlines: the guest has one CPU less, Xen still has the vCPU up', () => {
    const host = hostWith([spec({ name: 'g', mode: 'hybrid', vcpus: 2, workload: 'cpu' })]);
    const { run } = login(host, 'g');
    run('echo 0 > /sys/devices/system/cpu/cpu1/online');
    host.advance(5 * NS_PER_S);
    expect(run('nproc')).toEqual(['1']);
    const line = runCommand(host, 'vcpu-list g').out.find((l) => /^g +\d+ +1 /.test(l))!;
    expect(line).toMatch(/ -b- /);
  });

  it('a full guest has no xen_memory0 (no balloon driver)', () => {
    const host = hostWith([spec({ name: 'g', mode: 'full' })]);
    const { run } = login(host, 'g');
    expect(run('ls /sys/devices/system')).toEqual(['cpu']);
    expect(run('cat /sys/devices/system/xen_memory/xen_memory0/target_kb')).toEqual(['cat: /sys/devices/system/xen_memory/xen_memory0/target_kb: No such file or directory']);
    expect(run('ls /sys/devices/system/xen_memory')).toEqual(["ls: cannot access '/sys/devices/system/xen_memory': No such file or directory"]);
  });
});

describe('load from inside', () => {
  it('stress --cpu 2 loads both vCPUs until its timeout; the hypervisor sees it', () => {
    const host = hostWith([spec({ name: 'g', vcpus: 2 })], { pcpus: 4 });
    const { run, sh } = login(host, 'g');
    sh.key({ type: 'text', text: 'stress --cpu 2 --timeout 10' });
    sh.key({ type: 'enter' });
    host.advance(5 * NS_PER_S);
    const d = host.domains()[1]!;
    const before = d.cpuNs(host.now);
    host.advance(2 * NS_PER_S);
    expect((d.cpuNs(host.now) - before) / (2 * NS_PER_S)).toBeGreaterThan(1.8);
    host.advance(5 * NS_PER_S);
    const out = d.kernel.console.all().filter((l) => l.tty).map((l) => l.text);
    expect(out).toContainEqual(expect.stringMatching(/^stress: info: \[\d+\] dispatching hogs: 2 cpu, 0 io, 0 vm, 0 hdd$/));
    expect(out).toContainEqual(expect.stringMatching(/^stress: info: \[\d+\] successful run completed in 10s$/));
    expect(run('ps -e').some((l) => / stress$/.test(l))).toBe(false);
  });

  it('yes > /dev/null & is a job: jobs lists it, kill %1 ends it, bash reports it', () => {
    const host = hostWith([spec({ name: 'g' })]);
    const { run } = login(host, 'g');
    expect(run('yes > /dev/null &')).toEqual([expect.stringMatching(/^\[1\] \d+$/)]);
    expect(run('jobs')).toEqual(['[1]+  Running                 yes > /dev/null &']);
    host.advance(2 * NS_PER_S);
    const d = host.domains()[1]!;
    expect(d.kernel.tasks.find((t) => t.name === 'yes')!.cpuNs).toBeGreaterThan(NS_PER_S);
    expect(run('kill %1')).toEqual(['[1]+  Terminated              yes > /dev/null']);
    expect(run('jobs')).toEqual([]);
    expect(run('kill %1')).toEqual(['bash: kill: %1: no such job']);
  });

  it('Ctrl+W deletes the word before the cursor and Ctrl+U the line, as readline does', () => {
    const host = hostWith([spec({ name: 'g' })]);
    const { sh } = login(host, 'g');
    sh.key({ type: 'text', text: 'echo hello world' });
    sh.key({ type: 'killWord' });
    expect(sh.inputLine).toBe('root@g:~# echo hello ');
    sh.key({ type: 'killWord' });
    expect(sh.inputLine).toBe('root@g:~# echo ');
    sh.key({ type: 'killLine' });
    expect(sh.inputLine).toBe('root@g:~# ');
  });

  it('edits at the cursor as readline does: ←/→, Ctrl+A/E, typing inserts, Backspace and Ctrl+U/W delete before it', () => {
    const host = hostWith([spec({ name: 'g' })]);
    const { sh, run } = login(host, 'g');
    const prompt = 'root@g:~# ';
    sh.key({ type: 'text', text: 'echo hllo world' });
    for (let i = 0; i < 9; i++) sh.key({ type: 'left' });
    sh.key({ type: 'text', text: 'e' });
    expect(sh.inputLine).toBe(`${prompt}echo hello world`);
    expect(sh.inputCursor).toBe(prompt.length + 'echo he'.length);
    sh.key({ type: 'lineStart' });
    expect(sh.inputCursor).toBe(prompt.length);
    sh.key({ type: 'right' });
    sh.key({ type: 'right' });
    sh.key({ type: 'backspace' });
    expect(sh.inputLine).toBe(`${prompt}eho hello world`);
    sh.key({ type: 'text', text: 'c' });
    sh.key({ type: 'lineEnd' });
    sh.key({ type: 'left' });
    sh.key({ type: 'left' });
    sh.key({ type: 'left' });
    sh.key({ type: 'left' });
    sh.key({ type: 'left' });
    // Ctrl+W takes the word before the cursor ("hello "), Ctrl+U everything before it.
    sh.key({ type: 'killWord' });
    expect(sh.inputLine).toBe(`${prompt}echo world`);
    sh.key({ type: 'lineEnd' });
    sh.key({ type: 'enter' });
    host.advanceSeconds(0.5);
    expect(run('echo abc')).toEqual(['abc']);
    sh.key({ type: 'text', text: 'echo one two' });
    sh.key({ type: 'left' });
    sh.key({ type: 'left' });
    sh.key({ type: 'left' });
    sh.key({ type: 'killLine' });
    expect(sh.inputLine).toBe(`${prompt}two`);
    expect(sh.inputCursor).toBe(prompt.length);
  });

  it('commands joined by ; and && run in order', () => {
    const host = hostWith([spec({ name: 'g' })]);
    const { run } = login(host, 'g');
    expect(run('false && echo no; echo yes || echo no')).toEqual(['yes']);
  });
});

describe('pipelines and filters', () => {
  it('feeds each command into the next: grep, head, tail, wc, sort, uniq, cat', () => {
    const host = hostWith([spec({ name: 'g', vcpus: 2 })]);
    const { run } = login(host, 'g');
    const xen = run('dmesg | grep -i xen');
    expect(xen.length).toBeGreaterThan(3);
    for (const l of xen) expect(l.toLowerCase()).toContain('xen');
    expect(run('dmesg | grep -i xen | head -2')).toEqual(xen.slice(0, 2));
    expect(run('dmesg | grep -i xen | tail -n 1')).toEqual(xen.slice(-1));
    expect(run('dmesg | grep -ci xen')).toEqual([String(xen.length)]);
    expect(run('dmesg | grep -i xen | wc -l')).toEqual([String(xen.length)]);
    expect(run('cat /proc/cpuinfo | grep processor | wc -l')).toEqual(['2']);
    // wc as GNU prints it: counts padded to 7 from a pipe; one count of one input unpadded.
    expect(run('echo hello world | wc')).toEqual(['      1       2      12']);
    // Basic regular expressions by default (\| alternates), extended with -E.
    expect(run('grep "^MemTotal\\|^SwapTotal" /proc/meminfo').map((l) => l.split(':')[0])).toEqual(['MemTotal', 'SwapTotal']);
    expect(run("grep -E '^(MemTotal|SwapTotal)' /proc/meminfo").map((l) => l.split(':')[0])).toEqual(['MemTotal', 'SwapTotal']);
    expect(run('grep -c "a|b" /proc/meminfo')).toEqual(['0']);
    const sizes = run('grep kB /proc/meminfo | sort -k2 -nr | head -3').map((l) => Number(l.split(/\s+/)[1]));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(run('sort -t: -k2 -n /proc/meminfo | tail -1')[0]).toMatch(/^VmallocTotal:/);
    expect(run('ps -e | grep -c nosuchprocess || echo none')).toEqual(['0', 'none']);
    // Each command is a process of its own, forked left to right.
    const ps = run('ps | cat').slice(1).map((l) => l.trim().split(/\s+/));
    expect(ps.map((r) => r[3])).toEqual(['bash', 'ps', 'cat']);
    expect(Number(ps[2]![0])).toBe(Number(ps[1]![0]) + 1);
    expect(run('head -n 1 /proc/meminfo /proc/uptime')).toEqual(['==> /proc/meminfo <==', expect.stringMatching(/^MemTotal:/), '', '==> /proc/uptime <==', expect.stringMatching(/^\d+\.\d\d \d+\.\d\d$/)]);
  });

  it('ends a writer whose reader is gone with SIGPIPE, as yes | head does', () => {
    const host = hostWith([spec({ name: 'g', vcpus: 2 })]);
    const { run, sh } = login(host, 'g');
    expect(run('yes | head -3')).toEqual(['y', 'y', 'y']);
    expect(sh.fg).toBeNull();
    const d = host.domains()[1]!;
    expect(d.kernel.tasks.some((t) => t.name === 'yes' && !t.exited)).toBe(false);
    // head has its four lines after a second (two header lines, the since-boot line, one sample);
    // vmstat learns it at its next write, a second later, and the prompt comes back then.
    const t0 = host.now;
    expect(run('vmstat 1 | head -4')).toHaveLength(4);
    expect((host.now - t0) / NS_PER_S).toBeGreaterThanOrEqual(2);
    expect((host.now - t0) / NS_PER_S).toBeLessThan(2.5);
    expect(d.kernel.tasks.some((t) => t.name === 'vmstat' && !t.exited)).toBe(false);
  });

  it('ends a writer into a reader that never reads when the reader ends, whatever it wrote meanwhile', () => {
    const host = hostWith([spec({ name: 'g', vcpus: 2 })]);
    const { run, sh } = login(host, 'g');
    // sleep never reads: yes writes into the pipe (past what it holds) until sleep ends, then gets SIGPIPE.
    const t0 = host.now;
    expect(run('yes | sleep 400 && echo done', 500)).toEqual(['done']);
    expect((host.now - t0) / NS_PER_S).toBeLessThan(401);
    expect(sh.fg).toBeNull();
    expect(run('cat /proc/meminfo | sleep 1 | wc -l')).toEqual(['0']);
  });

  it('interrupts every command of a pipeline with Ctrl+C', () => {
    const host = hostWith([spec({ name: 'g', vcpus: 2 })]);
    const { sh } = login(host, 'g');
    sh.key({ type: 'text', text: 'vmstat 1 | grep -v procs' });
    sh.key({ type: 'enter' });
    host.advance(3 * NS_PER_S);
    const d = host.domains()[1]!;
    expect(sh.fg).not.toBeNull();
    expect(d.kernel.tasks.some((t) => t.name === 'vmstat' && !t.exited)).toBe(true);
    sh.key({ type: 'interrupt' });
    expect(sh.fg).toBeNull();
    expect(d.kernel.tasks.some((t) => t.name === 'vmstat' && !t.exited)).toBe(false);
    const printed = d.kernel.console.all().filter((l) => l.tty).map((l) => l.text);
    expect(printed.some((l) => l.startsWith('procs'))).toBe(false);
    expect(printed.filter((l) => /^ *\d+ +\d+ +\d+/.test(l)).length).toBeGreaterThanOrEqual(3);
  });

  it('says what bash and the tools say about a broken pipeline or a bad option', () => {
    const host = hostWith([spec({ name: 'g' })]);
    const { run } = login(host, 'g');
    expect(run('| head')).toEqual(["bash: syntax error near unexpected token `|'"]);
    expect(run('ps |')).toEqual(["bash: syntax error near unexpected token `|'"]);
    expect(run('head -n x /proc/meminfo')).toEqual(['head: invalid number of lines: ‘x’']);
    expect(run('grep')).toEqual(['Usage: grep [OPTION]... PATTERNS [FILE]...', "Try 'grep --help' for more information."]);
    expect(run('grep -Z x /proc/meminfo')).toEqual(["grep: invalid option -- 'Z'", "Try 'grep --help' for more information.", 'Usage: grep [OPTION]... PATTERNS [FILE]...']);
    expect(run('head /nope')).toEqual(["head: cannot open '/nope' for reading: No such file or directory"]);
    expect(run('grep x')[0]).toMatch(/^grep: \(standard input\): reading the terminal is not emulated/);
  });
});

describe('the guest shuts itself down: poweroff, reboot, shutdown', () => {
  it('a full guest can power itself off, where xl cannot ask it; xl then acts as on_poweroff and on_reboot say', () => {
    const host = hostWith([spec({ name: 'full1', mode: 'full' }), spec({ name: 'pv1', onReboot: 'destroy' }), spec({ name: 'pv2' })]);
    expect(runCommand(host, 'shutdown full1').ok).toBe(false);
    const full = login(host, 'full1');
    expect(full.run('poweroff')).toEqual([]);
    const fullLog = host.domains().find((d) => d.name === 'full1')!.kernel.console.all().map((l) => l.text);
    expect(fullLog).toContain('reboot: Power down');
    host.advanceSeconds(2);
    expect(host.domains().map((d) => d.name)).toEqual(['Domain-0', 'pv1', 'pv2']);
    // on_reboot = "destroy": a reboot ends it; a plain one comes back with a new ID.
    login(host, 'pv1').run('reboot');
    login(host, 'pv2').run('shutdown -r now');
    host.advanceSeconds(2);
    expect(host.domains().map((d) => `${d.id}:${d.name}`)).toEqual(['0:Domain-0', '4:pv2']);
  });

  it('only root may, and a scheduled shutdown is not modelled', () => {
    const host = hostWith([spec({ name: 'g' })]);
    host.advance(2 * NS_PER_S);
    const d = host.domains()[1]!;
    const sh = shellFor(host, d);
    sh.key({ type: 'text', text: 'alice' });
    sh.key({ type: 'enter' });
    const from = d.kernel.console.total;
    sh.key({ type: 'text', text: 'poweroff' });
    sh.key({ type: 'enter' });
    host.advanceSeconds(1);
    expect(d.kernel.console.all().filter((l) => l.seq > from && l.tty).map((l) => l.text)).toContain('Call to PowerOff failed: Interactive authentication required.');
    expect(login(hostWith([spec({ name: 'h' })]), 'h').run('shutdown +5')[0]).toMatch(/^shutdown: paratop runs a shutdown now or not at all/);
    expect(host.domains().map((x) => x.name)).toEqual(['Domain-0', 'g']);
  });
});

describe('the magic SysRq key: xl sysrq, kernel.sysrq and /proc/sysrq-trigger', () => {
  const kernelLog = (host: Host, name: string, from: number): string[] =>
    host.domains().find((d) => d.name === name)!.kernel.console.all().filter((l) => l.seq >= from && !l.tty).map((l) => l.text);

  it("Debian's kernel.sysrq (438) lets xl's sync and reboot keys through but not crash; root can allow it, and a crash then acts as on_crash says", () => {
    const host = hostWith([spec({ name: 'g', onCrash: 'preserve' }), spec({ name: 'hvm', mode: 'full' })]);
    const { run } = login(host, 'g');
    const k = host.domains().find((d) => d.name === 'g')!.kernel;
    expect(run('cat /proc/sys/kernel/sysrq')).toEqual(['438']);
    let from = k.console.total;
    expect(runCommand(host, 'sysrq g s')).toMatchObject({ ok: true, out: [], err: [] });
    expect(kernelLog(host, 'g', from)).toEqual(['sysrq: Emergency Sync', 'Emergency Sync complete']);
    from = k.console.total;
    runCommand(host, 'sysrq g c');
    expect(kernelLog(host, 'g', from)).toEqual(['sysrq: This sysrq operation is disabled.']);
    const g = host.domains().find((d) => d.name === 'g')!;
    expect(g.shutdownReason).toBeNull();
    // A key with no action: the HELP line, in sysrq_key_table's order.
    from = k.console.total;
    runCommand(host, 'sysrq g h');
    expect(kernelLog(host, 'g', from)[0]).toMatch(/^sysrq: HELP : loglevel\(0-9\) reboot\(b\) crash\(c\) terminate-all-tasks\(e\) .* show-task-states\(t\) unmount\(u\) force-fb\(v\) show-blocked-tasks\(w\) dump-ftrace-buffer\(z\)$/);
    expect(run('echo 1 > /proc/sys/kernel/sysrq')).toEqual([]);
    from = k.console.total;
    runCommand(host, 'sysrq g t');
    const tasks = kernelLog(host, 'g', from);
    expect(tasks[0]).toBe('sysrq: Show State');
    expect(tasks[1]).toMatch(/^task:systemd {9}state:[RSD] stack:0 {5}pid:1 {4} ppid:1 {5} flags:0x00000000$/);
    from = k.console.total;
    runCommand(host, 'sysrq g c');
    expect(kernelLog(host, 'g', from)).toEqual(['sysrq: Trigger a crash', 'Kernel panic - not syncing: sysrq triggered crash']);
    // on_crash=preserve: kept, paused, shut down for a crash (xl list: p, s, c).
    expect(g.shutdownReason).toBe('crash');
    expect(runCommand(host, 'list g').out[1]).toMatch(/ --psc- /);
  });

  it('a fully virtualized guest has no PV drivers to read the key; /proc/sysrq-trigger is root\'s and skips kernel.sysrq', () => {
    const host = hostWith([spec({ name: 'hvm', mode: 'full' }), spec({ name: 'g', onCrash: 'destroy' })]);
    const { run } = login(host, 'hvm');
    const k = host.domains().find((d) => d.name === 'hvm')!.kernel;
    const from = k.console.total;
    const r = runCommand(host, 'sysrq hvm c');
    expect(r.ok).toBe(true);
    expect(r.err).toEqual(['paratop: hvm is fully virtualized: no PV drivers watch control/sysrq, so the key goes unread.']);
    expect(kernelLog(host, 'hvm', from)).toEqual([]);
    expect(runCommand(host, 'sysrq hvm cc').err[0]).toBe('Invalid sysrq.');
    expect(runCommand(host, 'sysrq 0 c').ok).toBe(false);
    // In the guest: the trigger file, whatever kernel.sysrq says; crash destroys it (on_crash=destroy).
    const g = login(host, 'g');
    expect(g.run('cat /proc/sysrq-trigger')).toEqual(['cat: /proc/sysrq-trigger: Input/output error']);
    g.run('echo c > /proc/sysrq-trigger');
    expect(host.domains().map((d) => d.name)).toEqual(['Domain-0', 'hvm']);
    expect(run('echo 5 > /proc/sysrq-trigger')).toEqual([]);
    // Mode 0200, root's: another user's write is refused, and so is one to kernel.sysrq.
    const hvm = host.domains().find((d) => d.name === 'hvm')!;
    expect(writeFile({ host, dom: hvm, k: hvm.kernel }, '/proc/sysrq-trigger', 'c\n', false)).toBe('Permission denied');
    expect(writeFile({ host, dom: hvm, k: hvm.kernel }, '/proc/sys/kernel/sysrq', '1\n', false)).toBe('Permission denied');
    expect(kernelLog(host, 'hvm', from)).toEqual(['sysrq: Changing Loglevel', 'sysrq: Loglevel set to 5']);
  });

  it('b and o stop the guest at once, with no orderly shutdown: on_reboot and on_poweroff then act', () => {
    const host = hostWith([spec({ name: 'r' }), spec({ name: 'o' })]);
    host.advanceSeconds(2);
    const old = host.domains().find((d) => d.name === 'r')!;
    runCommand(host, 'sysrq r b');
    runCommand(host, 'sysrq o o');
    host.advanceSeconds(0.5);
    const names = host.domains().map((d) => `${d.id}:${d.name}`);
    expect(names).toEqual(['0:Domain-0', '3:r']);
    const log = old.kernel.console.all().map((l) => l.text);
    expect(log).toContain('sysrq: Resetting');
    expect(log).not.toContain('systemd[1]: Stopping user sessions...');
  });
});
