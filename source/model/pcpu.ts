/**
 * A physical CPU: what runs on it, its run queue, and how its time was spent.
 *
 * Guarantees: busyGuestNs + busyDom0Ns <= elapsed time; the run queue holds only runnable vCPUs
 * that are not running, ordered by priority (highest first) and FIFO within a priority.
 */
import { doubleFields } from './arrays.js';
import type { SimEvent } from './clock.js';
import type { VCpu } from './vcpu.js';

/** Times (see doubleFields). */
const PCPU_DOUBLES = ['runStartNs', 'chargedToNs', 'reservedUntilNs', 'busyGuestNs', 'busyDom0Ns'] as const satisfies readonly (keyof PCpu)[];

export class PCpu {
  curr: VCpu | null = null;
  /** Queued vCPUs, by their scheduler slot (`VCpu.schedSlot`): the scheduler scans priorities in its own arrays. */
  readonly runq: number[] = [];
  /** When `curr` was last scheduled in (for the ratelimit). */
  runStartNs = 0;
  /** Up to when `curr`'s time has been added to the busy counters. */
  chargedToNs = 0;
  /** An idle-tick handled in place keeps this pCPU busy until then. */
  reservedUntilNs = 0;
  /** When the current timeslice ends (Infinity when idle). One timer event at most is pending. */
  sliceEndNs = Infinity;
  sliceEvent: SimEvent | null = null;
  reschedEvent: SimEvent | null = null;
  /** Bound once by the scheduler: its slice-timer and reschedule handlers for this pCPU. */
  onSlice: () => void = () => {};
  onResched: () => void = () => {};

  busyGuestNs = 0;
  busyDom0Ns = 0;

  constructor(readonly id: number) {
    doubleFields(this, PCPU_DOUBLES);
  }

  get idle(): boolean {
    return this.curr === null;
  }

  /** Idle, nothing queued, and not busy with a tick handled in place. */
  freeAt(nowNs: number): boolean {
    return this.curr === null && this.runq.length === 0 && this.reservedUntilNs <= nowNs;
  }

  /** Adds the time `curr` has run since it started to the busy counters. */
  chargeCurrent(nowNs: number): void {
    const c = this.curr;
    if (c === null) return;
    const d = nowNs - this.chargedToNs;
    if (c.dom.id === 0) this.busyDom0Ns += d;
    else this.busyGuestNs += d;
    this.chargedToNs = nowNs;
  }
}
