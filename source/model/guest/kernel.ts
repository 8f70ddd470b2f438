/**
 * The emulated guest kernel of one domain: its tasks, its per-CPU scheduling, its time accounting,
 * timer ticks, memory and console.
 *
 * Time accounting is where the modes differ (model-notes.md "Steal"):
 * - pv/hybrid read the runstate area: running time goes to what ran, runnable+offline time to
 *   `steal`, blocked time to idle/iowait — exact, in ns.
 * - full counts ticks: each delivered tick charges one tick period to whatever is current when it
 *   arrives. Ticks that fall while the vCPU is preempted are missed and handled per timer_mode:
 *   replayed at resume (charged to the task it resumes, so stolen time shows as `us`) or dropped
 *   (the tick-counted clock falls behind).
 * Guarantees: for pv/hybrid the stat counters of a vCPU sum to its lifetime; for full they sum to
 * delivered ticks x tick period. Idle full vCPUs take `hz` ticks a second each; idle pv/hybrid
 * vCPUs take none.
 */
import { EventPriority, NS_PER_MS, NS_PER_S, NS_PER_US } from '../clock.js';
import type { EventQueue } from '../clock.js';
import type { Domain } from '../domain.js';
import { MODE_TRAITS } from '../modes.js';
import type { ModeTraits } from '../modes.js';
import type { Rng } from '../rng.js';
import { Runstate } from '../vcpu.js';
import type { VCpu } from '../vcpu.js';
import { bootLog } from './boot-log.js';
import { ConsoleRing } from './console.js';
import { priceInMode } from './cycle.js';
import type { CyclePrice } from './cycle.js';
import { GuestCpu, Stat } from './guest-cpu.js';
import { GuestMemory } from './memory.js';
import { Task } from './task.js';
import { WORKLOADS, taskCount } from './workloads.js';
import type { WorkloadProfile } from './workloads.js';

/** What the guest kernel needs from the hypervisor. */
export interface HypervisorPort {
  readonly queue: EventQueue;
  readonly xenVersion: string;
  readonly cpuMhz: number;
  /** SCHEDOP_block: halt `v` until an event arrives. */
  block(v: VCpu): void;
  /** Deliver an event to a halted `v`. */
  wake(v: VCpu): void;
  /** Run `v` for `ns` right now if a pCPU is free and nothing else happens meanwhile. */
  shortRun(v: VCpu, ns: number): boolean;
  /** Split-driver backend or device-model work Domain-0 does for `from`. */
  submitBackend(from: Domain, ns: number): void;
}

export interface KernelProfile {
  userNs: number;
  kernelNs: number;
  hvNs: number;
  dom0Ns: number;
}

const BOOT_CPU_NS = 250 * NS_PER_MS;
const BOOT_DONE_NS = 1 * NS_PER_S;
const BACKEND_BURST_NS = 2 * NS_PER_MS;
const INIT_PERIOD_NS = 5 * NS_PER_S;

export class GuestKernel {
  readonly cpus: GuestCpu[];
  readonly tasks: Task[] = [];
  readonly memory: GuestMemory;
  readonly console = new ConsoleRing();
  readonly traits: ModeTraits;
  readonly profile: WorkloadProfile;
  readonly hz: number;
  readonly tickNs: number;
  readonly bootNs: number;
  private readonly tickBusyRate: number;
  private readonly tickCostNs: number;
  private readonly tickHvShare: number;
  private readonly wakeCostNs: number;

  interrupts = 0;
  ctxSwitches = 0;
  forks = 0;
  opsDone = 0;
  biKiB = 0;
  boKiB = 0;
  netTxKiB = 0;
  netRxKiB = 0;
  vbdRdReqs = 0;
  vbdWrReqs = 0;
  /** Ticks the timekeeping CPU (CPU 0) has counted; drives a full guest's clock. */
  clockTicks = 0;
  lostTicks = 0;
  readonly prof: KernelProfile = { userNs: 0, kernelNs: 0, hvNs: 0, dom0Ns: 0 };
  /** Domain-0 only: backend work waiting, ns. */
  backlogNs = 0;
  booted = false;
  private nextPid = 1;
  private price: CyclePrice | null = null;
  /** Domain-0 only: backend threads asleep waiting for work, lowest pid first. */
  private readonly idleBackends: Task[] = [];
  private priceHit = -1;

  constructor(
    readonly dom: Domain,
    private readonly hv: HypervisorPort,
    private readonly rng: Rng,
    readonly isBackend: boolean,
  ) {
    const now = hv.queue.now;
    this.bootNs = now;
    this.traits = MODE_TRAITS[dom.mode];
    this.profile = WORKLOADS[dom.spec.workload];
    this.hz = dom.spec.hz;
    this.tickNs = Math.round(NS_PER_S / this.hz);
    const tc = this.traits.tickCost;
    this.tickCostNs = (tc.kernelUs + tc.hvUs) * NS_PER_US;
    this.tickHvShare = tc.hvUs / (tc.kernelUs + tc.hvUs);
    this.tickBusyRate = 1 - (this.hz * this.tickCostNs) / NS_PER_S;
    const wc = this.traits.haltWakeCost;
    this.wakeCostNs = (wc.kernelUs + wc.hvUs) * NS_PER_US;
    this.memory = new GuestMemory(dom.memKiB);
    this.cpus = dom.vcpus.map((v) => {
      const c = new GuestCpu(v, now);
      c.onComplete = () => this.complete(c);
      c.onIdleTick = () => this.idleTick(c);
      v.guest = c;
      return c;
    });
  }

  get mode(): ModeTraits {
    return this.traits;
  }

  /** Boot: print the log as boot reaches each line, start init on CPU 0, then the workload. */
  boot(): void {
    const q = this.hv.queue;
    const now = q.now;
    const spec = this.dom.spec;
    const lines = bootLog({
      spec,
      mode: this.dom.mode,
      xenVersion: this.hv.xenVersion,
      cpuMhz: this.hv.cpuMhz,
      online: spec.vcpus,
      memKiB: this.dom.memKiB,
    });
    for (const [us, text] of lines) {
      q.schedule(now + us * NS_PER_US, EventPriority.Guest, () => this.printk(text));
    }
    q.schedule(now + BOOT_DONE_NS, EventPriority.Guest, () => {
      this.booted = true;
    });

    const init = this.newTask(this.isBackend ? 'xenstored' : 'systemd', 0);
    init.remainingNs = this.isBackend ? 20 * NS_PER_MS : BOOT_CPU_NS;
    init.userFrac = 0.3;
    init.state = 'R';
    this.memory.anonKiB += 20 * 1024;
    this.memory.cacheKiB += 60 * 1024;

    const p = this.profile;
    const n = this.isBackend ? spec.vcpus : taskCount(p, spec.vcpus);
    for (let i = 0; i < n; i++) {
      const t = this.newTask(this.isBackend ? 'qemu-dm' : p.taskName, i % spec.vcpus);
      this.memory.anonKiB += (this.isBackend ? 16 : p.rssMiBPerTask) * 1024;
      if (this.isBackend) {
        this.idleBackends.push(t);
        continue;
      }
      this.sleepTask(t, now, BOOT_DONE_NS + this.rng.range(0, 200 * NS_PER_MS), false);
    }
    this.memory.reclaim();
    this.enqueue(init, now);
  }

  printk(text: string): void {
    this.console.push(this.hv.queue.now - this.bootNs, text);
  }

  // ---- hooks from the hypervisor -------------------------------------------------------------

  /** Before `v`'s runstate changes: close the interval in the guest's accounting. */
  beforeRunstateChange(v: VCpu, nowNs: number): void {
    this.accountTo(v.guest, nowNs);
  }

  /** `v` got a pCPU. */
  started(v: VCpu, nowNs: number): void {
    const c = v.guest;
    if (!this.traits.tickless) this.deliverMissedTicks(c, nowNs);
    c.runSinceNs = nowNs;
    this.plan(c, nowNs);
  }

  /** `v` is about to lose its pCPU. */
  stopping(v: VCpu, nowNs: number): void {
    const c = v.guest;
    this.accountTo(c, nowNs);
    this.progress(c, nowNs);
    if (c.completion) {
      c.completion.cancelled = true;
      c.completion = null;
    }
  }

  // ---- accounting ----------------------------------------------------------------------------

  private ticksBetween(aNs: number, bNs: number): number {
    const p = this.tickNs;
    const o = this.bootNs;
    return Math.floor((bNs - o) / p) - Math.floor((aNs - o) / p);
  }

  private nextTickAfter(tNs: number): number {
    const p = this.tickNs;
    return this.bootNs + (Math.floor((tNs - this.bootNs) / p) + 1) * p;
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

  private chargeIdle(c: GuestCpu, ns: number): void {
    c.stat[c.iowaitTasks > 0 ? Stat.Iowait : Stat.Idle] += ns;
  }

  private accountTo(c: GuestCpu, nowNs: number): void {
    const d = nowNs - c.lastAcctNs;
    if (d <= 0) return;
    const state = c.vcpu.state;
    if (this.traits.seesSteal) {
      if (state === Runstate.Running) {
        this.charge(c, d, c.task);
        if (c.task !== null) this.interrupts += this.ticksBetween(c.lastAcctNs, nowNs);
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

  private deliverTicks(c: GuestCpu, k: number, ctx: Task | null): void {
    const ns = k * this.tickNs;
    if (ctx === null) this.chargeIdle(c, ns);
    else this.charge(c, ns, ctx);
    this.interrupts += k;
    if (c.vcpu.id === 0) this.clockTicks += k;
  }

  /** Full mode: ticks due while `c` waited for a pCPU, handled per timer_mode. */
  private deliverMissedTicks(c: GuestCpu, nowNs: number): void {
    const missed = this.ticksBetween(c.tickedToNs, nowNs);
    c.tickedToNs = nowNs;
    if (missed <= 0) return;
    const tm = this.dom.spec.timerMode;
    const replayAll = tm === 'delay_for_missed_ticks' || tm === 'no_delay_for_missed_ticks';
    const delivered = replayAll ? missed : 1;
    if (c.vcpu.id === 0) this.lostTicks += missed - delivered;
    this.deliverTicks(c, delivered, c.task);
    c.overheadNs += delivered * this.tickCostNs;
  }

  // ---- running work --------------------------------------------------------------------------

  /** Consumes the work done since `runSinceNs`: overhead first, then the task's burst. */
  private progress(c: GuestCpu, nowNs: number): void {
    const elapsed = nowNs - c.runSinceNs;
    if (elapsed <= 0) return;
    c.runSinceNs = nowNs;
    let done = elapsed * c.rate;
    const tickNs = elapsed - done;
    const ov = Math.min(done, c.overheadNs);
    c.overheadNs -= ov;
    done -= ov;
    const hvPart = (ov + tickNs) * this.tickHvShare;
    this.prof.hvNs += hvPart;
    this.prof.kernelNs += ov + tickNs - hvPart;
    const t = c.task;
    if (t !== null && done > 0) {
      const used = Math.min(done, t.remainingNs);
      t.remainingNs -= used;
      t.cpuNs += used;
      this.prof.userNs += used * t.userFrac;
      this.prof.hvNs += used * t.hvFrac;
      this.prof.kernelNs += used * (1 - t.userFrac - t.hvFrac);
    }
  }

  /** Schedules the moment the current work on `c` finishes. */
  private plan(c: GuestCpu, nowNs: number): void {
    if (c.completion) c.completion.cancelled = true;
    const t = c.task;
    c.rate = t !== null && !this.isBackend ? this.tickBusyRate : 1;
    const work = c.overheadNs + (t !== null ? t.remainingNs : 0);
    const at = nowNs + Math.max(1, Math.ceil(work / c.rate));
    c.completion = this.hv.queue.schedule(at, EventPriority.Guest, c.onComplete);
  }

  private complete(c: GuestCpu): void {
    c.completion = null;
    const now = this.hv.queue.now;
    this.accountTo(c, now);
    this.progress(c, now);
    c.overheadNs = 0;
    c.completing = true;
    const t = c.task;
    c.task = null;
    // Choose what runs next before the finished task re-queues, so equal tasks take turns.
    const next = this.pickNext(c);
    if (next !== null) {
      c.task = next;
      next.cpu = c.vcpu.id;
    }
    if (t !== null) {
      t.remainingNs = 0;
      this.finishBurst(t, now);
    }
    c.completing = false;
    const cur = c.task as Task | null;
    if (cur === null) {
      if (t !== null) this.ctxSwitches++;
      this.halt(c, now);
      return;
    }
    if (cur !== t) this.ctxSwitches++;
    this.plan(c, now);
  }

  private pickNext(c: GuestCpu): Task | null {
    const own = c.runq.shift();
    if (own !== undefined) return own;
    // Idle balance: pull a waiting task from the busiest sibling.
    let busiest: GuestCpu | null = null;
    for (const o of this.cpus) {
      if (o !== c && o.vcpu.up && o.runq.length > 0 && (busiest === null || o.runq.length > busiest.runq.length)) busiest = o;
    }
    return busiest === null ? null : (busiest.runq.shift() ?? null);
  }

  private halt(c: GuestCpu, nowNs: number): void {
    if (!this.traits.tickless) {
      c.tickEvent = this.hv.queue.schedule(this.nextTickAfter(nowNs), EventPriority.Timer, c.onIdleTick);
    }
    this.hv.block(c.vcpu);
  }

  /** Full mode: the periodic tick arrives at a halted vCPU and wakes it. */
  private idleTick(c: GuestCpu): void {
    c.tickEvent = null;
    const now = this.hv.queue.now;
    const v = c.vcpu;
    if (!v.blocked) return;
    c.tickedToNs = now;
    this.deliverTicks(c, 1, null);
    const cost = this.tickCostNs;
    if (this.hv.shortRun(v, cost)) {
      this.prof.hvNs += cost * this.tickHvShare;
      this.prof.kernelNs += cost * (1 - this.tickHvShare);
      c.tickEvent = this.hv.queue.schedule(now + this.tickNs, EventPriority.Timer, c.onIdleTick);
      return;
    }
    c.overheadNs += cost;
    this.hv.wake(v);
  }

  // ---- tasks ---------------------------------------------------------------------------------

  private newTask(name: string, cpu: number): Task {
    const t = new Task(this.nextPid++, name, cpu, this.hv.queue.now);
    if (this.nextPid === 2) this.nextPid = 300;
    this.tasks.push(t);
    return t;
  }

  private startBurst(t: Task): void {
    if (this.isBackend) {
      const take = Math.min(this.backlogNs, BACKEND_BURST_NS);
      this.backlogNs -= take;
      t.remainingNs = Math.max(take, 1000);
      t.userFrac = 0;
      t.softirqFrac = 0.5;
      return;
    }
    if (t.pid === 1) {
      t.remainingNs = 200 * NS_PER_US;
      t.userFrac = 0.5;
      t.softirqFrac = 0;
      return;
    }
    const p = this.profile;
    const mem = this.memory;
    const datasetKiB = p.datasetMiB * 1024;
    // Priced at a 1/256 resolution of the hit ratio, so a warming cache does not re-price every burst.
    const hit = datasetKiB > 0 ? Math.floor(Math.min(1, mem.cacheKiB / datasetKiB) * 256) / 256 : 1;
    if (hit !== this.priceHit || this.price === null) {
      this.price = priceInMode(p, this.dom.mode, hit);
      this.priceHit = hit;
    }
    const price = this.price;
    const jitter = p.burstJitter > 0 ? 1 + p.burstJitter * (2 * this.rng.next() - 1) : 1;
    const cpuUs = (price.userUs + price.kernelUs + price.softirqUs + price.hvUs) * jitter;
    t.remainingNs = Math.max(1000, cpuUs * NS_PER_US);
    t.userFrac = cpuUs > 0 ? (price.userUs * jitter) / cpuUs : 0;
    t.softirqFrac = cpuUs > 0 ? (price.softirqUs * jitter) / cpuUs : 0;
    t.hvFrac = cpuUs > 0 ? (price.hvUs * jitter) / cpuUs : 0;
    t.pendingOps = p.opsPerCycle;
    t.pendingDom0Ns = price.dom0Us * jitter * NS_PER_US;
    t.pendingDiskReadKiB = price.readKiB;
    t.pendingDiskWriteKiB = price.writeKiB;
    t.pendingNetKiB = price.netKiB;
    t.pendingDiskOps = price.diskOps;
    const now = this.hv.queue.now;
    let think = 0;
    if (p.thinkMs > 0) {
      const wave = p.wavePeriodS > 0 ? 1 - p.waveDepth * Math.sin((2 * Math.PI * now) / (p.wavePeriodS * NS_PER_S)) : 1;
      think = this.rng.exp(p.thinkMs * NS_PER_MS) * wave;
    }
    const ioNs = price.ioWaitUs * NS_PER_US;
    t.waitNs = think + ioNs;
    t.waitIsIo = ioNs > think;
    if (p.name === 'build') this.forks++;
  }

  private finishBurst(t: Task, nowNs: number): void {
    if (this.isBackend) {
      if (this.backlogNs > 0) this.enqueue(t, nowNs);
      else {
        t.state = 'S';
        const q = this.idleBackends;
        let i = q.length;
        while (i > 0 && q[i - 1]!.pid > t.pid) i--;
        q.splice(i, 0, t);
      }
      return;
    }
    if (t.pid === 1) {
      this.sleepTask(t, nowNs, INIT_PERIOD_NS, false);
      return;
    }
    this.opsDone += t.pendingOps;
    const mem = this.memory;
    if (t.pendingDiskReadKiB > 0) {
      this.biKiB += t.pendingDiskReadKiB;
      mem.growCache(t.pendingDiskReadKiB);
    }
    this.boKiB += t.pendingDiskWriteKiB;
    const reads = t.pendingDiskOps > 0 ? t.pendingDiskReadKiB / (t.pendingDiskReadKiB + t.pendingDiskWriteKiB || 1) : 0;
    this.vbdRdReqs += t.pendingDiskOps * reads;
    this.vbdWrReqs += t.pendingDiskOps * (1 - reads);
    this.netTxKiB += t.pendingNetKiB * 0.8;
    this.netRxKiB += t.pendingNetKiB * 0.2;
    this.interrupts += Math.round(t.pendingDiskOps);
    if (t.pendingDom0Ns > 0) {
      this.prof.dom0Ns += t.pendingDom0Ns;
      this.hv.submitBackend(this.dom, t.pendingDom0Ns);
    }
    t.pendingOps = 0;
    t.pendingDom0Ns = 0;
    t.pendingDiskReadKiB = 0;
    t.pendingDiskWriteKiB = 0;
    t.pendingNetKiB = 0;
    t.pendingDiskOps = 0;
    if (t.waitNs > 0) this.sleepTask(t, nowNs, t.waitNs, t.waitIsIo);
    else this.enqueue(t, nowNs);
  }

  private sleepTask(t: Task, nowNs: number, forNs: number, io: boolean): void {
    t.state = io ? 'D' : 'S';
    if (io) this.cpus[t.cpu]!.iowaitTasks++;
    let at = nowNs + forNs;
    // A ticking kernel's timers expire on tick boundaries; I/O completions interrupt at once.
    if (!io && !this.traits.tickless) at = this.nextTickAfter(at - 1);
    t.wake = this.hv.queue.schedule(at, EventPriority.Guest, () => {
      t.wake = null;
      const now = this.hv.queue.now;
      if (t.state === 'D') {
        const c = this.cpus[t.cpu]!;
        this.accountTo(c, now);
        c.iowaitTasks--;
      }
      this.enqueue(t, now);
    });
  }

  /** Makes `t` runnable on the best CPU and wakes that CPU if it is halted. */
  enqueue(t: Task, nowNs: number): void {
    t.state = 'R';
    if (t.remainingNs <= 0) this.startBurst(t);
    const c = this.chooseCpu(t);
    if (c.task === null) {
      c.task = t;
      t.cpu = c.vcpu.id;
      this.kick(c, nowNs);
    } else {
      c.runq.push(t);
    }
  }

  private chooseCpu(t: Task): GuestCpu {
    const cpus = this.cpus;
    const prev = cpus[t.cpu];
    if (prev !== undefined && prev.vcpu.up && prev.task === null) return prev;
    const n = cpus.length;
    for (let i = 1; i <= n; i++) {
      const c = cpus[(t.cpu + i) % n]!;
      if (c.vcpu.up && c.task === null) return c;
    }
    let best: GuestCpu | null = null;
    for (const c of cpus) {
      if (!c.vcpu.up) continue;
      if (best === null || c.runq.length < best.runq.length) best = c;
    }
    return best ?? cpus[0]!;
  }

  /** A CPU that just got a task: if halted, send it an event; if running idle work, replan. */
  private kick(c: GuestCpu, nowNs: number): void {
    const v = c.vcpu;
    if (v.state === Runstate.Running) {
      if (c.completing) return;
      this.progress(c, nowNs);
      this.plan(c, nowNs);
      return;
    }
    if (!v.blocked) return;
    this.accountTo(c, nowNs);
    if (c.tickEvent) {
      c.tickEvent.cancelled = true;
      c.tickEvent = null;
    }
    this.interrupts++;
    this.ctxSwitches++;
    c.overheadNs += this.wakeCostNs;
    this.hv.wake(v);
  }

  // ---- Domain-0 backend ----------------------------------------------------------------------

  /** Domain-0 only: queue backend work and wake an idle backend thread. */
  addBackendWork(ns: number): void {
    this.backlogNs += ns;
    const t = this.idleBackends.shift();
    if (t !== undefined) this.enqueue(t, this.hv.queue.now);
  }

  // ---- what readers see ----------------------------------------------------------------------

  /** /proc/stat counters per CPU in ns, brought up to `nowNs`. */
  statNs(nowNs: number): number[][] {
    return this.cpus.map((c) => {
      this.accountTo(c, nowNs);
      return [...c.stat];
    });
  }

  /** Guest clock minus host clock, ns: 0 for a kernel that reads Xen's clock. */
  clockOffsetNs(nowNs: number): number {
    if (this.traits.clocksource === 'xen') return 0;
    const due = this.ticksBetween(this.bootNs, nowNs);
    return (this.clockTicks - due) * this.tickNs;
  }

  runnableTasks(): number {
    let n = 0;
    for (const t of this.tasks) if (t.state === 'R') n++;
    return n;
  }

  blockedTasks(): number {
    let n = 0;
    for (const t of this.tasks) if (t.state === 'D') n++;
    return n;
  }
}
