/**
 * Time inside a guest: how its kernel accounts CPU time in /proc/stat, how timer ticks reach it,
 * and what its clock reads (model-notes.md "Steal" and "Clocks").
 *
 * - pv/hybrid read the runstate area: running time goes to what ran, runnable+offline time to
 *   `steal`, blocked time to idle/iowait — exact, in ns.
 * - full counts ticks: each delivered tick charges one tick period to whatever is current when it
 *   arrives. Ticks that fall while the vCPU is preempted are missed and handled per timer_mode:
 *   replayed at resume (charged to the task it resumes) or dropped (the tick-counted clock falls
 *   behind). With delay_for_missed_ticks the clocksource watchdog may judge the TSC unstable.
 * Guarantees: for pv/hybrid the counters of an online vCPU sum to its time online; for full they
 * sum to delivered ticks x tick period; vCPUs that are down are not accounted (not the guest's CPUs).
 */
import { NS_PER_S } from '../clock.js';
import type { Domain } from '../domain.js';
import type { ModeTraits } from '../modes.js';
import type { HypervisorPort } from './kernel.js';
import { Runstate } from '../vcpu.js';
import { Stat } from './guest-cpu.js';
import type { GuestCpu } from './guest-cpu.js';
import type { Task } from './task.js';

/** The Linux clocksource watchdog's skew threshold (WATCHDOG_THRESHOLD, NSEC_PER_SEC >> 4). */
const WATCHDOG_THRESHOLD_NS = NS_PER_S / 16;

/** What time accounting needs of the kernel. */
export interface TimeParts {
  readonly dom: Domain;
  readonly hv: HypervisorPort;
  readonly traits: ModeTraits;
  readonly tickNs: number;
  readonly bootNs: number;
  readonly tickCostNs: number;
  interrupts: number;
  printk(text: string): void;
}

export class TimeAccounting {
  /** Ticks the timekeeping CPU (CPU 0) has counted; drives a full guest's clock. */
  clockTicks = 0;
  lostTicks = 0;
  /** Which clocksource the kernel uses now (a full guest falls back to hpet if the TSC is judged unstable). */
  clocksource: string;

  private readonly tickNs: number;
  private readonly bootNs: number;
  private readonly perTick: number;

  constructor(private readonly k: TimeParts) {
    this.clocksource = k.traits.clocksource;
    this.tickNs = k.tickNs;
    this.bootNs = k.bootNs;
    this.perTick = 1 / k.tickNs;
  }

  /** floor((t - boot) / tick): by the reciprocal, corrected where rounding puts it one off. */
  private tickIndex(tNs: number): number {
    const x = tNs - this.bootNs;
    const p = this.tickNs;
    let q = Math.floor(x * this.perTick);
    if (q * p > x) q--;
    else if ((q + 1) * p <= x) q++;
    return q;
  }

  /** Guest clock minus host clock, ns: 0 for a kernel that reads Xen's clock. */
  clockOffsetNs(nowNs: number): number {
    if (this.k.traits.clocksource === 'xen') return 0;
    const due = this.ticksBetween(this.k.bootNs, nowNs);
    return (this.clockTicks - due) * this.k.tickNs;
  }

  ticksBetween(aNs: number, bNs: number): number {
    return this.tickIndex(bNs) - this.tickIndex(aNs);
  }

  nextTickAfter(tNs: number): number {
    return this.bootNs + (this.tickIndex(tNs) + 1) * this.tickNs;
  }

  private charge(c: GuestCpu, ns: number, task: Task | null): void {
    const s = c.stat;
    if (task === null) {
      if (c.vcpu.state === Runstate.Running) s[Stat.Irq] += ns;
      else if (c.iowaitTasks > 0) s[Stat.Iowait] += ns;
      else s[Stat.Idle] += ns;
      return;
    }
    s[Stat.User] += ns * task.userFrac;
    s[Stat.Softirq] += ns * task.softirqFrac;
    s[Stat.System] += ns * (1 - task.userFrac - task.softirqFrac);
  }

  chargeIdle(c: GuestCpu, ns: number): void {
    c.stat[c.iowaitTasks > 0 ? Stat.Iowait : Stat.Idle] += ns;
  }

  accountTo(c: GuestCpu, nowNs: number): void {
    const d = nowNs - c.lastAcctNs;
    if (d <= 0) return;
    // A CPU that is down does not exist for the guest: /proc/stat counts online CPUs only. (A paused
    // vCPU is up, and its offline time is steal.)
    if (!c.vcpu.up || !c.online) {
      c.lastAcctNs = nowNs;
      c.tickedToNs = nowNs;
      return;
    }
    const state = c.vcpu.state;
    if (this.k.traits.seesSteal) {
      if (state === Runstate.Running) {
        this.charge(c, d, c.task);
        if (c.task !== null) this.k.interrupts += this.ticksBetween(c.lastAcctNs, nowNs);
      } else if (state === Runstate.Blocked) {
        this.chargeIdle(c, d);
      } else {
        c.stat[Stat.Steal] += d;
      }
    } else if (state === Runstate.Running) {
      const k = this.ticksBetween(c.tickedToNs, nowNs);
      if (k > 0) this.deliverTicks(c, k, c.task);
      c.tickedToNs = nowNs;
    }
    c.lastAcctNs = nowNs;
  }

  deliverTicks(c: GuestCpu, k: number, ctx: Task | null): void {
    const ns = k * this.k.tickNs;
    if (ctx === null) this.chargeIdle(c, ns);
    else this.charge(c, ns, ctx);
    this.k.interrupts += k;
    if (c.vcpu.id === 0) this.clockTicks += k;
  }

  /** Full mode: ticks due while `c` waited for a pCPU, handled per timer_mode. */
  deliverMissedTicks(c: GuestCpu, nowNs: number): void {
    const missed = this.ticksBetween(c.tickedToNs, nowNs);
    const gapNs = nowNs - c.tickedToNs;
    c.tickedToNs = nowNs;
    if (missed <= 0) return;
    const tm = this.k.dom.spec.timerMode;
    // delay_for_missed_ticks freezes the guest's platform time (HPET, PM timer) while it is
    // preempted, but not the TSC: the clocksource watchdog sees them drift apart.
    if (tm === 'delay_for_missed_ticks' && this.clocksource === 'tsc' && gapNs > WATCHDOG_THRESHOLD_NS) this.tscUnstable(c, gapNs);
    const replayAll = tm === 'delay_for_missed_ticks' || tm === 'no_delay_for_missed_ticks';
    const delivered = replayAll ? missed : 1;
    if (c.vcpu.id === 0) this.lostTicks += missed - delivered;
    this.deliverTicks(c, delivered, c.task);
    c.overheadNs += delivered * this.k.tickCostNs;
  }


  private tscUnstable(c: GuestCpu, skewNs: number): void {
    this.k.printk(`clocksource: timekeeping watchdog on CPU${c.vcpu.id}: Marking clocksource 'tsc' as unstable because the skew is too large:`);
    this.k.printk(`clocksource:                       'hpet' wd_nsec: 500000000 wd_now: ${Math.floor(this.k.hv.queue.now / 70).toString(16)} wd_last: ${Math.floor((this.k.hv.queue.now - skewNs) / 70).toString(16)} mask: ffffffff`);
    this.k.printk(`clocksource:                       'tsc' cs_nsec: ${500_000_000 + Math.round(skewNs)} cs_now: ${Math.floor(this.k.hv.queue.now * 2.394).toString(16)} cs_last: ${Math.floor((this.k.hv.queue.now - 500_000_000) * 2.394).toString(16)} mask: ffffffffffffffff`);
    this.k.printk('tsc: Marking TSC unstable due to clocksource watchdog');
    this.k.printk("TSC found unstable after boot, most likely due to broken BIOS. Use 'tsc=unstable'.");
    this.k.printk('clocksource: Switched to clocksource hpet');
    this.clocksource = 'hpet';
  }
}
