import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PARATOP_COMMAND, start, startShell } from './harness.js';
import type { Session } from './harness.js';

const LEAVE = '\x1b[?1049l\x1b[?25h';
const GUESTS = ['Domain-0', 'batch01', 'build01', 'crunch01', 'db01', 'idle01', 'legacy01', 'web01', 'win2019'];
const TABLE_HEAD = 'NAME↓           ID MODE   STATE CPU(%) ST(%) WAIT%    MEM TARGET MAXMEM VCPUS   OPS/s  NAT% CPU';

let s: Session | null = null;
afterEach(() => {
  s?.kill('SIGKILL');
  s = null;
});

const listed = (lines: string[]): string[] => {
  const h = lines.findIndex((l) => l.startsWith('NAME'));
  return h < 0 ? [] : lines.slice(h + 1, h + 1 + GUESTS.length).map((l) => l.split(' ')[0]!);
};

/** The dashboard, filtered with `/` down to web01 and showing it in the panes. */
async function startOnWeb01(): Promise<Session> {
  const t = start([]);
  await t.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
  t.press('/');
  t.press('web01');
  t.press('\r');
  // The list filters as it is typed, so web01 shows before Enter is read: wait for the prompt to
  // close as well, so the next key is not typed into it.
  await t.waitFor((l) => l.some((x) => x.startsWith(' web01  PV  web')) && !l.some((x) => x.startsWith('Filter:')), 'web01 selected, filter prompt closed');
  return t;
}

describe('the dashboard in a real terminal (120x40)', () => {
  it('holds stderr while the screen is up: a Node warning neither scrolls the screen nor shows on it, and is printed after q', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'paratop-warn-')), 'warn.cjs');
    writeFileSync(f, "setTimeout(() => process.emitWarning('paratop e2e test warning'), 300).unref();\n");
    s = start([], 120, 40, { NODE_OPTIONS: `--require ${f}` });
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    // The warning goes out 300 ms after start; two refreshes later it has had every chance to show.
    const lines = await s.waitFor((l) => /^paratop - 00:00:0[2-9]/.test(l[0] ?? ''), 'two simulated seconds');
    expect(lines.join('\n')).not.toContain('paratop e2e test warning');
    // Not scrolled: the header is still on the first row, the domain count on the second, and the
    // key bar on the last row drawn (rows - 1).
    expect(lines[0]).toMatch(/^paratop - /);
    expect(lines[1]).toMatch(/^9 domains: /);
    expect(lines[38]).toMatch(/^Tab Console  s\/> Sort /);
    s.press('q');
    await s.exited;
    const raw = s.raw();
    expect(raw.lastIndexOf(LEAVE)).toBeGreaterThan(0);
    expect(raw.indexOf('paratop e2e test warning')).toBeGreaterThan(raw.lastIndexOf(LEAVE));
  });

  it('keys typed before the first frame are neither echoed (no scroll) nor cooked: Enter still closes the prompt', async () => {
    s = start([]);
    s.press('/web01\r');
    const lines = await s.waitFor((l) => l.some((x) => x.startsWith(' web01  PV  web')) && !l.some((x) => x.startsWith('Filter:')), 'web01 selected, filter prompt closed');
    expect(lines[0]).toMatch(/^paratop - /);
    expect(lines[1]).toMatch(/^9 domains: /);
  });

  it('lists every guest under the table header, in the alternate screen', async () => {
    s = start([]);
    const lines = await s.waitFor((l) => listed(l).length === GUESTS.length && listed(l).every((n, i) => n === GUESTS[i]), 'the guest list');
    expect(lines).toContain(TABLE_HEAD);
    expect(lines[0]).toMatch(/^paratop - 00:00:\d\d {3}Xen 4\.19\.1 {3}sched credit {3}speed 1x$/);
    expect(lines[1]).toMatch(/^9 domains: \d+ running, \d+ blocked, 0 paused, 0 crashed, 0 dying, 0 shutdown$/);
    expect(s.bufferType()).toBe('alternate');
    expect(lines.length).toBe(40);
    expect(lines[39]).toBe('');
  });

  it('moves the selection with j and k, and shows that guest in the panes', async () => {
    s = start([]);
    await s.waitFor((l) => l.some((x) => x.startsWith(' Domain-0  PV  backend')), 'Domain-0 selected');
    s.press('jjj');
    await s.waitFor((l) => l.some((x) => x.startsWith(' crunch01  HVM  cpu')), 'crunch01 selected');
    // At 120 columns the two views are side by side: vmstat (memory in MiB, as vmstat -S M) and
    // the hypervisor's compact vCPU table.
    const l = await s.waitFor((x) => x.some((y) => /^inside the guest \(vmstat -S M 1: cannot see steal\) +the hypervisor's view, %$/.test(y)), 'crunch01 guest view');
    expect(l.some((y) => /^procs -+memory-+ ---swap-- -----io---- -system-- ------cpu----- +VCPU STATE +RUN WAIT BLK CRED PRI$/.test(y))).toBe(true);
    expect(l.some((y) => y.startsWith(' r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st'))).toBe(true);
    s.press('k');
    await s.waitFor((x) => x.some((y) => y.startsWith(' build01  PVHVM  build')), 'build01 selected');
  });

  it('opens and closes the help screen from the key map', async () => {
    s = start([]);
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    s.press('?');
    const help = await s.waitFor((l) => l[0]!.startsWith('paratop keys'), 'help');
    expect(help).toContain('  s/>      sort by the next column (F6 too, as in htop)');
    // Taller than 40 rows: the moving keys scroll it, and End shows its last page.
    s.press('\x1b[F');
    await s.waitFor((l) => l.includes('  q        quit (Q too, as xentop; F10, as in htop)'), "help's later lines");
    s.press('?');
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table again');
  });

  it('opens help with F1 as well', async () => {
    s = start([]);
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    s.press('\x1bOP');
    await s.waitFor((l) => l[0]!.startsWith('paratop keys'), 'help');
  });

  it('draws in ASCII when the locale is not UTF-8, as htop does (sparklines, arrows and all)', async () => {
    s = start([], 120, 40, { LANG: 'C' });
    const l = await s.waitFor((x) => x.includes(TABLE_HEAD.replace('↓', 'v')), 'the table in ASCII');
    await s.waitFor((x) => x.some((y) => /^batch01 .* [_.:\-=+*#]+$/.test(y)), 'an ASCII sparkline');
    expect(l.join('\n')).toMatch(/^[\x00-\x7f]*$/);
    expect(s.raw()).toMatch(/^[\x00-\x7f]*$/);
  });

  it('--no-color draws without colour codes (selection and bars in reverse video)', async () => {
    s = start(['--no-color']);
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    s.press('j');
    await s.waitFor((l) => l.some((x) => x.startsWith(' batch01  PV  cpu')), 'batch01 selected');
    expect(s.raw()).not.toMatch(/\x1b\[(?:[0-9;]*;)?(?:3[0-9]|9[0-7]|4[0-9])m/);
    expect(s.raw()).toMatch(/\x1b\[0;7m/);
  });

  it('runs xl commands from the : prompt, with Tab completing domain names', async () => {
    s = start([]);
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    s.press(':');
    await s.waitFor((l) => l[38] === ':_', 'the prompt');
    s.press('vcpu-list web');
    await s.waitFor((l) => l[38] === ':vcpu-list web_', 'typed');
    s.press('\t');
    await s.waitFor((l) => l[38] === ':vcpu-list web01 _', 'completed');
    s.press('\r');
    const l = await s.waitFor((x) => x.some((y) => y.startsWith(' xl vcpu-list web01')), 'the output');
    expect(l).toContain('Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)');
    expect(l).toContain('web01                                7     2     -   --p       0.0  all / all');
  });

  it('Tab opens the selected guest\'s console as a terminal: log in, run vmstat, Ctrl+C, Ctrl+] leaves', async () => {
    s = await startOnWeb01();
    s.press('\t');
    await s.waitFor((l) => l.some((x) => x === 'web01 login: █'), 'the login prompt with the cursor');
    s.press('root\r');
    await s.waitFor((l) => l.some((x) => x === 'root@web01:~# █'), 'a shell prompt');
    s.press('vmstat 1\r');
    // (the guest pane shows the same header: wait for the console's own lines)
    await s.waitFor((l) => l.includes('root@web01:~# vmstat 1') && !l.some((x) => x.startsWith('root@web01:~# █')), 'vmstat running');
    // Ctrl+C interrupts the command, not paratop.
    s.press('\x03');
    await s.waitFor((l) => l.includes('^C') && l.some((x) => x === 'root@web01:~# █'), 'interrupted, prompt back');
    s.press('nosuch\r');
    await s.waitFor((l) => l.includes('bash: nosuch: command not found'), 'bash says so');
    s.press('\x1d');
    await s.waitFor((l) => l.some((x) => x.startsWith(' console hvc0   (Tab: log in')), 'focus back on the list');
  });

  it('a key that acts shows the xl command it ran, and the guest stays in view', async () => {
    s = await startOnWeb01();
    s.press('-');
    const l = await s.waitFor((x) => x.some((y) => y.startsWith('xl mem-set web01 768m: done  ')), 'the command shown in the key bar');
    expect(l.some((x) => x.startsWith(' web01  PV  web'))).toBe(true);
    await s.waitFor((x) => x.some((y) => /^web01 +7 PV .* 768M +768M +2048M/.test(y)), 'web01 ballooned to 768M');
  });

  it('m switches the selected guest to the next mode, and the selection follows it to its new domain', async () => {
    s = await startOnWeb01();
    // The whole list again (a filter would leave web01 the only row, selected whatever its ID).
    s.press('\x1b');
    await s.waitFor((l) => l.some((x) => x.startsWith('Domain-0 ')) && l.some((x) => x.startsWith(' web01  PV  web')), 'the whole list, web01 still selected');
    s.press('m');
    await s.waitFor((l) => l.some((x) => x.startsWith('xl mode web01 hybrid: web01 (domain 7) shuts down')), 'the command shown in the key bar');
    await s.waitFor((l) => l.some((x) => /^ web01  PVHVM  web  domid (?!7\b)\d+/.test(x)), 'web01 selected again, as PVHVM with a new domain ID');
  });

  it('plays a scenario: caption bar, the next step, a pause that waits for Space', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paratop-e2e-'));
    const f = join(dir, 'demo.scenario');
    writeFileSync(f, 'title: Demo\nat 0s: caption First, the hogs\nat 1s: pause Space to go on\nat 2s: caption Then the cap\nat 2s: sched-credit -d batch01 -c 25\n');
    s = start(['--scenario', f]);
    const l = await s.waitFor((x) => x[3] === ' First, the hogs', 'the first caption');
    expect(l[4]).toBe(' step 1/4   next at 1s: pause');
    await s.waitFor((x) => x[3] === ' PAUSED: Space to go on', 'the pause');
    s.press(' ');
    await s.waitFor((x) => x[3] === ' Then the cap', 'the next caption');
    await s.waitFor((x) => x[4] === ' step 4/4   timeline done', 'the end of the timeline');
  });

  it('h and ← step back in history and stay on that moment; Esc returns to live', async () => {
    s = start([]);
    const at = await s.waitFor((l) => /^paratop - 00:00:0[3-9]/.test(l[0]!), 'three simulated seconds');
    const t = Number(/00:00:(\d\d)/.exec(at[0]!)![1]);
    s.press('h');
    await s.waitFor((l) => l[0]!.startsWith(` HISTORY 00:00:0${t}`), 'history at the current sample');
    s.press('\x1b[D');
    await s.waitFor((l) => l[0]!.startsWith(` HISTORY 00:00:0${t - 1}`), 'one sample back');
    s.press('\x1b[D');
    await s.waitFor((l) => l[0]!.startsWith(` HISTORY 00:00:0${t - 2}`), 'two samples back');
    await s.waitFor((l) => l[0]!.includes(`kept 00:00:00–00:00:0${t + 1}`), 'the live run going on behind');
    expect(s.screen()[0]!.startsWith(` HISTORY 00:00:0${t - 2}`)).toBe(true);
    s.press('\x1b');
    await s.waitFor((l) => l[0]!.startsWith('paratop - '), 'live again');
  });

  it('shows the too-small screen at 60x20 and lays out again when it grows', async () => {
    s = start([]);
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    s.resize(60, 20);
    const small = await s.waitFor((l) => l.some((x) => x.trim() === 'terminal too small: 60 x 20'), 'too-small message');
    expect(small.find((x) => x.includes('too small'))).toBe('                terminal too small: 60 x 20');
    expect(small.find((x) => x.includes('need'))).toBe('                        need 80 x 24');
    s.resize(120, 40);
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table after growing');
  });

  it('q leaves the alternate screen, shows the cursor and exits 0', async () => {
    s = start([]);
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    s.press('q');
    const e = await s.exited;
    expect(e.exitCode).toBe(0);
    expect(s.bufferType()).toBe('normal');
    expect(s.raw().endsWith(LEAVE) || s.raw().includes(LEAVE)).toBe(true);
  });

  it('Ctrl+L clears the terminal and draws the whole screen again', async () => {
    const t = start([]);
    s = t;
    await t.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    const before = t.raw().length;
    t.press('\x0c');
    await t.waitFor(() => t.raw().slice(before).includes('\x1b[2J') && t.raw().slice(before).includes('NAME'), 'a full redraw');
    const l = await t.waitFor((x) => x.includes(TABLE_HEAD), 'the table, whole');
    expect(l.some((x) => x.startsWith('win2019 '))).toBe(true);
  });

  it('F10 quits too, as in htop', async () => {
    s = start([]);
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    s.press('\x1b[21~');
    const e = await s.exited;
    expect(e.exitCode).toBe(0);
    expect(s.bufferType()).toBe('normal');
  });

  it('SIGTERM restores the terminal too', async () => {
    s = start([]);
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    s.kill('SIGTERM');
    const e = await s.exited;
    expect(e.exitCode).toBe(143);
    expect(s.bufferType()).toBe('normal');
    expect(s.raw()).toContain(LEAVE);
  });

  it('Ctrl+Z hands the terminal back to the shell; fg brings the screen back whole, at the size the terminal has by then', async () => {
    const t = startShell(100, 30);
    s = t;
    await t.waitFor((l) => l[0] === '$', 'the shell prompt');
    t.press(`${PARATOP_COMMAND}\r`);
    await t.waitFor((l) => l.some((x) => x.startsWith('NAME')), 'the table');
    const before = t.raw().length;
    t.press('\x1a');
    await t.waitFor((l) => l.some((x) => /^\[1\]\+ +Stopped +node dist\/paratop\.js$/.test(x)), "the shell's Stopped line");
    expect(t.bufferType()).toBe('normal');
    expect(t.raw().slice(before)).toContain(LEAVE);
    // Resized while stopped: the shell, in the foreground then, is the one told.
    t.resize(90, 28);
    t.press('fg\r');
    const back = await t.waitFor((l) => l[0]!.startsWith('paratop - ') && l.some((x) => x.startsWith('NAME')) && l[26]!.startsWith('Tab Console'), 'the dashboard, whole, at 90x28');
    expect(t.bufferType()).toBe('alternate');
    expect(back[27]).toBe('');
    t.press('q');
    await t.waitFor((l) => t.bufferType() === 'normal' && l.filter((x) => x === '$').length > 0, 'the prompt again');
  });

  it('Ctrl+Z with no shell to take the job (the program leads its own session) leaves the screen up and the program running', async () => {
    const t = start([]);
    s = t;
    await t.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    t.press('\x1a');
    const t0 = Number(/00:00:(\d\d)/.exec(t.screen()[0]!)![1]);
    // The kernel discards a stop signal for an orphaned process group: the screen comes back at
    // once, and the simulation goes on.
    const l = await t.waitFor((x) => Number(/00:00:(\d\d)/.exec(x[0]!)?.[1] ?? -1) >= t0 + 2 && x.includes(TABLE_HEAD), 'two more simulated seconds');
    expect(t.bufferType()).toBe('alternate');
    expect(l[38]).toMatch(/^Tab Console /);
  });

  it('refuses TERM=dumb (a terminal that cannot move the cursor) with a message, before drawing anything', async () => {
    const t = start([], 120, 40, { TERM: 'dumb' });
    s = t;
    const e = await t.exited;
    expect(e.exitCode).toBe(2);
    expect(t.raw()).not.toContain('\x1b');
    expect(t.screen().slice(0, 2).join('')).toBe('paratop: the dashboard needs a terminal that can move the cursor, and TERM=dumb says this one cannot; for plain output use --batch (see paratop --help)');
  });

  it('Ctrl+C, from a shell, quits as q does: the normal screen back, the cursor shown, status 0', async () => {
    const t = startShell(100, 30);
    s = t;
    await t.waitFor((l) => l[0] === '$', 'the shell prompt');
    t.press(`${PARATOP_COMMAND}\r`);
    await t.waitFor((l) => l.some((x) => x.startsWith('NAME')), 'the table');
    t.press('\x03');
    // The shell's next prompt: what is typed before it could still go to the exiting program.
    await t.waitFor((l) => t.bufferType() === 'normal' && l.includes('$'), 'the normal screen and the prompt');
    expect(t.raw()).toContain(LEAVE);
    t.press('echo status=$?\r');
    await t.waitFor((l) => l.includes('status=0'), 'the exit status');
  });

  it('SIGHUP (the SSH link dropped) restores the terminal and exits 129', async () => {
    s = start([]);
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    s.kill('SIGHUP');
    const e = await s.exited;
    expect(e.exitCode).toBe(129);
    expect(s.bufferType()).toBe('normal');
    expect(s.raw()).toContain(LEAVE);
  });

  it('an uncaught error restores the terminal first, then says what happened, exit 70', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'paratop-crash-')), 'crash.cjs');
    writeFileSync(f, "setTimeout(() => { throw new Error('paratop e2e test crash'); }, 400).unref();\n");
    s = start([], 120, 40, { NODE_OPTIONS: `--require ${f}` });
    await s.waitFor((l) => l.includes(TABLE_HEAD), 'the table');
    const e = await s.exited;
    expect(e.exitCode).toBe(70);
    expect(s.bufferType()).toBe('normal');
    const raw = s.raw();
    expect(raw.indexOf('paratop: internal error: Error: paratop e2e test crash')).toBeGreaterThan(raw.lastIndexOf(LEAVE));
  });
});

