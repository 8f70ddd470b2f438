import { describe, expect, it } from 'vitest';
import { NS_PER_S } from '../../source/model/clock.js';
import { sampleHost } from '../../source/model/sample.js';
import { historyUpTo, layout } from '../../source/ui/layout.js';
import type { LayoutInput } from '../../source/ui/layout.js';
import { COLUMNS, DROP_ORDER, METER_ROWS, meterLine, mib, rowLine, vmstatLine } from '../../source/ui/rows.js';
import { KEYMAP } from '../../source/ui/keymap.js';
import { deriveHost } from '../../source/view/rates.js';
import type { HostView } from '../../source/view/rates.js';
import { initialViewState } from '../../source/view/state.js';
import type { ViewState } from '../../source/view/state.js';
import { hostWith, spec } from '../helpers.js';

function views(): HostView[] {
  const host = hostWith([
    spec({ name: 'web01', workload: 'web', vcpus: 2 }),
    spec({ name: 'legacy', workload: 'idle', mode: 'full' }),
    spec({ name: 'evil\x1b[2Jname', workload: 'idle' }),
  ]);
  const out: HostView[] = [deriveHost(null, sampleHost(host))];
  for (let i = 0; i < 3; i++) {
    host.advance(NS_PER_S);
    out.push(deriveHost(out[out.length - 1]!.sample, sampleHost(host)));
  }
  return out;
}

const input = (over: Partial<LayoutInput> & { state?: ViewState }): LayoutInput => ({
  history: views(),
  state: initialViewState(3, 1000),
  cols: 120,
  rows: 40,
  color: false,
  warnings: 0,
  console: () => ({ lines: [{ seq: 0, uptimeNs: 1_500_000, text: 'hello \x1b]0;pwned\x07', tty: false }], total: 1, device: 'hvc0' }),
  ...over,
});

describe('time travel', () => {
  it('shows the newest sample at or before the chosen time', () => {
    const h = views();
    expect(historyUpTo(h, null)).toBe(h);
    expect(historyUpTo(h, h[1]!.sample.tNs).at(-1)).toBe(h[1]);
    expect(historyUpTo(h, h[2]!.sample.tNs + 1).at(-1)).toBe(h[2]);
    expect(historyUpTo(h, -5).length).toBe(1);
  });

  it('draws the whole screen from that moment, with a HISTORY banner', () => {
    const h = views();
    const st = { ...initialViewState(3, 1000), historyAtNs: h[1]!.sample.tNs };
    const l = layout(input({ history: historyUpTo(h, st.historyAtNs), state: st, live: false, historyFrom: 0, historyTo: h[3]!.sample.tNs }));
    expect(l[0]!.text.trimEnd()).toBe(' HISTORY 00:00:01   (←/→ move, Esc: live)   kept 00:00:00–00:00:03');
  });
});

describe('console pane title', () => {
  it('offers a login only where there is a login shell', () => {
    const title = (over: Partial<LayoutInput>): string => layout(input(over)).find((x) => x.key === 'con')!.text;
    expect(title({})).toContain('(Tab: log in / type here)');
    const bsd: LayoutInput['console'] = () => ({ lines: [], total: 0, device: 'ttyS0', input: null, noShell: 'bsd' });
    expect(title({ console: bsd })).toContain('(bsd: no login shell)');
    expect(title({ console: bsd })).not.toContain('log in');
    expect(title({ console: bsd, state: { ...initialViewState(3, 1000), focus: 'console' } })).toMatch(/\[\S+ runs bsd: no login shell here; Ctrl\+\] leaves\]/);
    // Windows: EMS's SAC takes what is typed.
    const win: LayoutInput['console'] = () => ({ lines: [], total: 0, device: 'ttyS0', input: 'SAC>', noShell: 'Windows', sac: true });
    expect(title({ console: win })).toContain('(Tab: SAC, type here)');
    expect(title({ console: win, state: { ...initialViewState(3, 1000), focus: 'console' } })).toMatch(/\[SAC: typing goes to \S+; Ctrl\+\] leaves\]/);
  });
});

describe('compare screen', () => {
  it('puts the guest\'s own view beside Xen\'s for each marked guest', () => {
    const h = views();
    const st = { ...initialViewState(3, 1000), screen: 'compare' as const, compare: [1, 2] };
    const text = layout(input({ history: h, state: st })).map((x) => x.text);
    expect(text.some((x) => /^ {2}web01 thinks it used \d+% of a CPU( \(\d+% busy on \d vCPUs\))?; Xen gave it \d+% of a pCPU and it knows \d+% was stolen$/.test(x))).toBe(true);
    expect(text.some((x) => /^ {2}legacy thinks it used \d+% of a CPU( \(\d+% busy on \d vCPUs\))?; Xen gave it \d+% of a pCPU and it cannot see the rest was stolen$/.test(x))).toBe(true);
    expect(text.find((x) => x.startsWith('  guest: steal (st) %'))).toMatch(/– cannot see/);
    // One unit on both sides: a PV guest's own count of what it used agrees with Xen's.
    const said = (name: string): [number, number] => {
      const m = new RegExp(`^ {2}${name} thinks it used (\\d+)% of a CPU.*; Xen gave it (\\d+)% of a pCPU`).exec(text.find((x) => x.startsWith(`  ${name} thinks`))!)!;
      return [Number(m[1]), Number(m[2])];
    };
    const [used, gave] = said('web01');
    expect(Math.abs(used - gave)).toBeLessThanOrEqual(Math.max(5, gave * 0.15));
  });
});

describe('the VM list cells', () => {
  it('never cut a number: five-digit domain ids, and memory past 99,999 MiB in GiB', () => {
    const row = views()[3]!.rows[1]!;
    const sample = Object.create(row.sample, { id: { value: 32752 }, memKiB: { value: 1024 ** 3 }, maxmemKiB: { value: 2 * 1024 ** 3 } }) as typeof row.sample;
    const big = { ...row, sample };
    const cells = rowLine(COLUMNS, big).trim().split(/ +/);
    expect(cells[1]).toBe('32752');
    expect(cells).toContain('1024G');
    expect([mib(2048 * 1024), mib(99_999 * 1024), mib(100_000 * 1024), mib(200 * 1024 ** 3)]).toEqual(['2048M', '99999M', '98G', '200T']);
  });

  it('give NAME the width a wide terminal has spare, and mark a name cut on a narrow one', () => {
    const host = hostWith([spec({ name: 'example.pvhlinux', workload: 'idle' }), spec({ name: 'example.pvlinux', workload: 'idle' })]);
    const h = [deriveHost(null, sampleHost(host))];
    const names = (cols: number): string[] =>
      layout(input({ history: h, cols }))
        .map((x) => x.text)
        .filter((x) => x.startsWith('example.'))
        .map((x) => x.split(' ')[0]!);
    expect(names(120)).toEqual(['example.pvhlinux', 'example.pvlinux']);
    expect(names(80)).toEqual(['example.pvhl…', 'example.pvli…']);
    // The columns after NAME still line up with the header.
    const l = layout(input({ history: h, cols: 120 })).map((x) => x.text);
    const head = l.find((x) => x.startsWith('NAME'))!;
    const row = l.find((x) => x.startsWith('example.pvhlinux'))!;
    expect(row.indexOf(' PV')).toBe(head.indexOf(' MODE'));
  });
});

describe('pCPU meters', () => {
  const viewOn = (pcpus: number): HostView => {
    const host = hostWith([spec({ name: 'hog', workload: 'cpu', vcpus: 2 })], { pcpus });
    const a = deriveHost(null, sampleHost(host));
    host.advance(NS_PER_S);
    return deriveHost(a.sample, sampleHost(host));
  };

  it('draws one aligned meter per pCPU, four to a row, percentages whole', () => {
    for (const cols of [80, 120]) {
      const lines = meterLine(viewOn(16), cols).split('\n');
      expect(lines).toHaveLength(4);
      for (const l of lines) {
        expect(l.length).toBeLessThanOrEqual(cols);
        expect(l.match(/cpu\d+ *\[[#d ]+\] *\d+%/g)).toHaveLength(4);
      }
      expect(lines[3]!.indexOf('[')).toBe(lines[0]!.indexOf('['));
    }
  });

  it('gives a host with many pCPUs its totals and one cell per pCPU, in a few rows', () => {
    const v = viewOn(64);
    for (const cols of [80, 120]) {
      const lines = meterLine(v, cols).split('\n');
      expect(lines.length).toBeLessThanOrEqual(METER_ROWS);
      expect(lines[0]).toMatch(/^cpu0-63: guests \d+\.\d%  Domain-0 \d+\.\d%  idle \d+\.\d%/);
      const cells = lines.slice(1).map((l) => l.slice('cpu0-63 '.length)).join('');
      expect(cells).toHaveLength(64);
      // Busy pCPUs show as cells with height (a 2-vCPU hog runs), idle ones blank.
      expect(cells.replace(/ /g, '').length).toBeGreaterThanOrEqual(1);
      expect(cells).toMatch(/^[ ▁▂▃▄▅▆▇█]{64}$/);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(cols);
    }
  });

  it('keeps a host of 512 pCPUs to the same few rows: a cell per few pCPUs, and says so', () => {
    const v = viewOn(512);
    const lines = meterLine(v, 80).split('\n');
    expect(lines.length).toBeLessThanOrEqual(METER_ROWS);
    expect(lines[0]).toContain('(one cell per 3 pCPUs, height');
    const label = 'cpu0-511 '.length;
    const cells = lines.slice(1).map((l) => l.slice(label)).join('');
    expect(cells).toHaveLength(Math.ceil(512 / 3));
    expect(lines.slice(1).map((l) => l.slice(0, label).trim())).toEqual(['cpu0', 'cpu213', 'cpu426']);
  });

  it("keeps CPUs on xentop's Mem line when a host's terabytes make it long", () => {
    const host = hostWith([], { pcpus: 512, memMiB: 64 * 1024 * 1024 });
    const l = layout(input({ history: [deriveHost(null, sampleHost(host))], cols: 80 })).map((x) => x.text);
    expect(l[2]).toMatch(/^Mem: \d+k total, \d+k used, \d+k free  CPUs: 512 @ \d+MHz$/);
  });
});

describe('compare and profile screens at 80 columns', () => {
  it('say each guest\'s sentence whole, and keep a space between the columns of figures', () => {
    const h = views();
    const st = { ...initialViewState(3, 1000), screen: 'compare' as const, compare: [0, 1, 2] };
    const text = layout(input({ history: h, state: st, cols: 80, rows: 40 })).map((x) => x.text);
    for (const x of text) expect(x.length).toBeLessThanOrEqual(80);
    expect(text.some((x) => /^ {2}web01 thinks it used \d+% of a CPU, got \d+%, knows \d+% stolen$/.test(x))).toBe(true);
    expect(text.some((x) => /^ {2}legacy thinks it used \d+% of a CPU, got \d+%, cannot see steal$/.test(x))).toBe(true);
    const mem = text.find((x) => x.startsWith('  memory / target, MiB'))!;
    expect(mem.slice(30).trim().split(/ {1,}/).filter((x) => /^\d+$/.test(x)).length).toBe(6);
  });

  it('the profile shows every guest before its footnotes', () => {
    const st = { ...initialViewState(3, 1000), screen: 'profile' as const };
    const small = layout(input({ state: st, cols: 80, rows: 24 })).map((x) => x.text);
    for (const x of small) expect(x.length).toBeLessThanOrEqual(80);
    const below = small.slice(small.findIndex((x) => x.startsWith(' profile:')));
    expect(below.filter((x) => /^(Domain-0|web01|legacy|evil)/.test(x))).toHaveLength(4);
    const big = layout(input({ state: st, cols: 80, rows: 40 })).map((x) => x.text);
    expect(big.some((x) => x.startsWith('SPIN: spinning on locks'))).toBe(true);
  });
});

describe('every screen at every size', () => {
  it('fits: at most rows - 1 lines, none wider than the terminal', () => {
    const h = views();
    const base = initialViewState(3, 1000);
    const longMsg = { title: 'xl list', lines: Array.from({ length: 80 }, (_, i) => `line ${i}\twith\ttabs ${'x'.repeat(i * 3)}`), error: false };
    const states: Record<string, ReturnType<typeof initialViewState>> = {
      main: base,
      selected: { ...base, selectedId: 2 },
      help: { ...base, help: true },
      helpScrolled: { ...base, help: true, helpTop: 1000 },
      profile: { ...base, screen: 'profile' },
      compare: { ...base, screen: 'compare', compare: [0, 1, 2] },
      message: { ...base, message: longMsg },
      console: { ...base, focus: 'console', selectedId: 1 },
      prompt: { ...base, prompt: { kind: 'command', text: 'mem-set web01 '.repeat(20), error: 'a long error '.repeat(20), tail: 0 } },
      filtered: { ...base, filter: 'nothing-matches' },
    };
    const longConsole = () => ({ lines: Array.from({ length: 60 }, (_, i) => ({ seq: i, uptimeNs: i * 1e6, text: `${'y'.repeat(i * 7)}\tend`, tty: i % 2 === 0 })), total: 60, device: 'hvc0', input: 'root@web01:~# ' + 'z'.repeat(300) });
    for (const [name, st] of Object.entries(states)) {
      for (const [cols, rows] of [[80, 24], [81, 25], [100, 30], [119, 40], [120, 40], [139, 45], [200, 60]] as const) {
        for (const live of [true, false]) {
          const l = layout(input({ history: h, state: st, cols, rows, live, historyFrom: 0, historyTo: h[3]!.sample.tNs, console: longConsole }));
          expect(l.length, `${name} ${cols}x${rows}`).toBeLessThanOrEqual(rows - 1);
          for (const x of l) expect(x.text.length, `${name} ${cols}x${rows}: ${x.text}`).toBeLessThanOrEqual(cols);
        }
      }
    }
  });
});

describe('layout', () => {
  it('never draws more than rows - 1 lines', () => {
    for (const [cols, rows] of [[80, 24], [120, 40], [200, 60], [100, 30]] as const) {
      expect(layout(input({ cols, rows })).length).toBeLessThanOrEqual(rows - 1);
    }
  });

  it('shows the too-small screen below 80x24', () => {
    const l = layout(input({ cols: 79, rows: 30 })).map((x) => x.text);
    expect(l.filter((x) => x !== '')).toEqual(['                          terminal too small: 79 x 30', '                                 need 80 x 24']);
  });

  it('shows console output as a terminal does: tabs to 8-column stops, long lines wrapped', () => {
    const long = 'x'.repeat(100) + 'END';
    const lines = [
      { seq: 0, uptimeNs: 0, text: 'flags\t\t: fpu vme', tty: true },
      { seq: 1, uptimeNs: 0, text: long, tty: true },
    ];
    const l = layout(input({ cols: 80, console: () => ({ lines, total: 2, device: 'hvc0' }) })).map((x) => x.text);
    expect(l).toContain('flags           : fpu vme');
    const at = l.indexOf('x'.repeat(80));
    expect(at).toBeGreaterThan(0);
    expect(l[at + 1]).toBe('x'.repeat(20) + 'END');
  });

  it('escapes control characters in guest names and console lines', () => {
    const text = layout(input({})).map((x) => x.text).join('\n');
    expect(text).not.toMatch(/\x1b|\x07/);
    expect(text).toContain('evil\\e[2Jna');
    expect(text).toContain('[    0.001500] hello \\e]0;pwned\\x07');
  });

  it('shows "–" for steal a full guest cannot see, numbers for a PV guest', () => {
    const l = layout(input({})).map((x) => x.text);
    expect(l.find((x) => x.startsWith('legacy'))).toMatch(/ HVM +[dscpbr-]{6} +\d+\.\d +– /);
    expect(l.find((x) => x.startsWith('web01'))).toMatch(/ PV +.{6} +\d+\.\d +\d+\.\d /);
  });

  it('drops columns in the documented order as the terminal narrows', () => {
    const head = (cols: number): string => layout(input({ cols })).find((x) => x.key === 'head')!.text;
    expect(head(130)).toContain('NAT%');
    expect(DROP_ORDER[0]).toBe('NAT%');
    expect(head(80)).not.toContain('NAT%');
    expect(head(80)).not.toContain('TARGET');
    expect(head(80)).toContain('CPU(%)');
    // The guest's steal and the hypervisor's wait stay side by side down to the minimum width.
    expect(head(80)).toContain('ST(%) WAIT%');
    expect(head(80)).not.toMatch(/ ID /);
    for (const cols of [80, 90, 100, 110, 120]) expect(head(cols).length).toBeLessThanOrEqual(cols);
    // Without the ID column the selected domain's ID is still on screen, in its pane's title.
    const pane = layout(input({ cols: 80 })).find((x) => x.key === 'pane')!.text;
    expect(pane).toMatch(/^ \S+  (PV|PVHVM|HVM)  \S+  domid \d+ *$/);
  });

  it("adds xentop's network and VBD columns when asked (n, b), as rates, dropping others before cutting them off", () => {
    const withGroups = (cols: number, groups: ('net' | 'vbd')[]) => layout(input({ cols, state: { ...initialViewState(3, 1000), columnGroups: groups } }));
    const head = (cols: number, groups: ('net' | 'vbd')[]): string => withGroups(cols, groups).find((x) => x.key === 'head')!.text;
    expect(head(120, [])).not.toContain('NETTX');
    expect(head(120, ['net'])).toMatch(/ OPS\/s +NETTX +NETRX CPU/);
    for (const cols of [80, 100, 120, 160]) {
      const h = head(cols, ['net', 'vbd']);
      expect(h).toMatch(/NETTX +NETRX VBD_RD VBD_WR/);
      expect(h.trimEnd().length).toBeLessThanOrEqual(cols);
      expect(h).toContain('ST(%)');
    }
    // A web server sends: its NETTX is a positive rate in KiB/s.
    const web = withGroups(120, ['net']).find((x) => x.text.startsWith('web01'))!.text;
    expect(Number(web.split(/ +/)[12])).toBeGreaterThan(0);
  });

  it("shows each domain's vCPU seconds under it (v) and the header again before each domain (r), as xentop's V and R, keeping the selection in view", () => {
    const host = hostWith(Array.from({ length: 30 }, (_, i) => spec({ name: `g${String(i).padStart(2, '0')}`, workload: i % 2 ? 'cpu' : 'idle', vcpus: 1 + (i % 7), maxvcpus: 7 })), { pcpus: 8, memMiB: 65536 });
    host.advanceSeconds(3);
    const h = [deriveHost(null, sampleHost(host))];
    host.advanceSeconds(1);
    h.push(deriveHost(h[0]!.sample, sampleHost(host)));
    const base = { ...initialViewState(3, 1000), vcpuLines: true };
    const listed = (st: ViewState) => layout(input({ history: h, state: st })).filter((x) => /^([dvh]\d|lpad)/.test(x.key));
    // g06 has 7 vCPUs: xentop breaks the line before vCPU 5 and indents it 8.
    const g06 = host.domains().find((d) => d.name === 'g06')!;
    const lines = listed({ ...base, selectedId: g06.id });
    const at = lines.findIndex((x) => x.key === `d${g06.id}`);
    expect(lines[at + 1]!.text).toMatch(/^VCPUs\(sec\):   0: +\d+s  1: +\d+s  2: +\d+s  3: +\d+s  4: +\d+s$/);
    expect(lines[at + 2]!.text).toMatch(/^ {8}  5: +\d+s  6: +\d+s$/);
    // " %2u: %10llus": each vCPU's seconds right-aligned in 10.
    expect(lines[at + 1]!.text.slice(0, 28)).toMatch(/^VCPUs\(sec\):   0: {1,10}\d+s$/);
    // Wherever the selection is, its row is on screen and the list keeps its height (11 lines at 120x40).
    for (const d of host.domains()) {
      for (const repeatHeader of [false, true]) {
        const l = listed({ ...base, repeatHeader, selectedId: d.id });
        expect(l.some((x) => x.key === `d${d.id}`)).toBe(true);
        expect(l.length).toBe(11);
      }
    }
    // r: the header before every domain but the first shown.
    const rep = layout(input({ history: h, state: { ...initialViewState(3, 1000), repeatHeader: true } }));
    const head = rep.find((x) => x.key === 'head')!.text;
    const shown = rep.filter((x) => /^[dh]\d/.test(x.key));
    expect(shown.map((x) => x.key[0]).join('')).toMatch(/^d(hd)+h?$/);
    for (const x of shown.filter((y) => y.key.startsWith('h'))) expect(x.text).toBe(head);
  });

  it("shows each vmstat line whole, st included, at any width: MiB (vmstat -S M) when KiB does not fit", () => {
    const h = views();
    const newest = h[h.length - 1]!;
    for (const id of [0, 1, 2, 3]) {
      const row = newest.row(id)!;
      for (const [cols, rows] of [[80, 24], [100, 30], [120, 40], [140, 40], [200, 60]] as const) {
        const st = { ...initialViewState(3, 1000), selectedId: id };
        const l = layout(input({ history: h, state: st, cols, rows })).map((x) => x.text);
        for (const x of l) expect(x.length).toBeLessThanOrEqual(cols);
        const title = l.find((x) => x.startsWith('inside the guest'))!;
        const head = l.findIndex((x) => x.startsWith(' r  b   swpd   free   buff  cache'));
        let end = head + 1;
        while (/^ *\d+ +\d+ +\d+ +\d+ /.test(l[end + 1] ?? '')) end++;
        const last = l[end]!.trim().split(/ +/).slice(0, 17);
        const m = row.rates!.vmstat;
        const mib = title.includes('vmstat -S M 1');
        expect(last.map(Number)).toEqual([m.r, m.b, ...[m.swpd, m.free, m.buff, m.cache].map((k) => (mib ? Math.floor(k / 1024) : k)), m.si, m.so, m.bi, m.bo, m.in, m.cs, m.us, m.sy, m.id, m.wa, m.st]);
        // 200 columns hold the KiB lines beside the full vCPU table; from 120 up, the two views are
        // side by side (MiB and the compact table at 120); below, stacked.
        if (cols === 200) expect(mib).toBe(false);
        const sideBySide = title.includes("the hypervisor's view");
        expect(sideBySide).toBe(cols >= 120);
        if (cols === 120) expect(l.some((x) => x.includes('VCPU STATE    RUN WAIT BLK CRED PRI'))).toBe(true);
      }
    }
  });

  it('squeezes a vmstat line whose numbers outgrow their fields into the width, memory padding first', () => {
    const m = { r: 1, b: 0, swpd: 0, free: 1835089, buff: 20972, cache: 61440, si: 0, so: 0, bi: 0, bo: 0, in: 12345, cs: 23456, us: 0, sy: 0, id: 100, wa: 0, st: 0 };
    const wide = vmstatLine(m, 'M');
    expect(wide.length).toBeGreaterThan(80);
    const fit = vmstatLine(m, 'M', 80);
    expect(fit.length).toBe(80);
    expect(fit.trim().split(/ +/)).toEqual(wide.trim().split(/ +/));
  });

  it('fits the key bar by whole entries, and help and quit always show', () => {
    for (const cols of [80, 100, 120, 200]) {
      const bar = layout(input({ cols })).at(-1)!.text.trimEnd();
      expect(bar.length).toBeLessThanOrEqual(cols);
      expect(bar.endsWith('?/F1 Help  q Quit')).toBe(true);
      const entries = KEYMAP.filter((b) => b.bar !== null).map((b) => `${b.label} ${b.bar}`);
      for (const part of bar.split('  ')) expect(entries).toContain(part);
    }
    expect(layout(input({ cols: 200 })).at(-1)!.text.trimEnd().split('  ')).toHaveLength(KEYMAP.filter((b) => b.bar !== null).length);
  });

  it('keeps the end of a long prompt line in view, where the cursor is', () => {
    const text = 'mem-set web01 512m; vcpu-set web01 2; mem-set db01 1g; sched-credit -d web01 -w 512 -c 50';
    const st = { ...initialViewState(3, 1000), prompt: { kind: 'command' as const, text, error: null, tail: 0 } };
    const bar = layout(input({ state: st, cols: 80 })).at(-1)!.text;
    expect(layout(input({ state: st, cols: 120 })).at(-1)!.text).toBe(`:${text}_`);
    expect(bar.length).toBe(80);
    expect(bar.startsWith(':<')).toBe(true);
    expect(bar.endsWith('-w 512 -c 50_')).toBe(true);
  });

  it('marks the sort column in the header, whichever it is, even when its head fills its width', () => {
    for (let i = 0; i < COLUMNS.length; i++) {
      for (const reverse of [false, true]) {
        const group = COLUMNS[i]!.group;
        const st = { ...initialViewState(3, 1000), sortIdx: i, reverse, columnGroups: group === undefined ? [] : [group] };
        const head = layout(input({ state: st, cols: 130 })).find((x) => x.key === 'head')!.text;
        expect(head).toContain(`${COLUMNS[i]!.head}${reverse ? '↑' : '↓'}`);
        expect(head.match(/[↑↓]/g)).toHaveLength(1);
        expect(head.length).toBe(130);
      }
    }
  });

  it('filters the list and says so in the key bar', () => {
    const st = { ...initialViewState(3, 1000), filter: 'web' };
    const l = layout(input({ state: st }));
    const head = l.findIndex((x) => x.key === 'head');
    expect(l[head + 1]!.text.startsWith('web01')).toBe(true);
    expect(l.some((x) => x.text.startsWith('legacy'))).toBe(false);
    expect(l[l.length - 1]!.text.startsWith('filter "web" (Esc clears)  ')).toBe(true);
  });
});
