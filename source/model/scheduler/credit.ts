/**
 * The credit scheduler (credit1), after xen/common/sched/credit.c.
 *
 * Guarantees: a runnable vCPU is either running on exactly one pCPU or queued on exactly one run
 * queue; a pCPU runs something whenever any vCPU it may run is runnable (work stealing); credits
 * are handed out every timeslice in proportion to weight among active vCPUs, capped domains are
 * parked (their vCPUs go offline) once they are a cap's worth in debt, and a vCPU woken with
 * credit left is BOOSTed until the next tick that finds it running.
 */
import { objectArray } from '../arrays.js';
import { EventPriority, NS_PER_MS, NS_PER_US } from '../clock.js';
import type { EventQueue } from '../clock.js';
import type { Domain } from '../domain.js';
import type { PCpu } from '../pcpu.js';
import { PRI_BOOST, PRI_IDLE, PRI_OVER, PRI_UNDER, Runstate } from '../vcpu.js';
import type { VCpu } from '../vcpu.js';
import type { SchedHooks, Scheduler, VcpuSchedInfo } from './scheduler.js';

export const CSCHED_DEFAULT_WEIGHT = 256;
export const CSCHED_TICKS_PER_TSLICE = 3;
export const CSCHED_DEFAULT_TSLICE_MS = 30;
export const CSCHED_CREDITS_PER_MSEC = 10;
export const SCHED_DEFAULT_RATELIMIT_US = 1000;

export interface CreditHost {
  readonly queue: EventQueue;
  readonly pcpus: readonly PCpu[];
  domains(): readonly Domain[];
}

export class CreditScheduler implements Scheduler {
  readonly name = 'SMP Credit Scheduler';
  readonly opt = 'credit';
  readonly tsliceMs: number;
  readonly ratelimitUs: number;
  private readonly tsliceNs: number;
  private readonly tickNs: number;
  private readonly ratelimitNs: number;
  private readonly creditsPerTslice: number;
  /** Reused by account() for its list of active domains (it runs every 30 ms). */
  private readonly activeScratch: Domain[] = objectArray<Domain>();

  constructor(
    private readonly host: CreditHost,
    private readonly hooks: SchedHooks,
    tsliceMs = CSCHED_DEFAULT_TSLICE_MS,
    ratelimitUs = SCHED_DEFAULT_RATELIMIT_US,
  ) {
    this.tsliceMs = tsliceMs;
    this.ratelimitUs = ratelimitUs;
    this.tsliceNs = tsliceMs * NS_PER_MS;
    this.tickNs = this.tsliceNs / CSCHED_TICKS_PER_TSLICE;
    this.ratelimitNs = ratelimitUs * NS_PER_US;
    this.creditsPerTslice = CSCHED_CREDITS_PER_MSEC * tsliceMs;
    for (const p of host.pcpus) {
      p.onSlice = () => this.sliceTimer(p);
      p.onResched = () => {
        p.reschedEvent = null;
        this.schedule(p);
      };
    }
  }

  start(): void {
    const q = this.host.queue;
    const tick = (): void => {
      this.tick();
      q.schedule(q.now + this.tickNs, EventPriority.Scheduler, tick);
    };
    const acct = (): void => {
      this.account();
      q.schedule(q.now + this.tsliceNs, EventPriority.Accounting, acct);
    };
    q.schedule(q.now + this.tickNs, EventPriority.Scheduler, tick);
    q.schedule(q.now + this.tsliceNs, EventPriority.Accounting, acct);
  }

  wake(v: VCpu): void {
    if (v.state === Runstate.Running || v.queuedOn >= 0 || !v.runnable) return;
    const now = this.host.queue.now;
    if (v.pri === PRI_UNDER && !v.parked) v.pri = PRI_BOOST;
    const p = this.pickCpu(v);
    this.runqInsert(p, v, false);
    this.hooks.setRunstate(v, now, Runstate.Runnable);
    this.tickle(p, v);
  }

  sleep(v: VCpu): void {
    const now = this.host.queue.now;
    if (v.state === Runstate.Running) {
      this.schedule(this.host.pcpus[v.processor]!);
      return;
    }
    if (v.queuedOn >= 0) this.runqRemove(v);
    const rest = v.restingState();
    if (rest !== v.state) this.hooks.setRunstate(v, now, rest);
  }

  yield(v: VCpu): void {
    v.yieldFlag = true;
    if (v.state === Runstate.Running) this.schedule(this.host.pcpus[v.processor]!);
  }

  removeVcpu(v: VCpu): void {
    if (v.queuedOn >= 0) this.runqRemove(v);
    this.deactivate(v);
  }

  setParams(dom: Domain, weight: number, cap: number): void {
    dom.weight = weight;
    dom.cap = cap;
  }

  info(v: VCpu): VcpuSchedInfo {
    const priority = v.parked
      ? 'PARKED'
      : v.pri === PRI_BOOST
        ? 'BOOST'
        : v.pri === PRI_UNDER
          ? 'UNDER'
          : 'OVER';
    return { credit: Math.round(v.credit), priority };
  }

  /** csched_schedule: pick what runs next on `p`. */
  private schedule(p: PCpu): void {
    const q = this.host.queue;
    const now = q.now;
    if (p.reschedEvent) {
      p.reschedEvent.cancelled = true;
      p.reschedEvent = null;
    }
    p.sliceEndNs = Infinity;
    const cur = p.curr;
    if (cur !== null) this.burn(cur, now);

    if (cur !== null && cur.runnable && !cur.yieldFlag && now - p.runStartNs < this.ratelimitNs) {
      this.armSlice(p, p.runStartNs + this.ratelimitNs);
      return;
    }
    if (cur !== null && cur.runnable) this.runqInsert(p, cur, cur.yieldFlag);
    if (cur !== null) cur.yieldFlag = false;

    let next: VCpu | null = null;
    const head = p.runq[0];
    if (head !== undefined && head.pri > PRI_OVER) {
      next = this.runqRemove(head);
    } else {
      next = this.steal(p, head === undefined ? PRI_IDLE : head.pri);
      if (next === null && head !== undefined) next = this.runqRemove(head);
    }

    if (next !== cur) {
      if (cur !== null) {
        p.chargeCurrent(now);
        this.hooks.stopping(cur, now);
        p.curr = null;
        this.hooks.setRunstate(cur, now, cur.queuedOn >= 0 ? Runstate.Runnable : cur.restingState());
      }
      if (next !== null) {
        p.curr = next;
        next.processor = p.id;
        p.runStartNs = now;
        p.chargedToNs = now;
        next.lastBurnNs = now;
        this.hooks.setRunstate(next, now, Runstate.Running);
        this.hooks.started(next, now);
      }
    }
    if (p.curr !== null) this.armSlice(p, now + this.tsliceNs);
  }

  /**
   * Sets when the current slice ends. The timer is lazy: a pending timer that fires before the
   * slice end just re-arms itself, so rescheduling often does not churn the event queue.
   */
  private armSlice(p: PCpu, atNs: number): void {
    p.sliceEndNs = atNs;
    if (p.sliceEvent !== null && p.sliceEvent.timeNs <= atNs) return;
    if (p.sliceEvent !== null) p.sliceEvent.cancelled = true;
    p.sliceEvent = this.host.queue.schedule(atNs, EventPriority.Scheduler, p.onSlice);
  }

  private sliceTimer(p: PCpu): void {
    p.sliceEvent = null;
    const end = p.sliceEndNs;
    if (end === Infinity) return;
    const now = this.host.queue.now;
    if (end > now) p.sliceEvent = this.host.queue.schedule(end, EventPriority.Scheduler, p.onSlice);
    else this.schedule(p);
  }

  /** Ask `p` to reschedule: now if idle, else once the current vCPU has had its ratelimit. */
  private tickle(p: PCpu, v: VCpu): void {
    const q = this.host.queue;
    let at: number;
    if (p.curr === null && p.reservedUntilNs <= q.now && p.reschedEvent === null) {
      // An idle pCPU picks the work up at once; no need to go through the event queue.
      this.schedule(p);
      return;
    }
    if (p.curr === null) at = Math.max(q.now, p.reservedUntilNs);
    else if (v.pri > p.curr.pri) at = Math.max(q.now, p.runStartNs + this.ratelimitNs);
    else return;
    // Due now and safe to do in place: preempt without a trip through the event queue. Not while
    // the vCPU to be preempted is the one whose guest code is running (it is mid-completion).
    if (at <= q.now && p.reschedEvent === null && !(p.curr !== null && p.curr.guest.completing)) {
      this.schedule(p);
      return;
    }
    if (p.reschedEvent && p.reschedEvent.timeNs <= at) return;
    if (p.reschedEvent) p.reschedEvent.cancelled = true;
    p.reschedEvent = q.schedule(at, EventPriority.Scheduler, p.onResched);
  }

  /** csched_cpu_pick, simplified: an idle pCPU if one is allowed, else where it last ran. */
  private pickCpu(v: VCpu): PCpu {
    const pcpus = this.host.pcpus;
    const n = pcpus.length;
    const now = this.host.queue.now;
    const last = pcpus[v.processor];
    if (last !== undefined && last.freeAt(now) && v.allows(last.id)) return last;
    for (let i = 1, j = v.processor + 1; i < n; i++, j++) {
      if (j >= n) j -= n;
      const p = pcpus[j]!;
      if (p.freeAt(now) && v.allows(p.id)) return p;
    }
    if (last !== undefined && v.allows(last.id)) return last;
    for (const p of pcpus) if (v.allows(p.id)) return p;
    return pcpus[0]!;
  }

  /** csched_load_balance: take a queued vCPU of higher priority than `minPri` from a peer. */
  private steal(p: PCpu, minPri: number): VCpu | null {
    const pcpus = this.host.pcpus;
    const n = pcpus.length;
    for (let i = 1; i < n; i++) {
      const peer = pcpus[(p.id + i) % n]!;
      for (const v of peer.runq) {
        if (v.pri <= minPri) break;
        if (v.allows(p.id)) return this.runqRemove(v);
      }
    }
    return null;
  }

  private runqInsert(p: PCpu, v: VCpu, yielding: boolean): void {
    const rq = p.runq;
    let i = 0;
    while (i < rq.length && rq[i]!.pri >= v.pri) i++;
    // A yielding vCPU goes behind one lower-priority vCPU, if there is one.
    if (yielding && i < rq.length) i++;
    // Shift by hand: splice allocates an array for what it removes, and queues are short.
    let j = rq.length;
    rq.push(v);
    while (j > i) {
      rq[j] = rq[j - 1]!;
      j--;
    }
    rq[i] = v;
    v.queuedOn = p.id;
  }

  private runqRemove(v: VCpu): VCpu {
    const p = this.host.pcpus[v.queuedOn]!;
    const rq = p.runq;
    const n = rq.length;
    let i = 0;
    while (i < n && rq[i] !== v) i++;
    if (i < n) {
      for (let j = i + 1; j < n; j++) rq[j - 1] = rq[j]!;
      rq.pop();
    }
    v.queuedOn = -1;
    return v;
  }

  private burn(v: VCpu, now: number): void {
    const d = now - v.lastBurnNs;
    if (d > 0) {
      v.credit -= (d * CSCHED_CREDITS_PER_MSEC) / NS_PER_MS;
      v.lastBurnNs = now;
    }
  }

  /** Charges a short run that happened outside the normal switch path (an idle tick handled in place). */
  burnShortRun(v: VCpu, ns: number): void {
    v.credit -= (ns * CSCHED_CREDITS_PER_MSEC) / NS_PER_MS;
  }

  private activate(v: VCpu): void {
    if (!v.activeInAcct) {
      v.activeInAcct = true;
      v.dom.activeVcpus++;
    }
  }

  private deactivate(v: VCpu): void {
    if (v.activeInAcct) {
      v.activeInAcct = false;
      v.dom.activeVcpus--;
    }
  }

  /** csched_tick, for every pCPU at once. */
  private tick(): void {
    const now = this.host.queue.now;
    for (const p of this.host.pcpus) {
      const c = p.curr;
      if (c === null) continue;
      this.burn(c, now);
      if (c.pri === PRI_BOOST) c.pri = PRI_UNDER;
      this.activate(c);
    }
  }

  /** csched_acct: hand out a timeslice's worth of credit by weight. */
  private account(): void {
    let weightTotal = 0;
    const active = this.activeScratch;
    active.length = 0;
    const doms = this.host.domains();
    for (let i = 0; i < doms.length; i++) {
      const d = doms[i]!;
      if (d.activeVcpus > 0) {
        active.push(d);
        weightTotal += d.weight * d.activeVcpus;
      }
    }
    if (weightTotal === 0) return;
    const perTslice = this.creditsPerTslice;
    let creditTotal = perTslice * this.host.pcpus.length;
    let weightLeft = weightTotal;
    for (let a = 0; a < active.length; a++) {
      const d = active[a]!;
      const n = d.activeVcpus;
      weightLeft -= d.weight * n;
      let peak = n * perTslice;
      let capPerVcpu = 0;
      if (d.cap !== 0) {
        const capCredit = Math.ceil((d.cap * perTslice) / 100);
        if (capCredit < peak) peak = capCredit;
        capPerVcpu = Math.ceil(capCredit / n);
      }
      let fair = Math.ceil((creditTotal * d.weight * n) / weightTotal);
      if (fair >= peak) {
        if (weightLeft !== 0) creditTotal += Math.ceil(((fair - peak) * weightTotal) / weightLeft);
        fair = peak;
      }
      const fairPerVcpu = Math.ceil(fair / n);
      const vcpus = d.vcpus;
      for (let k = 0; k < vcpus.length; k++) {
        const v = vcpus[k]!;
        if (!v.activeInAcct) continue;
        v.credit += fairPerVcpu;
        if (v.credit < 0) {
          v.pri = PRI_OVER;
          if (d.cap !== 0 && v.credit < -capPerVcpu && !v.parked) this.park(v);
          if (v.credit < -perTslice) v.credit = -perTslice;
        } else {
          v.pri = PRI_UNDER;
          if (v.parked) this.unpark(v);
          if (v.credit > perTslice) {
            this.deactivate(v);
            v.credit /= 2;
          }
        }
      }
    }
    for (const p of this.host.pcpus) this.sortRunq(p);
  }

  private sortRunq(p: PCpu): void {
    const rq = p.runq;
    for (let i = 1; i < rq.length; i++) {
      const v = rq[i]!;
      let j = i - 1;
      while (j >= 0 && rq[j]!.pri < v.pri) {
        rq[j + 1] = rq[j]!;
        j--;
      }
      rq[j + 1] = v;
    }
  }

  private park(v: VCpu): void {
    v.parked = true;
    v.pauseCount++;
    this.sleep(v);
  }

  private unpark(v: VCpu): void {
    v.pauseCount--;
    this.wake(v);
    v.parked = false;
  }
}
