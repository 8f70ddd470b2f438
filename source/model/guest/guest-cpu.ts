/**
 * The guest kernel's per-CPU state for one vCPU: what it runs, its queue, and its /proc/stat
 * counters (kept in nanoseconds; /proc/stat shows them in USER_HZ).
 */
import { doubleFields, doubleZeros, objectArray } from '../arrays.js';
import { NS_PER_S } from '../clock.js';
import type { EventTarget, SimEvent } from '../clock.js';
import type { VCpu } from '../vcpu.js';
import type { Task } from './task.js';

/** USER_HZ: /proc/stat (and everything read from it: vmstat, top) counts in 1/100 s. */
export const USER_HZ = 100;
const NS_PER_JIFFY = NS_PER_S / USER_HZ;

/** Nanoseconds of a stat counter as the jiffies /proc/stat shows (rounded down, as the kernel does). */
export const jiffies = (ns: number): number => Math.floor(ns / NS_PER_JIFFY);

/** Indexes into `stat`, in /proc/stat's column order. */
export const enum Stat {
  User = 0,
  Nice = 1,
  System = 2,
  Idle = 3,
  Iowait = 4,
  Irq = 5,
  Softirq = 6,
  Steal = 7,
}
export const STAT_FIELDS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/** The events a guest CPU is the target of (EventTarget kinds). */
export const enum CpuEvent {
  /** The current work (overhead, then the task's burst) is done. */
  Complete = 0,
  /** Full mode: the periodic tick reaches the halted CPU. */
  IdleTick = 1,
}

/** What handles a guest CPU's events: its kernel. */
export interface CpuEventSink {
  cpuEvent(c: GuestCpu, kind: CpuEvent): void;
}

/** Times and rates (see doubleFields). */
const CPU_DOUBLES = ['overheadNs', 'runSinceNs', 'rate', 'lastAcctNs', 'tickedToNs', 'spinNs'] as const satisfies readonly (keyof GuestCpu)[];

export class GuestCpu implements EventTarget {
  task: Task | null = null;
  /** Online as the guest sees it (/sys/devices/system/cpu/online). An HVM guest can offline a vCPU
   * that Xen still counts as up: it then just halts there forever. */
  online: boolean;
  readonly runq: Task[] = objectArray<Task>();
  /** Kernel work owed before the task continues: interrupt handlers, wake-up paths (ns). */
  overheadNs = 0;
  runSinceNs = 0;
  /** Progress rate of task work while running (ticks take the rest). */
  rate = 1;
  completion: SimEvent | null = null;
  /** Set while the completion handler runs, so a task re-queued onto this CPU is not planned twice. */
  completing = false;
  tickEvent: SimEvent | null = null;
  lastAcctNs: number;
  /** Up to when tick boundaries have been dealt with (full mode). */
  tickedToNs: number;
  /** Spinning on a lock whose holder is preempted (no progress, the pCPU is burnt). */
  spinning = false;
  /** Blocked in SCHEDOP_poll on a PV spinlock's event channel until the holder kicks it. */
  lockPolled = false;
  /** Time spent spinning, ns (for the profile and tests). */
  spinNs = 0;
  /** Tasks whose last CPU is this one and that wait on disk I/O. */
  iowaitTasks = 0;
  readonly stat = doubleZeros(8) as [number, number, number, number, number, number, number, number];

  constructor(
    readonly vcpu: VCpu,
    nowNs: number,
    private readonly sink: CpuEventSink,
  ) {
    this.lastAcctNs = nowNs;
    this.tickedToNs = nowNs;
    this.online = vcpu.up;
    doubleFields(this, CPU_DOUBLES);
  }

  fire(kind: CpuEvent): void {
    this.sink.cpuEvent(this, kind);
  }
}
