/**
 * A virtual CPU as Xen sees it: its runstate ledger and its scheduler bookkeeping.
 *
 * Guarantees: every nanosecond since the vCPU was created is in exactly one runstate, so
 * running + runnable + blocked + offline == now - createdNs at every instant (see `runstateNs`).
 * Runstates follow Xen's rules: running while on a pCPU; runnable while it could run but is not;
 * blocked while the guest halted it; offline while paused, parked by a cap or hot-unplugged —
 * unless it is also blocked, which dominates (xen/include/public/vcpu.h).
 */
import { doubleFields, doubleZeros } from './arrays.js';
import type { Domain } from './domain.js';
import type { GuestCpu } from './guest/guest-cpu.js';

export const enum Runstate {
  Running = 0,
  Runnable = 1,
  Blocked = 2,
  Offline = 3,
}

export const RUNSTATE_NAMES = ['running', 'runnable', 'blocked', 'offline'] as const;

/** credit1 priorities (xen/common/sched/credit.c): higher runs first. */
export const PRI_BOOST = 0;
export const PRI_UNDER = -1;
export const PRI_OVER = -2;
export const PRI_IDLE = -64;

export class VCpu {
  state: Runstate = Runstate.Offline;
  stateSinceNs: number;
  readonly timeNs = doubleZeros(4) as [number, number, number, number];

  /** pCPU it runs on or last ran on. */
  processor = 0;
  /** Hard affinity: allowed pCPUs, or null for all. */
  affinity: readonly number[] | null = null;
  /** Soft affinity: the pCPUs it would rather run on (among those allowed), or null for no preference. */
  softAffinity: readonly number[] | null = null;

  /** Brought up (VCPUOP_up) and not hot-unplugged. */
  up = false;
  /** The guest halted it and nothing has woken it yet. */
  blocked = false;
  /** Pause count: domain pause, parking by a cap. */
  pauseCount = 0;

  // Scheduler bookkeeping. credit1 keeps credit, priority and the rest in its own arrays.
  /** Index of this vCPU in the scheduler's per-vCPU arrays. */
  schedSlot = -1;
  yieldFlag = false;
  /** Index in its pCPU's run queue, -1 when not queued. */
  queuedOn = -1;

  /** Guest-side per-CPU state; set by the guest kernel. */
  guest!: GuestCpu;

  constructor(
    readonly id: number,
    readonly dom: Domain,
    createdNs: number,
  ) {
    this.stateSinceNs = createdNs;
    doubleFields(this, ['stateSinceNs'] satisfies (keyof VCpu)[]);
  }

  get runnable(): boolean {
    return this.up && !this.blocked && this.pauseCount === 0;
  }

  /** The runstate a vCPU that is not on a pCPU should be in. */
  restingState(): Runstate {
    if (this.runnable) return Runstate.Runnable;
    return this.blocked && this.up ? Runstate.Blocked : Runstate.Offline;
  }

  setState(nowNs: number, next: Runstate): void {
    this.timeNs[this.state] += nowNs - this.stateSinceNs;
    this.state = next;
    this.stateSinceNs = nowNs;
  }

  /**
   * Cumulative time in each runstate up to `nowNs`, including the state in progress. The state can
   * be dated ahead of `nowNs` only by a tick handled in place (Host.shortRun), which books the vCPU
   * running until then: read inside it, the time booked ahead is given back from running.
   */
  runstateNs(nowNs: number): [number, number, number, number] {
    const t: [number, number, number, number] = [...this.timeNs];
    const d = nowNs - this.stateSinceNs;
    t[d >= 0 ? this.state : Runstate.Running] += d;
    return t;
  }

  /** The same, written into `out` from `at` (running, runnable, blocked, offline). */
  writeRunstateNs(nowNs: number, out: Float64Array, at: number): void {
    for (let i = 0; i < 4; i++) out[at + i] = this.timeNs[i]!;
    const d = nowNs - this.stateSinceNs;
    const s = at + (d >= 0 ? this.state : Runstate.Running);
    out[s] = out[s]! + d;
  }

  allows(pcpu: number): boolean {
    return this.affinity === null || this.affinity.includes(pcpu);
  }

  prefers(pcpu: number): boolean {
    return this.softAffinity === null || this.softAffinity.includes(pcpu);
  }
}
