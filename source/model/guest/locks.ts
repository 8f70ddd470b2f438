/**
 * Lock-holder preemption in an SMP guest (model-notes.md "Spinlocks").
 *
 * When Xen preempts a vCPU in the middle of its work, it may be holding a kernel lock (with the
 * workload's lock-hold probability). While the holder is preempted, the siblings that run reach the
 * lock: without PV spinlocks they spin, burning their pCPU with no progress; with PV spinlocks
 * they block in SCHEDOP_poll. When the holder runs again it leaves its critical section and the
 * waiters go on (PV: kicked by an event). Changes take effect in an event of their own, never
 * inside the scheduler's hooks.
 * Guarantees: at most one holder; a waiter is either spinning or polled, never both.
 */
import { EventPriority } from '../clock.js';
import type { SimEvent } from '../clock.js';
import { Runstate } from '../vcpu.js';
import type { GuestCpu } from './guest-cpu.js';
import type { KernelParts } from './kernel-parts.js';

export class LockContention {
  private holder: GuestCpu | null = null;
  private pending: SimEvent | null = null;

  constructor(private readonly k: KernelParts) {}

  /** `c` was preempted while runnable, with a task: it may be inside a critical section. */
  preempted(c: GuestCpu): void {
    const k = this.k;
    if (c.task === null || c.spinning || this.holder !== null || k.profile.lockFraction <= 0 || k.dom.onlineVcpus <= 1) return;
    if (k.rng.next() < k.profile.lockFraction) {
      this.holder = c;
      this.soon();
    }
  }

  /** A vCPU of the guest got a pCPU: the holder may run again, or a sibling reaches the lock. */
  started(): void {
    if (this.holder !== null) this.soon();
  }

  /** `c` goes down: it cannot hold or wait for anything. */
  cpuGoingDown(c: GuestCpu): void {
    c.spinning = false;
    c.lockPolled = false;
    if (this.holder === c) {
      this.holder = null;
      this.soon();
    }
  }

  stop(): void {
    this.holder = null;
    if (this.pending) this.pending.cancelled = true;
    this.pending = null;
  }

  private soon(): void {
    if (this.pending !== null || this.k.dead) return;
    this.pending = this.k.hv.queue.schedule(this.k.hv.queue.now, EventPriority.Guest, this.onPending);
  }

  /** Bound once, as the kernel's handlers are: a closure per event would lose its compiled code at every major GC. */
  private readonly onPending = (): void => {
    this.pending = null;
    if (!this.k.dead) this.check();
  };

  private check(): void {
    const k = this.k;
    const now = k.hv.queue.now;
    const h = this.holder;
    if (h !== null && (h.vcpu.state === Runstate.Running || !h.online || h.task === null)) this.holder = null;
    if (this.holder === null) {
      for (const c of k.cpus) {
        if (c.spinning) {
          k.progress(c, now);
          c.spinning = false;
          if (c.vcpu.state === Runstate.Running) k.plan(c, now);
        }
        if (c.lockPolled) {
          c.lockPolled = false;
          if (c.vcpu.blocked && c.online) {
            k.interrupts++;
            k.hv.wake(c.vcpu);
          }
        }
      }
      return;
    }
    for (const c of k.cpus) {
      if (c === this.holder || c.task === null || c.spinning || c.lockPolled || c.vcpu.state !== Runstate.Running) continue;
      k.progress(c, now);
      if (c.completion) {
        c.completion.cancelled = true;
        c.completion = null;
      }
      if (k.traits.pvSpinlocks) {
        c.lockPolled = true;
        k.hv.block(c.vcpu);
      } else {
        c.spinning = true;
      }
    }
  }
}
