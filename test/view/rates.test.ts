import { describe, expect, it } from 'vitest';
import { NS_PER_S } from '../../source/model/clock.js';
import { sampleHost } from '../../source/model/sample.js';
import { deriveHost } from '../../source/view/rates.js';
import { runCommand } from '../../source/commands/run.js';
import { hostWith, spec } from '../helpers.js';

describe('samples and rates', () => {
  const host = hostWith([
    spec({ name: 'hog', workload: 'cpu', vcpus: 2 }),
    spec({ name: 'full', mode: 'full', type: 'hvm', workload: 'web' }),
    spec({ name: 'idle' }),
  ], { pcpus: 2 });
  host.advance(5 * NS_PER_S);
  const a = sampleHost(host);
  host.advance(2 * NS_PER_S);
  const b = sampleHost(host);
  const frozen = JSON.stringify(b.domains.map((d) => [d.cpuNs, d.statNs, d.vcpus.map((v) => v.runstateNs), d.mem.freeKiB, d.opsDone]));
  host.advance(3 * NS_PER_S);
  sampleHost(host);

  it('a released view reads back the same rows, rates and samples as before, a new domain still without rates', () => {
    const h = hostWith([spec({ name: 'hog', workload: 'cpu', vcpus: 2, cpus: [1] }), spec({ name: 'web', workload: 'web' })], { pcpus: 2 });
    h.advance(3 * NS_PER_S);
    const p = sampleHost(h);
    expect(runCommand(h, `create ${new URL('../fixtures/mixed-guests/good2.cfg', import.meta.url).pathname}`).ok).toBe(true);
    runCommand(h, 'workload web db');
    h.advance(2 * NS_PER_S);
    const view = deriveHost(p, sampleHost(h));
    const read = (): string =>
      JSON.stringify(view.rows.map((r) => [
        r.sample.id, r.sample.name, r.sample.mode, r.sample.workload, r.sample.opUnit, r.sample.cpuNs, r.sample.statNs, r.sample.mem.cacheKiB,
        r.sample.vcpus.map((v) => [v.state, v.runstateNs, v.credit, v.priority, v.affinity]),
        r.rates && [r.rates.cpuPct, r.rates.vmstat, r.rates.guestStPct, r.rates.opsPerSec, r.rates.runstatePct],
        view.row(r.sample.id) === r,
      ]));
    const before = read();
    const first = view.rows[0];
    expect(view.rows.find((r) => r.sample.name === 'good2')!.rates).toBeNull();
    expect(view.rows.find((r) => r.sample.name === 'hog')!.sample.vcpus[0]!.affinity).toEqual([1]);
    view.release();
    expect(read()).toBe(before);
    expect(view.rows[0]).not.toBe(first);
  });

  it('a released view finds any domain by ID on its own, without making the rows, and agrees with them', () => {
    const h = hostWith([spec({ name: 'a', workload: 'cpu' }), spec({ name: 'b', workload: 'web' }), spec({ name: 'c', workload: 'db' })], { pcpus: 2 });
    h.advance(2 * NS_PER_S);
    const p = sampleHost(h);
    runCommand(h, 'destroy a');
    h.advance(2 * NS_PER_S);
    const view = deriveHost(p, sampleHost(h));
    const whole = view.rows.map((r) => [r.sample.id, r.sample.name, r.rates?.cpuPct ?? null, r.rates?.vmstat.cs ?? null]);
    view.release();
    // Made afresh per call while released: nothing per domain is kept.
    expect(view.row(3)).not.toBe(view.row(3));
    const alone = whole.map(([id]) => { const r = view.row(id as number)!; return [r.sample.id, r.sample.name, r.rates?.cpuPct ?? null, r.rates?.vmstat.cs ?? null]; });
    expect(alone).toEqual(whole);
    for (const [id, , cpu] of whole) expect(view.cpuPct(id as number)).toBe(cpu);
    // a (domain 1) is gone: no row, no figure.
    expect(view.row(1)).toBeUndefined();
    expect(view.cpuPct(1)).toBeNull();
    expect(view.cpuPct(99)).toBeNull();
    // Once the rows are made again, a lookup returns the row itself.
    const rows = view.rows;
    expect(view.row(3)).toBe(rows.find((r) => r.sample.id === 3));
  });

  it('a sample is a snapshot: the model running on leaves it as it was', () => {
    expect(JSON.stringify(b.domains.map((d) => [d.cpuNs, d.statNs, d.vcpus.map((v) => v.runstateNs), d.mem.freeKiB, d.opsDone]))).toBe(frozen);
    expect(b.tNs - a.tNs).toBe(2 * NS_PER_S);
  });

  it('each vCPU accounts for all its time, and a domain\'s CPU time is its vCPUs\' running time', () => {
    for (const d of b.domains) {
      let running = 0;
      for (const v of d.vcpus) {
        running += v.runstateNs[0];
        if (v.up) expect(v.runstateNs.reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
      }
      expect(d.cpuNs).toBe(running);
    }
  });

  it('rates are the differences of two samples over the time between them', () => {
    const view = deriveHost(a, b);
    const dt = b.tNs - a.tNs;
    for (const row of view.rows) {
      const d = row.sample;
      const p = a.domains.find((x) => x.id === d.id)!;
      const r = row.rates!;
      expect(r.cpuPct).toBeCloseTo(((d.cpuNs - p.cpuNs) / dt) * 100, 9);
      const rs = r.runstatePct;
      expect(rs.running + rs.runnable + rs.blocked + rs.offline).toBeCloseTo(100, 6);
      expect(r.vmstat.free).toBe(Math.round(d.mem.freeKiB));
      expect(r.vmstat.us + r.vmstat.sy + r.vmstat.id + r.vmstat.wa + r.vmstat.st).toBeGreaterThanOrEqual(98);
      expect(r.vmstat.in).toBe(Math.max(0, Math.round((d.interrupts - p.interrupts) / 2)));
      // Steal: a number for a guest that reads its runstate, null (shown "–") for one that cannot.
      if (d.name === 'full') expect(r.guestStPct).toBeNull();
      else expect(r.guestStPct).not.toBeNull();
      if (d.name === 'hog') expect(r.opsPerSec).toBeGreaterThan(0);
    }
    expect(deriveHost(null, b).rows.every((row) => row.rates === null)).toBe(true);
  });

  it('the hog, two vCPUs on a two-pCPU host shared with others, is busy and sees steal', () => {
    const hog = deriveHost(a, b).rows.find((r) => r.sample.name === 'hog')!;
    expect(hog.rates!.cpuPct).toBeGreaterThan(100);
    expect(hog.sample.flags.running || hog.sample.flags.blocked).toBe(true);
    expect(hog.sample.vcpusOnline).toBe(2);
    expect(hog.rates!.guestStPct).toBeGreaterThan(0);
    expect(hog.rates!.vmstat.st).toBeGreaterThan(0);
  });

  it('a domain that came or went between two samples: every other row still pairs with its own previous sample', () => {
    const h = hostWith([spec({ name: 'one', workload: 'cpu' }), spec({ name: 'two', workload: 'web' }), spec({ name: 'three', workload: 'db' })], { pcpus: 2 });
    h.advance(3 * NS_PER_S);
    const before = sampleHost(h);
    h.destroy(h.domains().find((d) => d.name === 'one')!);
    const r = h.create(spec({ name: 'four', workload: 'cpu' }));
    expect(r.ok).toBe(true);
    h.advance(2 * NS_PER_S);
    const after = sampleHost(h);
    const view = deriveHost(before, after);
    const dt = after.tNs - before.tNs;
    const names = view.rows.map((row) => row.sample.name);
    expect(names).not.toContain('one');
    expect(names).toEqual(expect.arrayContaining(['two', 'three', 'four']));
    for (const row of view.rows) {
      const p = before.domains.find((x) => x.id === row.sample.id);
      if (p === undefined) {
        expect(row.rates).toBeNull();
        continue;
      }
      expect(row.rates!.cpuPct).toBeCloseTo(((row.sample.cpuNs - p.cpuNs) / dt) * 100, 9);
    }
    expect(view.rows.find((row) => row.sample.name === 'four')!.rates).toBeNull();
  });
});
