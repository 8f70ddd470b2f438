/**
 * The interface every hypervisor scheduler implements, so that credit2 can sit beside credit1.
 * The host tells the scheduler when a vCPU becomes runnable or stops being runnable; the scheduler
 * decides what runs where and tells the host through `SchedHooks` when a vCPU starts or stops.
 */
import type { Domain } from '../domain.js';
import type { PCpu } from '../pcpu.js';
import type { Runstate, VCpu } from '../vcpu.js';

export interface SchedHooks {
  /** Every runstate change goes through here, so the guest can account the interval it closes. */
  setRunstate(v: VCpu, nowNs: number, next: Runstate): void;
  /** `v` is now running on pCPU `v.processor` (its runstate is already Running). */
  started(v: VCpu, nowNs: number): void;
  /** `v` has just left its pCPU; called before its runstate changes. */
  stopping(v: VCpu, nowNs: number): void;
}

export interface Scheduler {
  /** Boot banner name, e.g. "SMP Credit Scheduler". */
  readonly name: string;
  /** xl's name, e.g. "credit". */
  readonly opt: string;
  readonly tsliceMs: number;
  readonly ratelimitUs: number;
  start(): void;
  /** `v` became runnable (woken, unpaused, brought up). */
  wake(v: VCpu): void;
  /** `v` is no longer runnable (blocked, paused, taken down). */
  sleep(v: VCpu): void;
  /** `v` gives up its pCPU but stays runnable. */
  yield(v: VCpu): void;
  /** A new domain and its vCPUs (before any of them is woken). */
  addDomain(dom: Domain): void;
  /** The domain is being destroyed: its vCPUs (already asleep) leave the scheduler. */
  removeDomain(dom: Domain): void;
  setParams(dom: Domain, weight: number, cap: number): void;
  /** The pool's timeslice and ratelimit (`xl sched-credit -s -t MS -r US`), from the next slice and tick on. */
  setTiming(tsliceMs: number, ratelimitUs: number): void;
  /** `v`'s credit as xl shows it (whole credits). Read for every vCPU at every sample: allocates nothing. */
  credit(v: VCpu): number;
  /** `v`'s priority class by name (BOOST, UNDER, OVER, PARKED): a constant string. */
  priority(v: VCpu): string;
  /** The 'r' debug key's lines for the scheduler's own settings (Xen's dump_settings), without the "(XEN) " prefix. */
  dumpSettings(): string[];
  /** The 'r' debug key's lines for pCPU `p` (Xen's dump_cpu_state). */
  dumpCpu(p: PCpu): string[];
}
