import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App, styled } from '../../source/ui/app.js';
import { hostWith, spec } from '../helpers.js';

afterEach(() => cleanup());

/** The frame as read on screen: styles (SGR sequences) removed. */
const plain = (s: string | undefined): string => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');

async function until(get: () => string | undefined, pred: (f: string) => boolean): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const f = plain(get());
    if (pred(f)) return f;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`frame never matched:\n${plain(get())}`);
}

function app() {
  const host = hostWith([spec({ name: 'alpha', workload: 'cpu' }), spec({ name: 'beta', workload: 'idle', mode: 'full' })]);
  return render(<App host={host} refreshMs={60_000} initialSpeed={1} color={false} warnings={[]} />);
}

describe('<App>', () => {
  it('lists Domain-0 and the guests under the table header', async () => {
    const r = app();
    const f = await until(r.lastFrame, (x) => x.includes('NAME'));
    const names = f.split('\n').filter((l) => /^(Domain-0|alpha|beta) /.test(l)).map((l) => l.split(' ')[0]);
    expect(names).toEqual(['Domain-0', 'alpha', 'beta']);
  });

  it('moves the selection with j and shows the selected guest in the pane title', async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes(' Domain-0  PV  backend'));
    r.stdin.write('j');
    await until(r.lastFrame, (x) => x.includes(' alpha  PV  cpu'));
    r.stdin.write('j');
    await until(r.lastFrame, (x) => x.includes(' beta  HVM  idle'));
  });

  it("v shows each domain's vCPU seconds under it, r repeats the header; pressed again, they go", async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes('NAME'));
    r.stdin.write('v');
    let f = await until(r.lastFrame, (x) => x.includes('VCPUs(sec):'));
    const lines = f.split('\n');
    expect(lines[lines.findIndex((l) => l.startsWith('alpha ')) + 1]).toMatch(/^VCPUs\(sec\):   0: +\d+s$/);
    r.stdin.write('r');
    f = await until(r.lastFrame, (x) => x.split('\n').filter((l) => l.startsWith('NAME')).length === 3);
    r.stdin.write('v');
    r.stdin.write('R');
    f = await until(r.lastFrame, (x) => !x.includes('VCPUs(sec):') && x.split('\n').filter((l) => l.startsWith('NAME')).length === 1);
  });

  it('scrolls a help screen taller than the terminal with the moving keys, not the selection', async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes(' Domain-0  PV  backend'));
    r.stdin.write('?');
    const first = await until(r.lastFrame, (x) => x.startsWith('paratop keys   lines 1-'));
    expect(first).toContain('select previous domain');
    expect(first).not.toContain('log out (on an empty line)');
    r.stdin.write('j'.repeat(80));
    const last = await until(r.lastFrame, (x) => x.includes('log out (on an empty line)'));
    expect(last).not.toContain('select previous domain');
    r.stdin.write('\x1b');
    // The list behind did not move: Domain-0 is still selected.
    await until(r.lastFrame, (x) => x.includes(' Domain-0  PV  backend'));
  });

  it("shows the guest configs that did not load at once, whole, until Esc (the other guests run)", async () => {
    const host = hostWith([spec({ name: 'alpha', workload: 'cpu' })]);
    const problem = "guests/bad.cfg:2:10: unexpected '(': xl.cfg is not Python: xl no longer accepts Python code in configs, only `key = value`";
    const r = render(<App host={host} refreshMs={60_000} initialSpeed={1} color={false} warnings={[problem]} />);
    const f = await until(r.lastFrame, (x) => x.includes('guest configs: 1 problem (whatever else loaded is running)'));
    // Wrapped at the screen's width rather than cut: every word is there.
    const box = f.split('\n').slice(f.split('\n').findIndex((l) => l.includes('guest configs:')) + 1).join(' ').replace(/ +/g, ' ');
    expect(box).toContain(problem);
    expect(f.split('\n').some((l) => l.startsWith('alpha '))).toBe(true);
    r.stdin.write('\x1b');
    await until(r.lastFrame, (x) => x.includes(' Domain-0  PV  backend') && !x.includes('guest configs:'));
    expect(plain(r.lastFrame())).toContain('1 config problem(s) on stderr at exit');
  });

  it("shows a refused xl command's error lines whole, wrapped, not cut at the screen's edge", async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes(' Domain-0  PV  backend'));
    r.stdin.write(':');
    r.stdin.write('mem-set alpha 9t');
    r.stdin.write('\r');
    const f = await until(r.lastFrame, (x) => x.includes('(refused: nothing changed)'));
    const lines = f.split('\n');
    const body = lines.slice(lines.findIndex((l) => l.includes('(refused: nothing changed)')) + 1).join(' ').replace(/ +/g, ' ');
    expect(body).toContain('libxl_set_memory_target: Domain 1:memory_dynamic_max must be less than or equal to memory_static_max');
    expect(body).toContain('cannot set domid 1 dynamic max memory to : 9t');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
  });

  it("scrolls a command's output taller than its pane with the moving keys, and leaves the selection alone", async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes(' Domain-0  PV  backend'));
    r.stdin.write(':');
    r.stdin.write('help');
    r.stdin.write('\r');
    const first = await until(r.lastFrame, (x) => / xl help {3}lines 1-\d+ of \d+ {3}↑\/↓ PgUp\/PgDn Home\/End scroll, Esc closes/.test(x));
    expect(first).toContain('Usage xl <subcommand> [args]');
    expect(first).not.toContain("'help <subcommand>' shows its usage.");
    r.stdin.write('j');
    const second = await until(r.lastFrame, (x) => / xl help {3}lines 2-/.test(x));
    expect(second).not.toContain('Usage xl <subcommand> [args]');
    r.stdin.write('\x1b[F');
    const last = await until(r.lastFrame, (x) => x.includes("'help <subcommand>' shows its usage."));
    const [, from, to, of] = /lines (\d+)-(\d+) of (\d+)/.exec(last)!;
    expect(Number(to)).toBe(Number(of));
    expect(Number(from)).toBeGreaterThan(2);
    r.stdin.write('\x1b');
    // The list behind did not move: Domain-0 is still selected.
    await until(r.lastFrame, (x) => x.includes(' Domain-0  PV  backend'));
  });

  it('keeps the guest in view after a balloon key: the key bar says what ran, until the next key', async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes(' Domain-0  PV  backend'));
    r.stdin.write('j');
    await until(r.lastFrame, (x) => x.includes(' alpha  PV  cpu'));
    r.stdin.write('-');
    const f = await until(r.lastFrame, (x) => /xl mem-set alpha \d+m: done/.test(x));
    // The panes are still there: the guest's own view and the hypervisor's.
    expect(f).toContain(' alpha  PV  cpu');
    expect(f).toContain('inside the guest');
    r.stdin.write('I');
    await until(r.lastFrame, (x) => !x.includes(': done') && x.includes(' alpha  PV  cpu'));
  });

  it("takes htop's function keys: F4 filters, F6 sorts, and not while a prompt is typed into", async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes('NAME↓'));
    r.stdin.write('\x1b[17~');
    await until(r.lastFrame, (x) => x.includes('ID↓'));
    r.stdin.write('\x1bOS');
    await until(r.lastFrame, (x) => x.includes('Filter: _'));
    // F6 inside the prompt neither sorts nor types.
    r.stdin.write('\x1b[17~');
    r.stdin.write('al');
    const f = await until(r.lastFrame, (x) => x.includes('Filter: al_'));
    expect(f).toContain('ID↓');
  });

  it('edits the command line as readline does (Ctrl+W a word, Ctrl+U the line), and a Ctrl key is never its letter', async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes('NAME↓'));
    // Ctrl+S is not s: the sort column stays.
    r.stdin.write('\x13');
    r.stdin.write(':');
    r.stdin.write('mem-set alpha 512');
    await until(r.lastFrame, (x) => x.includes(':mem-set alpha 512_'));
    r.stdin.write('\x17');
    await until(r.lastFrame, (x) => x.includes(':mem-set alpha _'));
    r.stdin.write('\x15');
    const f = await until(r.lastFrame, (x) => /^:_/m.test(x));
    expect(f).toContain('NAME↓');
  });

  it('moves the cursor in the command line and inserts there; the cursor is the character in reverse video', async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes('NAME↓'));
    r.stdin.write(':');
    r.stdin.write('mem-set alph 512');
    await until(r.lastFrame, (x) => x.includes(':mem-set alph 512_'));
    for (let i = 0; i < 4; i++) r.stdin.write('\x1b[D');
    r.stdin.write('a');
    await until(r.lastFrame, (x) => x.includes(':mem-set alpha 512'));
    // The cursor sits on the space after "alpha", drawn in reverse video.
    expect(r.lastFrame()).toContain(':mem-set alpha\x1b[7m \x1b[27m512');
    r.stdin.write('\x01');
    r.stdin.write('xl ');
    await until(r.lastFrame, (x) => x.includes(':xl mem-set alpha 512'));
    r.stdin.write('\r');
    // Typed with "xl " in front, it is named with one.
    await until(r.lastFrame, (x) => /(?<!xl )xl mem-set alpha 512: done/.test(x));
  });

  it('sorts only by columns on screen: s skips the ones a narrow terminal drops', async () => {
    const host = hostWith([spec({ name: 'alpha', workload: 'cpu' }), spec({ name: 'beta', workload: 'idle', mode: 'full' })]);
    // ink-testing-library's terminal is 100 columns: NAT% is dropped there.
    const r = render(<App host={host} refreshMs={60_000} initialSpeed={1} color={false} warnings={[]} />);
    const seen: string[] = [];
    let f = await until(r.lastFrame, (x) => x.includes('NAME↓'));
    expect(f).not.toContain('NAT%');
    for (let i = 0; i < 14; i++) {
      const before = f.split('\n').find((l) => l.includes('NAME') && l.includes('MODE'))!;
      r.stdin.write('s');
      f = await until(r.lastFrame, (x) => x.split('\n').find((l) => l.includes('NAME') && l.includes('MODE')) !== before);
      const head = f.split('\n').find((l) => l.includes('NAME') && l.includes('MODE'))!;
      const m = /(\S+?)[↓↑]/.exec(head);
      expect(m).not.toBeNull();
      seen.push(m![1]!);
      if (m![1] === 'NAME') break;
    }
    expect(seen).toEqual(['ID', 'MODE', 'STATE', 'CPU(%)', 'ST(%)', 'WAIT%', 'MEM', 'TARGET', 'MAXMEM', 'VCPUS', 'OPS/s', 'NAME']);
  });

  it('opens help with ? and closes it with Esc', async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes('NAME'));
    r.stdin.write('?');
    await until(r.lastFrame, (x) => x.startsWith('paratop keys'));
    r.stdin.write('\x1b');
    await until(r.lastFrame, (x) => x.includes('NAME'));
  });

  it("takes xentop's keys in either case: D opens the delay prompt, Q closes help as q does", async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes('NAME'));
    r.stdin.write('D');
    await until(r.lastFrame, (x) => x.includes('Delay(sec): _'));
    r.stdin.write('\x1b');
    await until(r.lastFrame, (x) => !x.includes('Delay(sec)'));
    r.stdin.write('?');
    await until(r.lastFrame, (x) => x.startsWith('paratop keys'));
    r.stdin.write('Q');
    await until(r.lastFrame, (x) => x.includes('NAME'));
  });

  it("n and b turn xentop's network and VBD columns on and off; turning off the sorted column sorts by CPU(%)", async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes('NAME'));
    r.stdin.write('n');
    await until(r.lastFrame, (x) => / NETTX +NETRX /.test(x));
    r.stdin.write('b');
    await until(r.lastFrame, (x) => / NETTX +NETRX VBD_RD VBD_WR /.test(x));
    r.stdin.write('b');
    await until(r.lastFrame, (x) => / NETTX +NETRX /.test(x) && !x.includes('VBD_RD'));
    // Sort back one column from NAME (the first) to the last shown, NETRX; then n hides it.
    r.stdin.write('<');
    await until(r.lastFrame, (x) => x.includes('NETRX↓'));
    r.stdin.write('n');
    await until(r.lastFrame, (x) => !x.includes('NETTX') && x.includes('CPU(%)↓'));
  });

  it('types a filter after / and narrows the list', async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes('NAME'));
    r.stdin.write('/');
    await until(r.lastFrame, (x) => x.includes('Filter: _'));
    r.stdin.write('bet');
    const f = await until(r.lastFrame, (x) => x.includes('Filter: bet_'));
    expect(f.split('\n').some((l) => l.startsWith('alpha '))).toBe(false);
    expect(f.split('\n').some((l) => l.startsWith('beta '))).toBe(true);
    // Enter keeps it (the key bar says so); Esc on the list then clears it, as in k9s.
    r.stdin.write('\r');
    await until(r.lastFrame, (x) => x.includes('filter "bet" (Esc clears)') && !x.includes('Filter: '));
    r.stdin.write('\x1b');
    const all = await until(r.lastFrame, (x) => !x.includes('filter "bet"'));
    expect(all.split('\n').some((l) => l.startsWith('alpha '))).toBe(true);
  });

  it('pauses with Space', async () => {
    const r = app();
    await until(r.lastFrame, (x) => x.includes('speed 1x'));
    r.stdin.write(' ');
    await until(r.lastFrame, (x) => x.includes('PAUSED'));
  });

  it('draws a coloured bar black on its colour (both explicit), readable on light and dark themes', () => {
    expect(styled({ key: 'cap', text: ' caption', inverse: true, color: 'cyan' }, false)).toBe('\x1b[30;46m caption\x1b[39;49m');
    expect(styled({ key: 'sel', text: 'row', inverse: true }, false)).toBe('\x1b[7mrow\x1b[27m');
    expect(styled({ key: 'm', text: 'cpu0', color: 'green' }, false)).toBe('\x1b[32mcpu0\x1b[39m');
  });
});
