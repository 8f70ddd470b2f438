import { describe, expect, it } from 'vitest';
import { NS_PER_S } from '../../source/model/clock.js';
import type { Host } from '../../source/model/host.js';
import { sampleHost } from '../../source/model/sample.js';
import { cpuPct, guestPct, hostWith, measure, spec } from '../helpers.js';

/** 'heavy' (weight 512) and 'light' (256) share one contended pCPU 2:1 (±3 %) and leave none of it idle. */
function expectSharedTwoToOne(host: Host): void {
  const [a, b] = measure(host, 5, 30);
  const heavy = cpuPct(a, b, 'heavy');
  const light = cpuPct(a, b, 'light');
  expect(heavy / light).toBeGreaterThan(2 * 0.97);
  expect(heavy / light).toBeLessThan(2 * 1.03);
  expect(heavy + light).toBeGreaterThan(97);
}

describe('credit scheduler', () => {
  it('shares one contended pCPU 2:1 between weights 512 and 256 over 30 s', () => {
    const host = hostWith(
      [spec({ name: 'heavy', workload: 'cpu', weight: 512 }), spec({ name: 'light', workload: 'cpu', weight: 256 })],
      { pcpus: 1 },
    );
    expectSharedTwoToOne(host);
  });

  it('holds a CPU hog capped at 50 to 50 % of a pCPU (±2) even with idle pCPUs', () => {
    const host = hostWith([spec({ name: 'hog', workload: 'cpu', cap: 50 })], { pcpus: 4 });
    const [a, b] = measure(host, 5, 30);
    expect(cpuPct(a, b, 'hog')).toBeGreaterThan(48);
    expect(cpuPct(a, b, 'hog')).toBeLessThan(52);
  });

  it('gives a guest created after another was destroyed a clean start (the scheduler reuses its slots)', () => {
    const host = hostWith(
      [spec({ name: 'old', workload: 'cpu', weight: 512, cap: 30 }), spec({ name: 'light', workload: 'cpu', weight: 256 })],
      { pcpus: 1 },
    );
    host.advance(5 * NS_PER_S);
    host.destroy(host.domains().find((d) => d.name === 'old')!);
    const r = host.create(spec({ name: 'heavy', workload: 'cpu', weight: 512 }));
    expect(r.ok).toBe(true);
    const fresh = sampleHost(host).domains.find((d) => d.name === 'heavy')!.vcpus[0]!;
    // Booting woke it with credit in hand: BOOST, never the old guest's OVER or PARKED.
    expect([fresh.credit, fresh.priority]).toEqual([0, 'BOOST']);
    // Neither the old guest's cap nor its weight nor its place in a run queue carries over.
    expectSharedTwoToOne(host);
  });

  it('lets an uncapped hog have a whole idle pCPU', () => {
    const host = hostWith([spec({ name: 'hog', workload: 'cpu' })], { pcpus: 2 });
    const [a, b] = measure(host, 5, 10);
    expect(cpuPct(a, b, 'hog')).toBeGreaterThan(99);
  });

  it('keeps runstates summing exactly to each vCPU lifetime', () => {
    const host = hostWith(
      [
        spec({ name: 'p', workload: 'db', vcpus: 2 }),
        spec({ name: 'f', workload: 'web', mode: 'full', vcpus: 2 }),
        spec({ name: 'h', workload: 'cpu', mode: 'hybrid', vcpus: 3, cap: 120 }),
        spec({ name: 'i', workload: 'idle', mode: 'full', vcpus: 2, maxvcpus: 4 }),
      ],
      { pcpus: 2 },
    );
    for (const t of [0.5, 3.3, 7.77, 20]) {
      host.run(Math.round(t * NS_PER_S));
      for (const d of sampleHost(host).domains) {
        for (const v of d.vcpus) {
          const sum = v.runstateNs.reduce((x, y) => x + y, 0);
          expect(sum).toBe(host.now);
        }
      }
    }
  });

  it('never runs more than the pCPUs can give', () => {
    const host = hostWith(
      [1, 2, 3, 4, 5].map((i) => spec({ name: `hog${i}`, workload: 'cpu', vcpus: 2, mode: i % 2 ? 'pv' : 'full' })),
      { pcpus: 3 },
    );
    const [a, b] = measure(host, 2, 10);
    let total = 0;
    for (const d of b.domains) total += cpuPct(a, b, d.name);
    expect(total).toBeLessThanOrEqual(300.0001);
    expect(total).toBeGreaterThan(299);
  });
});

describe('soft affinity', () => {
  /** Where each of `name`'s vCPUs was seen running, sampled every 10 ms over 20 s: pCPU id -> count. */
  const seenOn = (host: Host, name: string): Map<number, number> => {
    const seen = new Map<number, number>();
    const d = host.domains().find((x) => x.name === name)!;
    for (let i = 0; i < 2000; i++) {
      host.advance(NS_PER_S / 100);
      for (const v of d.vcpus) if (v.state === 0) seen.set(v.processor, (seen.get(v.processor) ?? 0) + 1);
    }
    return seen;
  };

  it('a vCPU runs where its soft affinity prefers while a pCPU there is free, and anywhere its hard affinity allows otherwise', () => {
    const free = hostWith([spec({ name: 'w', workload: 'web', vcpus: 1 })], { pcpus: 4 });
    free.advanceSeconds(2);
    const spread = seenOn(free, 'w');
    // With no preference, a woken vCPU goes back to the idle pCPU it last ran on (here not 3).
    const soft = hostWith([spec({ name: 'w', workload: 'web', vcpus: 1, cpusSoft: [3] })], { pcpus: 4 });
    soft.advanceSeconds(2);
    const on = seenOn(soft, 'w');
    const total = [...on.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(100);
    expect((on.get(3) ?? 0) / total).toBeGreaterThan(0.95);
    const mostUsed = [...spread].sort((x, y) => y[1] - x[1])[0]![0];
    expect(mostUsed).not.toBe(3);
    // Soft is a preference, not a limit: two hogs that prefer pCPU 0 still get a pCPU each.
    const hogs = hostWith([spec({ name: 'h', workload: 'cpu', vcpus: 2, cpusSoft: [0] })], { pcpus: 4 });
    const [a, b] = measure(hogs, 3, 10);
    expect(cpuPct(a, b, 'h')).toBeGreaterThan(190);
  });
});

describe('steal time: what the guest can see', () => {
  it('two pv CPU hogs on one pCPU each see ~50 % st in their own vmstat', () => {
    const host = hostWith(
      [spec({ name: 'a', workload: 'cpu', cpus: [1] }), spec({ name: 'b', workload: 'cpu', cpus: [1] })],
      { pcpus: 2 },
    );
    const [s0, s1] = measure(host, 5, 30);
    for (const n of ['a', 'b']) {
      expect(guestPct(s0, s1, n, 7)).toBeGreaterThan(45);
      expect(guestPct(s0, s1, n, 7)).toBeLessThan(55);
      expect(guestPct(s0, s1, n, 0)).toBeGreaterThan(45);
      expect(cpuPct(s0, s1, n)).toBeGreaterThan(45);
      expect(cpuPct(s0, s1, n)).toBeLessThan(55);
    }
  });

  it('two full CPU hogs on one pCPU see st 0 and ~100 % us, while Xen gives each ~50 %', () => {
    const host = hostWith(
      [spec({ name: 'a', workload: 'cpu', cpus: [1], mode: 'full' }), spec({ name: 'b', workload: 'cpu', cpus: [1], mode: 'full' })],
      { pcpus: 2 },
    );
    const [s0, s1] = measure(host, 5, 30);
    for (const n of ['a', 'b']) {
      expect(guestPct(s0, s1, n, 7)).toBe(0);
      expect(guestPct(s0, s1, n, 0)).toBeGreaterThan(97);
      expect(cpuPct(s0, s1, n)).toBeGreaterThan(45);
      expect(cpuPct(s0, s1, n)).toBeLessThan(55);
    }
  });

  it('vCPUs that are down are not CPUs of the guest: no steal from them', () => {
    const host = hostWith([spec({ name: 'p', workload: 'idle', vcpus: 2, maxvcpus: 4 })]);
    const [s0, s1] = measure(host, 2, 10);
    expect(guestPct(s0, s1, 'p', 7)).toBeLessThan(1);
    expect(guestPct(s0, s1, 'p', 3)).toBeGreaterThan(99);
  });

  it('a hybrid guest sees its steal like a pv one', () => {
    const host = hostWith(
      [spec({ name: 'a', workload: 'cpu', cpus: [1], mode: 'hybrid' }), spec({ name: 'b', workload: 'cpu', cpus: [1], mode: 'hybrid' })],
      { pcpus: 2 },
    );
    const [s0, s1] = measure(host, 5, 20);
    expect(guestPct(s0, s1, 'a', 7)).toBeGreaterThan(45);
  });
});

describe('idle guests', () => {
  it('an idle guest stays near 0 % CPU in every mode', () => {
    const host = hostWith([
      spec({ name: 'pv', workload: 'idle' }),
      spec({ name: 'hy', workload: 'idle', mode: 'hybrid' }),
      spec({ name: 'fu', workload: 'idle', mode: 'full', vcpus: 2 }),
    ]);
    const [a, b] = measure(host, 5, 30);
    expect(cpuPct(a, b, 'pv')).toBeLessThan(0.1);
    expect(cpuPct(a, b, 'hy')).toBeLessThan(0.1);
    expect(cpuPct(a, b, 'fu')).toBeLessThan(1);
    expect(cpuPct(a, b, 'fu')).toBeGreaterThan(cpuPct(a, b, 'pv'));
  });
});
