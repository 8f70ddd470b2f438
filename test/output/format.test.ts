import { describe, expect, it } from 'vitest';
import { makeFormatter } from '../../source/batch.js';
import { sampleHost } from '../../source/model/sample.js';
import { sanitize } from '../../source/output/sanitize.js';
import { textHeader, vcpuSecLineCount, vcpuSecLines } from '../../source/output/text.js';
import { hostWith, spec } from '../helpers.js';

const XENTOP_HEADER =
  '      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID';

function twoSamples() {
  const host = hostWith([spec({ name: 'pvhog', workload: 'cpu' }), spec({ name: 'fullhog', workload: 'cpu', mode: 'full' })], { pcpus: 1 });
  const a = sampleHost(host);
  host.advanceSeconds(2);
  return [a, sampleHost(host)] as const;
}

describe('text (xentop -b)', () => {
  it("keeps xentop's header and appends MODE and ST(%)", () => {
    expect(textHeader()).toBe(`${XENTOP_HEADER}   MODE  ST(%)`);
  });

  it('prints "-" for rates on the first sample, numbers after, and "-" for steal a full guest cannot see', () => {
    const [a, b] = twoSamples();
    const fmt = makeFormatter('text');
    const first = fmt(null, a).split('\n');
    expect(first[0]).toBe(textHeader());
    expect(first[1]).toMatch(/^  Domain-0 -----r +0 +- +2097152 +12\.5 +no limit +n\/a +1 /);
    expect(first[2]).toMatch(/^     pvhog .{6} +0 +- /);
    const second = fmt(a, b).split('\n');
    expect(second[2]).toMatch(/^     pvhog .{6} +\d+ +\d+\.\d +1048576 .* +PV +\d+\.\d$/);
    expect(second[3]).toMatch(/^   fullhog .* +HVM +-$/);
    for (const l of second.filter((x) => x !== '')) expect(l.length).toBe(textHeader().length);
  });
});

describe('text names', () => {
  it('cuts names to 10 characters as xentop does, and prints them whole with -f (xentop -f: "%10s")', () => {
    const host = hostWith([spec({ name: 'example.pvhlinux', workload: 'idle' }), spec({ name: 'short', workload: 'idle' })]);
    const s = sampleHost(host);
    const cut = makeFormatter('text')(null, s).split('\n');
    expect(cut[2]!.slice(0, 10)).toBe('example.pv');
    expect(cut[2]!.length).toBe(textHeader().length);
    const whole = makeFormatter('text', { fullName: true })(null, s).split('\n');
    expect(whole[2]!.startsWith('example.pvhlinux -----r')).toBe(true);
    expect(whole[3]!.startsWith('     short ')).toBe(true);
  });
});

describe('text sub-rows', () => {
  it("prints each domain's vCPU seconds under it with -v and the header before each domain with -r, as xentop's batch mode", () => {
    const host = hostWith([spec({ name: 'six', workload: 'cpu', vcpus: 6, maxvcpus: 8 }), spec({ name: 'one', workload: 'idle' })], { pcpus: 8 });
    host.advanceSeconds(3);
    const s = sampleHost(host);
    const v = makeFormatter('text', { vcpus: true })(null, s).trimEnd().split('\n');
    expect(v[0]).toBe(textHeader());
    const six = v.findIndex((l) => l.startsWith('       six '));
    // Online vCPUs only (0-5 of 8), a new line before vCPU 5; a second or two each, for a CPU hog booted 3 s ago.
    expect(v[six + 1]).toMatch(/^VCPUs\(sec\):   0: {10}\d+s  1: {10}\d+s  2: {10}\d+s  3: {10}\d+s  4: {10}\d+s$/);
    expect(v[six + 2]).toMatch(/^ {10}5: {10}\d+s$/);
    expect(v[six + 3]!.startsWith('       one ')).toBe(true);
    const r = makeFormatter('text', { repeatHeader: true })(null, s).trimEnd().split('\n');
    expect(r).toHaveLength(6);
    expect(r.filter((_, i) => i % 2 === 0)).toEqual([textHeader(), textHeader(), textHeader()]);
  });
});

describe('json lines', () => {
  it('has the documented names, null rates first, then numbers', () => {
    const [a, b] = twoSamples();
    const fmt = makeFormatter('json');
    const j0 = JSON.parse(fmt(null, a));
    const j1 = JSON.parse(fmt(a, b));
    expect(Object.keys(j1)).toEqual(['t', 'host', 'domains']);
    expect(j1.t).toBe(2);
    expect(j1.host).toMatchObject({ pcpus: 1, memKiB: 16 * 1024 * 1024 });
    expect(typeof j1.host.freeKiB).toBe('number');
    const d0 = j0.domains[1];
    expect(d0).toMatchObject({ id: 1, name: 'pvhog', mode: 'pv', cpuPct: null, runstatePct: null, vmstat: null, opsPerSec: null, nativePct: null });
    const d1 = j1.domains[1];
    for (const k of ['id', 'name', 'mode', 'state', 'cpuPct', 'weight', 'cap', 'vcpus', 'memKiB', 'targetKiB', 'maxmemKiB', 'runstatePct', 'vmstat', 'opsPerSec', 'nativePct']) {
      expect(d1).toHaveProperty(k);
    }
    expect(d1.vcpus).toEqual({ online: 1, max: 1 });
    expect(Object.keys(d1.runstatePct)).toEqual(['running', 'runnable', 'blocked', 'offline']);
    expect(Object.keys(d1.vmstat)).toEqual(['r', 'b', 'swpd', 'free', 'buff', 'cache', 'si', 'so', 'bi', 'bo', 'in', 'cs', 'us', 'sy', 'id', 'wa', 'st']);
    expect(d1.cpuPct).toBeGreaterThan(30);
    expect(d1.opsPerSec).toBeGreaterThan(0);
    expect(d1.nativePct).toBeGreaterThan(0);
    expect(j1.domains[2].mode).toBe('full');
    expect(j1.domains[2].stPct).toBe(null);
    expect(j1.domains[2].vmstat.st).toBe(0);
  });
});

describe('csv', () => {
  it('writes a header once and a row per domain per sample', () => {
    const [a, b] = twoSamples();
    const fmt = makeFormatter('csv');
    const out = (fmt(null, a) + fmt(a, b)).trimEnd().split('\n');
    expect(out[0]!.split(',').slice(0, 6)).toEqual(['t', 'id', 'name', 'mode', 'state', 'workload']);
    expect(out.length).toBe(1 + 2 * 3);
    expect(out[1]).toMatch(/^0\.00,0,Domain-0,pv,/);
  });
});

describe('sanitize', () => {
  it('shows control characters and escape sequences escaped', () => {
    expect(sanitize('evil\x1b[2J\x07name\n\x9b')).toBe('evil\\e[2J\\x07name\\n\\x9b');
    expect(sanitize('plain-name_01')).toBe('plain-name_01');
  });

  it('escapes what is not one column wide or reorders text, so the columns stay put; keeps other letters', () => {
    expect(sanitize('ünïcødé-Ωmega')).toBe('ünïcødé-Ωmega');
    expect(sanitize('web-名前')).toBe('web-\\u540d\\u524d');
    expect(sanitize('e\u0301')).toBe('e\\u0301');
    expect(sanitize('admin\u202egnp.exe')).toBe('admin\\u202egnp.exe');
    expect(sanitize('zero\u200bwidth\ufeff')).toBe('zero\\u200bwidth\\ufeff');
    expect(sanitize('db\u{1f600}')).toBe('db\\u{1f600}');
    expect(sanitize('ｆｕｌｌ')).toBe('\\uff46\\uff55\\uff4c\\uff4c');
    // Every character left is a single column: the escaped text's length is its width on screen.
    for (const s of ['名前', 'a\u0308', '\u{1f680}', '\u2028']) expect(sanitize(s)).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('xentop -v lines', () => {
  it('the layout counts as many lines as vcpuSecLines makes, whichever vCPUs are online', () => {
    const host = hostWith([spec({ name: 'wide', vcpus: 12, maxvcpus: 12 }), spec({ name: 'one' })], { pcpus: 4 });
    host.advanceSeconds(1);
    const counts: number[] = [];
    for (const online of [12, 11, 6, 5, 1]) {
      host.vcpuSet(host.domains().find((d) => d.name === 'wide')!, online);
      host.advanceSeconds(1);
      for (const d of sampleHost(host).domains) {
        expect(vcpuSecLineCount(d)).toBe(vcpuSecLines(d).length);
        if (d.name === 'wide') counts.push(vcpuSecLineCount(d));
      }
    }
    expect(counts).toEqual([3, 3, 2, 1, 1]);
  });
});
