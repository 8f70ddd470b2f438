/**
 * The credit scheduler (credit1), after xen/common/sched/credit.c.
 *
 * Guarantees: a runnable vCPU is either running on exactly one pCPU or queued on exactly one run
 * queue; a pCPU runs something whenever any vCPU it may run is runnable (work stealing); credits
 * are handed out every timeslice in proportion to weight among active vCPUs, capped domains are
 * parked (their vCPUs go offline) once they are a cap's worth in debt, and a vCPU woken with
 * credit left is BOOSTed until the next tick that finds it running.
 */
import { grown } from '../arrays.js';
import { EventPriority, NS_PER_MS, NS_PER_US } from '../clock.js';
import type { EventQueue } from '../clock.js';
import type { Domain } from '../domain.js';
import type { PCpu } from '../pcpu.js';
import { PRI_BOOST, PRI_IDLE, PRI_OVER, PRI_UNDER, Runstate } from '../vcpu.js';
import type { VCpu } from '../vcpu.js';
import type { SchedHooks, Scheduler } from './scheduler.js';
import { cpuList, cpuTag, cpumaskHex } from '../cpumask.js';

export const CSCHED_DEFAULT_WEIGHT = 256;
export const CSCHED_TICKS_PER_TSLICE = 3;
export const CSCHED_DEFAULT_TSLICE_MS = 30;
export const CSCHED_CREDITS_PER_MSEC = 10;
export const SCHED_DEFAULT_RATELIMIT_US = 1000;

const INITIAL_SLOTS = 64;

export interface CreditHost {
  readonly queue: EventQueue;
  readonly pcpus: readonly PCpu[];
}

export class CreditScheduler implements Scheduler {
  readonly name = 'SMP Credit Scheduler';
  readonly opt = 'credit';
  tsliceMs = CSCHED_DEFAULT_TSLICE_MS;
  ratelimitUs = SCHED_DEFAULT_RATELIMIT_US;
  private tsliceNs = 0;
  private tickNs = 0;
  private ratelimitNs = 0;
  private creditsPerTslice = 0;
  private ticksPerTslice = CSCHED_TICKS_PER_TSLICE;
  /**
   * Credit state as a structure of arrays: account() walks every domain every 30 ms, and with
   * 1,000 guests reading it through the vCPU and domain objects was a cache miss per field.
   * Per vCPU, by its `schedSlot`; a domain's vCPUs hold the slots dBase .. dBase + dCount - 1.
   */
  private vCredit = new Float64Array(INITIAL_SLOTS);
  private vLastBurn = new Float64Array(INITIAL_SLOTS);
  private vPri = new Int8Array(INITIAL_SLOTS);
  private vActive = new Uint8Array(INITIAL_SLOTS);
  /** Parked by its domain's cap (paused until account() finds it back in credit). */
  private vParked = new Uint8Array(INITIAL_SLOTS);
  private vcpuSlots = 0;
  /** Freed runs of vCPU slots by length (a restarted guest takes back its predecessor's). */
  private readonly freeRuns = new Map<number, number[]>();
  /** Per domain, by its `schedSlot`: weight, cap, active vCPUs, first vCPU slot, vCPU count. */
  private dWeight = new Float64Array(INITIAL_SLOTS);
  private dCap = new Float64Array(INITIAL_SLOTS);
  private dActive = new Int32Array(INITIAL_SLOTS);
  private dBase = new Int32Array(INITIAL_SLOTS);
  private dCount = new Int32Array(INITIAL_SLOTS);
  private readonly freeDomSlots: number[] = [];
  private domSlots = 0;
  /** Domain slots in the host's domain order (the order account() hands out credit in). */
  private readonly order: number[] = [];
  /** Reused by account() for the slots of the active domains (a typed array: clearing a JS array frees its store). */
  private activeScratch = new Int32Array(INITIAL_SLOTS);
  /** The vCPU in each slot (the run queues and account() go from slot to object). */
  private readonly vcpuAt: (VCpu | null)[] = [];
  /**
   * How many pCPUs run nothing (credit1 keeps the same as its `idlers` cpumask): when none is idle,
   * placing a waking vCPU needs no scan for a free one. Changes only where schedule() sets `curr`.
   */
  private idlePcpus: number;
  /** Accounting passes that handed out credit: credit1's runq_sort, which each pass bumps (here every run queue is sorted at the pass). */
  private acctPasses = 0;
  /** The active vCPUs' credit summed after the last pass: csched_acct's credit_balance (for the 'r' debug key). */
  private creditBalance = 0;

  constructor(
    private readonly host: CreditHost,
    private readonly hooks: SchedHooks,
    tsliceMs = CSCHED_DEFAULT_TSLICE_MS,
    ratelimitUs = SCHED_DEFAULT_RATELIMIT_US,
  ) {
    this.setTiming(tsliceMs, ratelimitUs);
    this.idlePcpus = host.pcpus.filter((p) => p.curr === null).length;
    for (const p of host.pcpus) {
      p.onSlice = () => this.sliceTimer(p);
      p.onResched = () => {
        p.reschedEvent = null;
        this.schedule(p);
      };
    }
  }

  /**
   * __csched_set_tslice and the ratelimit: three ticks a timeslice (one when it is shorter than
   * 3 ms), credits_per_tslice 10 per ms. The tick and accounting timers take the new periods when
   * they next re-arm, and a running slice keeps the end it was given.
   */
  setTiming(tsliceMs: number, ratelimitUs: number): void {
    this.tsliceMs = tsliceMs;
    this.ratelimitUs = ratelimitUs;
    this.tsliceNs = tsliceMs * NS_PER_MS;
    this.ticksPerTslice = tsliceMs < CSCHED_TICKS_PER_TSLICE ? 1 : CSCHED_TICKS_PER_TSLICE;
    this.tickNs = this.tsliceNs / this.ticksPerTslice;
    this.ratelimitNs = ratelimitUs * NS_PER_US;
    this.creditsPerTslice = CSCHED_CREDITS_PER_MSEC * tsliceMs;
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
    const s = v.schedSlot;
    if (this.vPri[s] === PRI_UNDER && this.vParked[s] === 0) this.vPri[s] = PRI_BOOST;
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

  addDomain(dom: Domain): void {
    const n = dom.vcpus.length;
    let base = this.freeRuns.get(n)?.pop();
    if (base === undefined) {
      base = this.vcpuSlots;
      this.vcpuSlots += n;
      if (this.vcpuSlots > this.vCredit.length) {
        const cap = Math.max(this.vcpuSlots, 2 * this.vCredit.length);
        this.vCredit = grown(this.vCredit, cap);
        this.vLastBurn = grown(this.vLastBurn, cap);
        this.vPri = grown(this.vPri, cap);
        this.vActive = grown(this.vActive, cap);
        this.vParked = grown(this.vParked, cap);
      }
    }
    for (let k = 0; k < n; k++) {
      const s = base + k;
      this.vCredit[s] = 0;
      this.vLastBurn[s] = 0;
      this.vPri[s] = PRI_UNDER;
      this.vActive[s] = 0;
      this.vParked[s] = 0;
      this.vcpuAt[s] = dom.vcpus[k]!;
      dom.vcpus[k]!.schedSlot = s;
    }
    let d = this.freeDomSlots.pop();
    if (d === undefined) {
      d = this.domSlots++;
      if (d >= this.dWeight.length) {
        const cap = 2 * this.dWeight.length;
        this.dWeight = grown(this.dWeight, cap);
        this.dCap = grown(this.dCap, cap);
        this.dActive = grown(this.dActive, cap);
        this.dBase = grown(this.dBase, cap);
        this.dCount = grown(this.dCount, cap);
        this.activeScratch = new Int32Array(cap);
      }
    }
    dom.schedSlot = d;
    this.dWeight[d] = dom.weight;
    this.dCap[d] = dom.cap;
    this.dActive[d] = 0;
    this.dBase[d] = base;
    this.dCount[d] = n;
    this.order.push(d);
  }

  removeDomain(dom: Domain): void {
    for (const v of dom.vcpus) this.removeVcpu(v);
    const d = dom.schedSlot;
    const i = this.order.indexOf(d);
    if (i < 0) return;
    this.order.splice(i, 1);
    this.freeDomSlots.push(d);
    const n = this.dCount[d]!;
    const base = this.dBase[d]!;
    for (let k = 0; k < n; k++) this.vcpuAt[base + k] = null;
    let runs = this.freeRuns.get(n);
    if (runs === undefined) this.freeRuns.set(n, (runs = []));
    runs.push(base);
  }

  private removeVcpu(v: VCpu): void {
    if (v.queuedOn >= 0) this.runqRemove(v);
    this.deactivate(v);
  }

  setParams(dom: Domain, weight: number, cap: number): void {
    dom.weight = weight;
    dom.cap = cap;
    this.dWeight[dom.schedSlot] = weight;
    this.dCap[dom.schedSlot] = cap;
  }

  credit(v: VCpu): number {
    return Math.round(this.vCredit[v.schedSlot]!);
  }

  priority(v: VCpu): string {
    const pri = this.vPri[v.schedSlot]!;
    return this.vParked[v.schedSlot] === 1
      ? 'PARKED'
      : pri === PRI_BOOST
        ? 'BOOST'
        : pri === PRI_UNDER
          ? 'UNDER'
          : 'OVER';
  }

  /**
   * csched_dump (the 'r' debug key's scheduler settings): the pool's accounting state, the idle
   * pCPUs' mask and the active vCPUs, in the host's domain order.
   */
  dumpSettings(): string[] {
    const pcpus = this.host.pcpus;
    let weight = 0;
    for (const d of this.order) weight += this.dWeight[d]! * this.dActive[d]!;
    const idlers = pcpus.filter((p) => p.curr === null).map((p) => p.id);
    const out = [
      'info:',
      `\tncpus              = ${pcpus.length}`,
      '\tmaster             = 0',
      `\tcredit             = ${this.creditsPerTslice * pcpus.length}`,
      `\tcredit balance     = ${Math.round(this.creditBalance)}`,
      `\tweight             = ${weight}`,
      `\trunq_sort          = ${this.acctPasses}`,
      `\tdefault-weight     = ${CSCHED_DEFAULT_WEIGHT}`,
      `\ttslice             = ${this.tsliceMs}ms`,
      `\tratelimit          = ${this.ratelimitUs}us`,
      `\tcredits per msec   = ${CSCHED_CREDITS_PER_MSEC}`,
      `\tticks per tslice   = ${this.ticksPerTslice}`,
      '\tmigration delay    = 0us',
      `idlers: ${cpumaskHex(idlers, pcpus.length)}`,
      'active units:',
    ];
    let n = 0;
    for (const d of this.order) {
      for (let s = this.dBase[d]!, end = s + this.dCount[d]!; s < end; s++) {
        if (this.vActive[s] === 1) out.push(`\t${String(++n).padStart(3)}: ${this.dumpUnit(this.vcpuAt[s]!)}`);
      }
    }
    return out;
  }

  /**
   * csched_dump_pcpu: pCPU `p`'s run queue, its running vCPU first. The idle vCPU waits at the
   * queue's end while a guest's runs, as in credit1 (domain 32767 is DOMID_IDLE, pri -64).
   */
  dumpCpu(p: PCpu): string[] {
    const core = cpuList(this.host.pcpus.map((q) => q.id));
    const out = [`${cpuTag(p.id)} nr_run=${p.runq.length + (p.curr !== null ? 1 : 0)}, sort=${this.acctPasses}, sibling={${p.id}}, core={${core}}`];
    if (p.curr !== null) out.push(`\trun: ${this.dumpUnit(p.curr)}`);
    let n = 0;
    for (const s of p.runq) out.push(`\t${String(++n).padStart(3)}: ${this.dumpUnit(this.vcpuAt[s]!)}`);
    if (p.curr !== null) out.push(`\t${String(++n).padStart(3)}: [32767.${p.id}] pri=${PRI_IDLE} flags=0 cpu=${p.id}`);
    return out;
  }

  /** csched_dump_unit: [domid.vcpu] pri flags (1 parked, 2 yielding) cpu credit [w=weight,cap=cap]. */
  private dumpUnit(v: VCpu): string {
    const s = v.schedSlot;
    const flags = (this.vParked[s] === 1 ? 1 : 0) | (v.yieldFlag ? 2 : 0);
    return `[${v.dom.id}.${v.id}] pri=${this.vPri[s]} flags=${flags.toString(16)} cpu=${v.processor} credit=${this.credit(v)} [w=${v.dom.weight},cap=${v.dom.cap}]`;
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
    const head = p.runq.length > 0 ? p.runq[0]! : -1;
    const headPri = head >= 0 ? this.vPri[head]! : PRI_IDLE;
    if (headPri > PRI_OVER) {
      next = this.runqRemove(this.vcpuAt[head]!);
    } else {
      next = this.steal(p, headPri);
      if (next === null && head >= 0) next = this.runqRemove(this.vcpuAt[head]!);
    }

    if (next !== cur) {
      if (cur !== null) {
        p.chargeCurrent(now);
        this.hooks.stopping(cur, now);
        p.curr = null;
        this.idlePcpus++;
        this.hooks.setRunstate(cur, now, cur.queuedOn >= 0 ? Runstate.Runnable : cur.restingState());
      }
      if (next !== null) {
        p.curr = next;
        this.idlePcpus--;
        next.processor = p.id;
        p.runStartNs = now;
        p.chargedToNs = now;
        this.vLastBurn[next.schedSlot] = now;
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
    else if (this.vPri[v.schedSlot]! > this.vPri[p.curr.schedSlot]!) at = Math.max(q.now, p.runStartNs + this.ratelimitNs);
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

  /**
   * csched_cpu_pick, simplified: an idle pCPU if one is allowed (one its soft affinity prefers
   * first), else where it last ran (or, if it prefers others, the first of those it may use).
   */
  private pickCpu(v: VCpu): PCpu {
    const pcpus = this.host.pcpus;
    const n = pcpus.length;
    const now = this.host.queue.now;
    const last = pcpus[v.processor];
    // A free pCPU is an idle one: on a saturated host there is nothing to look for.
    if (this.idlePcpus > 0) {
      // Soft affinity first, as credit1's two-step balance does: an idle pCPU it prefers, if one is free.
      if (v.softAffinity !== null) {
        for (let i = 0, j = v.processor; i < n; i++, j++) {
          if (j >= n) j -= n;
          const p = pcpus[j]!;
          if (p.freeAt(now) && v.allows(p.id) && v.prefers(p.id)) return p;
        }
      }
      if (last !== undefined && last.freeAt(now) && v.allows(last.id)) return last;
      for (let i = 1, j = v.processor + 1; i < n; i++, j++) {
        if (j >= n) j -= n;
        const p = pcpus[j]!;
        if (p.freeAt(now) && v.allows(p.id)) return p;
      }
    }
    if (last !== undefined && v.allows(last.id) && v.prefers(last.id)) return last;
    if (v.softAffinity !== null) for (const p of pcpus) if (v.allows(p.id) && v.prefers(p.id)) return p;
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
      for (const s of peer.runq) {
        if (this.vPri[s]! <= minPri) break;
        const v = this.vcpuAt[s]!;
        if (v.allows(p.id)) return this.runqRemove(v);
      }
    }
    return null;
  }

  private runqInsert(p: PCpu, v: VCpu, yielding: boolean): void {
    const rq = p.runq;
    const pri = this.vPri;
    const slot = v.schedSlot;
    const vp = pri[slot]!;
    let i = 0;
    while (i < rq.length && pri[rq[i]!]! >= vp) i++;
    // A yielding vCPU goes behind one lower-priority vCPU, if there is one.
    if (yielding && i < rq.length) i++;
    // Shift by hand: splice allocates an array for what it removes, and queues are short.
    let j = rq.length;
    rq.push(slot);
    while (j > i) {
      rq[j] = rq[j - 1]!;
      j--;
    }
    rq[i] = slot;
    v.queuedOn = p.id;
  }

  private runqRemove(v: VCpu): VCpu {
    const p = this.host.pcpus[v.queuedOn]!;
    const rq = p.runq;
    const slot = v.schedSlot;
    const n = rq.length;
    let i = 0;
    while (i < n && rq[i] !== slot) i++;
    if (i < n) {
      for (let j = i + 1; j < n; j++) rq[j - 1] = rq[j]!;
      rq.pop();
    }
    v.queuedOn = -1;
    return v;
  }

  /** Takes the credit `ns` of running costs from the vCPU in slot `s`. */
  private debit(s: number, ns: number): void {
    this.vCredit[s] = this.vCredit[s]! - (ns * CSCHED_CREDITS_PER_MSEC) / NS_PER_MS;
  }

  private burn(v: VCpu, now: number): void {
    const s = v.schedSlot;
    const d = now - this.vLastBurn[s]!;
    if (d > 0) {
      this.debit(s, d);
      this.vLastBurn[s] = now;
    }
  }

  /** Charges a short run that happened outside the normal switch path (an idle tick handled in place). */
  burnShortRun(v: VCpu, ns: number): void {
    this.debit(v.schedSlot, ns);
  }

  private activate(v: VCpu): void {
    if (this.vActive[v.schedSlot] === 0) {
      this.vActive[v.schedSlot] = 1;
      this.dActive[v.dom.schedSlot]!++;
    }
  }

  private deactivate(v: VCpu): void {
    if (this.vActive[v.schedSlot] === 1) {
      this.vActive[v.schedSlot] = 0;
      this.dActive[v.dom.schedSlot]!--;
    }
  }

  /** csched_tick, for every pCPU at once. */
  private tick(): void {
    const now = this.host.queue.now;
    for (const p of this.host.pcpus) {
      const c = p.curr;
      if (c === null) continue;
      this.burn(c, now);
      if (this.vPri[c.schedSlot] === PRI_BOOST) this.vPri[c.schedSlot] = PRI_UNDER;
      this.activate(c);
    }
  }

  /** csched_acct: hand out a timeslice's worth of credit by weight. */
  private account(): void {
    const { dWeight, dCap, dActive, dBase, dCount, vCredit, vPri, vActive, vParked, order } = this;
    let weightTotal = 0;
    const active = this.activeScratch;
    let nActive = 0;
    for (let i = 0; i < order.length; i++) {
      const d = order[i]!;
      const n = dActive[d]!;
      if (n > 0) {
        active[nActive++] = d;
        weightTotal += dWeight[d]! * n;
      }
    }
    if (weightTotal === 0) {
      this.creditBalance = 0;
      return;
    }
    const perTslice = this.creditsPerTslice;
    let balance = 0;
    let creditTotal = perTslice * this.host.pcpus.length;
    let weightLeft = weightTotal;
    for (let a = 0; a < nActive; a++) {
      const d = active[a]!;
      const n = dActive[d]!;
      const weight = dWeight[d]!;
      const cap = dCap[d]!;
      weightLeft -= weight * n;
      let peak = n * perTslice;
      let capPerVcpu = 0;
      if (cap !== 0) {
        const capCredit = Math.ceil((cap * perTslice) / 100);
        if (capCredit < peak) peak = capCredit;
        capPerVcpu = Math.ceil(capCredit / n);
      }
      let fair = Math.ceil((creditTotal * weight * n) / weightTotal);
      if (fair >= peak) {
        if (weightLeft !== 0) creditTotal += Math.ceil(((fair - peak) * weightTotal) / weightLeft);
        fair = peak;
      }
      const fairPerVcpu = Math.ceil(fair / n);
      for (let s = dBase[d]!, end = s + dCount[d]!; s < end; s++) {
        if (vActive[s] === 0) continue;
        const credit = vCredit[s]! + fairPerVcpu;
        vCredit[s] = credit;
        if (credit < 0) {
          vPri[s] = PRI_OVER;
          if (cap !== 0 && credit < -capPerVcpu && vParked[s] === 0) this.park(this.vcpuAt[s]!);
          if (vCredit[s]! < -perTslice) vCredit[s] = -perTslice;
        } else {
          vPri[s] = PRI_UNDER;
          if (vParked[s] === 1) this.unpark(this.vcpuAt[s]!);
          if (vCredit[s]! > perTslice) {
            vActive[s] = 0;
            dActive[d]!--;
            vCredit[s] = vCredit[s]! / 2;
          }
        }
        balance += vCredit[s]!;
      }
    }
    this.creditBalance = balance;
    this.acctPasses++;
    for (const p of this.host.pcpus) this.sortRunq(p);
  }

  private sortRunq(p: PCpu): void {
    const rq = p.runq;
    const pri = this.vPri;
    for (let i = 1; i < rq.length; i++) {
      const slot = rq[i]!;
      const vp = pri[slot]!;
      let j = i - 1;
      while (j >= 0 && pri[rq[j]!]! < vp) {
        rq[j + 1] = rq[j]!;
        j--;
      }
      rq[j + 1] = slot;
    }
  }

  private park(v: VCpu): void {
    this.vParked[v.schedSlot] = 1;
    v.pauseCount++;
    this.sleep(v);
  }

  private unpark(v: VCpu): void {
    v.pauseCount--;
    this.wake(v);
    this.vParked[v.schedSlot] = 0;
  }
}
