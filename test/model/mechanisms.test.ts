import { describe, expect, it } from 'vitest';
import { runCommand } from '../../source/commands/run.js';
import { NS_PER_MS, NS_PER_S } from '../../source/model/clock.js';
import { sampleHost } from '../../source/model/sample.js';
import { deriveHost } from '../../source/view/rates.js';
import { Runstate } from '../../source/model/vcpu.js';
import { WORKLOADS } from '../../source/model/guest/workloads.js';
import { dom, hostWith, measure, spec } from '../helpers.js';

const perSec = (a: number, b: number, s: number): number => (b - a) / s;

describe('ballooning', () => {
  it('a PV guest with free memory reaches a 512 MiB target within 2 simulated seconds', () => {
    const host = hostWith([spec({ name: 'web01', workload: 'web', vcpus: 2, memoryMiB: 1024, maxmemMiB: 2048 })]);
    host.advanceSeconds(3);
    const free0 = host.freeKiB;
    expect(runCommand(host, 'mem-set web01 512m').ok).toBe(true);
    host.advanceSeconds(2);
    const d = host.domain(1)!;
    expect(d.memKiB).toBe(512 * 1024);
    expect(host.freeKiB).toBe(free0 + 512 * 1024);
    expect(d.kernel.memory.totalKiB).toBe(512 * 1024);
    runCommand(host, 'mem-set web01 2g');
    host.advanceSeconds(2);
    expect(d.memKiB).toBe(2048 * 1024);
  });

  it("a full guest's memory does not change: no balloon driver, the target is not met", () => {
    const host = hostWith([spec({ name: 'hvm', mode: 'full', memoryMiB: 1024 })]);
    const r = runCommand(host, 'mem-set hvm 512');
    expect(r.ok).toBe(true);
    expect(r.out[0]).toMatch(/no balloon driver/);
    host.advanceSeconds(5);
    expect(host.domain(1)!.memKiB).toBe(1024 * 1024);
    expect(host.domain(1)!.targetKiB).toBe(512 * 1024);
  });

  it('stops at what the guest can spare, backs off and gives up silently; the guest swaps under pressure', () => {
    const host = hostWith([spec({ name: 'db', workload: 'db', vcpus: 2, memoryMiB: 2048, maxmemMiB: 2048 })]);
    host.advanceSeconds(5);
    const before = host.domain(1)!.kernel.console.total;
    runCommand(host, 'mem-set db 600m');
    host.advanceSeconds(60);
    const d = host.domain(1)!;
    expect(d.memKiB).toBeGreaterThan(600 * 1024);
    expect(d.memKiB).toBeLessThan(2048 * 1024);
    expect(d.kernel.balloon!.state).toBe('ecanceled');
    // The balloon itself prints nothing.
    expect(d.kernel.console.all().filter((l) => l.seq >= before).some((l) => /balloon/.test(l.text))).toBe(false);
    const s = sampleHost(host).domains[1]!;
    expect(s.mem.cacheKiB).toBeLessThan(100 * 1024);
    expect(s.mem.soKiB + s.mem.siKiB).toBeGreaterThan(0);
  });

  it('a working set that outgrows memory and swap gets the OOM killer, which says so', () => {
    const host = hostWith([spec({ name: 'b', workload: 'build', vcpus: 2, memoryMiB: 640, maxmemMiB: 640 })]);
    host.advanceSeconds(120);
    const log = host.domain(1)?.kernel.console.all().map((l) => l.text) ?? [];
    expect(log.some((l) => /^Out of memory: Killed process \d+ \(cc1\) total-vm:\d+kB, anon-rss:\d+kB/.test(l))).toBe(true);
    expect(log.some((l) => /^systemd\[1\]: cc1\.service: Scheduled restart job, restart counter is at \d+\.$/.test(l))).toBe(true);
  });
});

describe('vCPU hotplug', () => {
  it('a PV guest offlines and onlines vCPUs itself, with the kernel lines', () => {
    const host = hostWith([spec({ name: 'p', workload: 'cpu', vcpus: 4, maxvcpus: 4 })]);
    host.advanceSeconds(2);
    runCommand(host, 'vcpu-set p 2');
    host.advanceSeconds(1);
    const s = sampleHost(host).domains[1]!;
    expect(s.vcpus.map((v) => v.up)).toEqual([true, true, false, false]);
    expect(s.vcpus[3]!.state).toBe(Runstate.Offline);
    const log = host.domain(1)!.kernel.console.all().map((l) => l.text);
    expect(log).toContain('smpboot: CPU 3 is now offline');
    expect(runCommand(host, 'vcpu-list p').out[4]).toMatch(/^p {31} {5}1 {5}3 {5}- {3}--p/);
    // Two hogs are left with the work of four: CPU follows the online vCPUs.
    const [a, b] = measure(host, 0, 5);
    expect((dom(b, 'p').cpuNs - dom(a, 'p').cpuNs) / (5 * NS_PER_S)).toBeCloseTo(2, 1);
    runCommand(host, 'vcpu-set p 3');
    host.advanceSeconds(1);
    expect(host.domain(1)!.kernel.console.all().map((l) => l.text)).toContain('installing Xen timer for CPU 2');
    expect(host.domain(1)!.onlineVcpus).toBe(3);
  });

  it('an HVM guest is hot-added over ACPI, but lowering the count never reaches it', () => {
    const host = hostWith([spec({ name: 'h', mode: 'hybrid', vcpus: 1, maxvcpus: 2 })]);
    runCommand(host, 'vcpu-set h 2');
    expect(host.domain(1)!.kernel.console.all().map((l) => l.text)).toContain('CPU1 has been hot-added');
    const r = runCommand(host, 'vcpu-set h 1');
    expect(r.out[0]).toMatch(/only rewrites xenstore/);
    expect(host.domain(1)!.onlineVcpus).toBe(2);
  });
});

describe('timekeeping', () => {
  it('an idle full guest takes hz x online vCPUs interrupts a second; an idle PV guest nearly none', () => {
    const host = hostWith([spec({ name: 'f', workload: 'idle', mode: 'full', vcpus: 2, hz: 250 }), spec({ name: 'p', workload: 'idle', vcpus: 2 })]);
    const [a, b] = measure(host, 5, 30);
    expect(perSec(dom(a, 'f').interrupts, dom(b, 'f').interrupts, 30)).toBeGreaterThan(495);
    expect(perSec(dom(a, 'f').interrupts, dom(b, 'f').interrupts, 30)).toBeLessThan(510);
    expect(perSec(dom(a, 'p').interrupts, dom(b, 'p').interrupts, 30)).toBeLessThan(20);
  });

  it('a contended full guest with delay_for_missed_ticks falls behind the host clock; a PV one never does', () => {
    const host = hostWith(
      [
        spec({ name: 'f', workload: 'cpu', mode: 'full', cpus: [1], timerMode: 'delay_for_missed_ticks' }),
        spec({ name: 'g', workload: 'cpu', mode: 'full', cpus: [1] }),
        spec({ name: 'h', workload: 'cpu', mode: 'full', cpus: [1] }),
        spec({ name: 'p', workload: 'cpu', cpus: [1] }),
      ],
      { pcpus: 2 },
    );
    host.advanceSeconds(3);
    let behind = 0;
    let pvOff = 0;
    for (let i = 0; i < 200; i++) {
      host.advance(7 * NS_PER_MS);
      const s = sampleHost(host);
      if (dom(s, 'f').clockOffsetNs < 0) behind++;
      pvOff += Math.abs(dom(s, 'p').clockOffsetNs);
    }
    expect(behind).toBeGreaterThan(50);
    expect(pvOff).toBe(0);
    const log = host.domain(1)!.kernel.console.all().map((l) => l.text);
    expect(log).toContain("clocksource: timekeeping watchdog on CPU0: Marking clocksource 'tsc' as unstable because the skew is too large:");
    expect(log).toContain('clocksource: Switched to clocksource hpet');
  });

  it('no_missed_ticks_pending drops missed ticks: the tick-counted clock keeps falling behind', () => {
    const host = hostWith(
      [spec({ name: 'f', workload: 'cpu', mode: 'full', cpus: [1], timerMode: 'no_missed_ticks_pending' }), spec({ name: 'g', workload: 'cpu', cpus: [1] })],
      { pcpus: 2 },
    );
    host.advanceSeconds(10);
    const early = dom(sampleHost(host), 'f').clockOffsetNs;
    host.advanceSeconds(20);
    const late = dom(sampleHost(host), 'f').clockOffsetNs;
    expect(early).toBeLessThan(-1 * NS_PER_S);
    expect(late).toBeLessThan(early - 5 * NS_PER_S);
  });
});

describe('lock-holder preemption', () => {
  const run = (mode: 'pv' | 'full') => {
    const host = hostWith(
      [
        spec({ name: 'smp', workload: 'build', mode, vcpus: 4, memoryMiB: 4096 }),
        spec({ name: 'hog1', workload: 'cpu', vcpus: 2 }),
        spec({ name: 'hog2', workload: 'cpu', vcpus: 2 }),
      ],
      { pcpus: 4 },
    );
    const [a, b] = measure(host, 5, 30);
    const s0 = dom(a, 'smp');
    const s1 = dom(b, 'smp');
    return { spinShare: (s1.spinNs - s0.spinNs) / (s1.cpuNs - s0.cpuNs), opsPerCpuSec: (s1.opsDone - s0.opsDone) / ((s1.cpuNs - s0.cpuNs) / NS_PER_S) };
  };

  it('a full SMP guest spins on locks its preempted vCPUs hold; a PV one blocks instead', () => {
    const full = run('full');
    const pv = run('pv');
    expect(full.spinShare).toBeGreaterThan(0.02);
    expect(pv.spinShare).toBe(0);
  });

  it('the spinning shows as CPU spent for no work: fewer ops per CPU-second in full mode', () => {
    expect(run('full').opsPerCpuSec).toBeLessThan(run('pv').opsPerCpuSec);
  });
});

describe('workload cycles', () => {
  it("a web server's vmstat counts the context switches of every request a cycle batches: thousands a second", () => {
    const host = hostWith([spec({ name: 'web', workload: 'web', vcpus: 2, memoryMiB: 1024 })], { pcpus: 2 });
    const [a, b] = measure(host, 5, 10);
    const s0 = dom(a, 'web');
    const s1 = dom(b, 'web');
    const p = WORKLOADS.web;
    const cyclesPerSec = perSec(s0.opsDone, s1.opsDone, 10) / p.opsPerCycle;
    const csPerSec = perSec(s0.ctxSwitches, s1.ctxSwitches, 10);
    expect(cyclesPerSec).toBeGreaterThan(10);
    expect(csPerSec).toBeGreaterThan(1000);
    // Each cycle's own switches, plus the kernel's switches between tasks and to idle.
    expect(csPerSec).toBeGreaterThanOrEqual(cyclesPerSec * p.cycleOps.ctxsw);
    expect(csPerSec).toBeLessThan(cyclesPerSec * (p.cycleOps.ctxsw + 4));
  });
});

describe('throughput against native (NAT%)', () => {
  it("follows a web server's load wave: an uncontended PV guest stays near native at the crest and in the trough", () => {
    // 8 pCPUs for one 2-vCPU guest: nothing contends, so what it does is what native would do,
    // less PV's small costs, whatever load the wave offers at the time.
    const host = hostWith([spec({ name: 'web', workload: 'web', vcpus: 2, memoryMiB: 2048, maxmemMiB: 2048 })], { pcpus: 8 });
    host.advance(60 * NS_PER_S); // past boot, and the page cache warm
    let prev = sampleHost(host);
    const pcts: number[] = [];
    const ops: number[] = [];
    for (let i = 0; i < 12; i++) {
      host.advance(20 * NS_PER_S);
      const cur = sampleHost(host);
      const [r] = deriveHost(prev, cur).rows.filter((x) => x.sample.name === 'web');
      pcts.push(r!.rates!.nativePct!);
      ops.push(r!.rates!.opsPerSec!);
      prev = cur;
    }
    // The offered load really swings (a 120 s wave, 60 % deep)...
    expect(Math.max(...ops) / Math.min(...ops)).toBeGreaterThan(2);
    // ...and NAT% does not swing with it.
    for (const p of pcts) {
      expect(p).toBeGreaterThan(85);
      expect(p).toBeLessThan(105);
    }
  });
});

describe('NAT% across changes to the domain list', () => {
  it('keeps a guest NAT% through the refresh after a domain before it in the list is destroyed', () => {
    const host = hostWith([spec({ name: 'gone', workload: 'idle' }), spec({ name: 'web', workload: 'web', vcpus: 2, memoryMiB: 2048, maxmemMiB: 2048 })], { pcpus: 8 });
    host.advance(30 * NS_PER_S);
    let prev = sampleHost(host);
    host.advance(5 * NS_PER_S);
    let cur = sampleHost(host);
    const before = deriveHost(prev, cur).rows.find((r) => r.sample.name === 'web')!.rates!.nativePct;
    expect(before).toBeGreaterThan(50);
    runCommand(host, 'destroy gone');
    prev = cur;
    host.advance(5 * NS_PER_S);
    cur = sampleHost(host);
    // web moved up a place in the list; its native total must follow it.
    const after = deriveHost(prev, cur).rows.find((r) => r.sample.name === 'web')!.rates!.nativePct;
    expect(after).not.toBeNull();
    expect(after!).toBeGreaterThan(50);
    expect(after!).toBeLessThan(110);
  });
});
