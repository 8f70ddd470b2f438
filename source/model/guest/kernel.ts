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
import { doubleFields, objectArray } from '../arrays.js';
import { EventPriority, NS_PER_MS, NS_PER_S, NS_PER_US } from '../clock.js';
import type { EventQueue, SimEvent } from '../clock.js';
import type { Domain } from '../domain.js';
import { MODE_TRAITS } from '../modes.js';
import type { ModeTraits } from '../modes.js';
import type { Rng } from '../rng.js';
import { Runstate } from '../vcpu.js';
import type { VCpu } from '../vcpu.js';
import type { BalloonDriver } from './balloon.js';
import { LockContention } from './locks.js';
import { TimeAccounting } from './timekeeping.js';
import { MemoryPressure } from './pressure.js';
import { DEBIAN_SYSRQ_MASK, handleSysrq } from './sysrq.js';
import { bootLog } from './boot-log.js';
import { OS_CONSOLE } from './os-console.js';
import type { ConsoleLine, OsConsole } from './os-console.js';
import { ConsoleRing } from './console.js';
import { priceInMode } from './cycle.js';
import type { CyclePrice } from './cycle.js';
import { CpuEvent, GuestCpu } from './guest-cpu.js';
import type { CpuEventSink } from './guest-cpu.js';
import { GuestMemory } from './memory.js';
import { Task } from './task.js';
import type { TaskState, TaskSink } from './task.js';
import { WORKLOADS, loadWave, taskCount } from './workloads.js';
import type { WorkloadName, WorkloadProfile } from './workloads.js';

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
  /** Host memory not held by any domain, KiB (what populate_physmap can hand out). */
  hostFreeKiB(): number;
  /** The guest kernel panicked. */
  crash(dom: Domain, why: string): void;
  /** VCPUOP_down / VCPUOP_up: a PV guest takes one of its own vCPUs down or brings it back. */
  vcpuOp(v: VCpu, up: boolean): void;
  /**
   * The guest shuts itself down (poweroff, reboot): it runs its shutdown and ends with
   * SCHEDOP_shutdown, or on HVM the ACPI sleep/reset registers. No PV drivers are needed for that,
   * unlike xl shutdown, which has to ask the guest.
   */
  shutdownSelf(dom: Domain, reboot: boolean, now?: boolean): void;
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
/** Linux's load average: sampled every LOAD_FREQ (5 s + 1 tick), fixed point with FSHIFT 11. */
const FIXED_1 = 1 << 11;
const EXP = [1884, 2014, 2037] as const;
const LOAD_FREQ_NS = 5 * NS_PER_S;

/** Counters that take fractions (see doubleFields). */
const KERNEL_DOUBLES = ['opsDone', 'biKiB', 'boKiB', 'netTxKiB', 'netRxKiB', 'backlogNs'] as const satisfies readonly (keyof GuestKernel)[];

export class GuestKernel implements CpuEventSink, TaskSink {
  readonly cpus: GuestCpu[];
  readonly tasks: Task[] = objectArray<Task>();
  readonly memory: GuestMemory;
  readonly console = new ConsoleRing();
  readonly traits: ModeTraits;
  /** What its OS shows on the console besides the boot log. */
  readonly os: OsConsole;
  profile: WorkloadProfile;
  readonly hz: number;
  readonly tickNs: number;
  readonly bootNs: number;
  private readonly tickBusyRate: number;
  readonly tickCostNs: number;
  private readonly tickHvShare: number;
  private readonly wakeCostNs: number;

  interrupts = 0;
  ctxSwitches = 0;
  opsDone = 0;
  biKiB = 0;
  boKiB = 0;
  netTxKiB = 0;
  netRxKiB = 0;
  vbdRdReqs = 0;
  vbdWrReqs = 0;
  readonly prof: KernelProfile = { userNs: 0, kernelNs: 0, hvNs: 0, dom0Ns: 0 };
  /** Domain-0 only: backend work waiting, ns. */
  backlogNs = 0;
  /** Balloon driver, working sets, reclaim and OOM. */
  readonly pressure: MemoryPressure;
  /** Lock-holder preemption between this guest's vCPUs. */
  readonly locks: LockContention;
  /** /proc/stat accounting, tick delivery per timer_mode, the guest's clock. */
  readonly time: TimeAccounting;
  booted = false;
  /** avenrun[]: 1, 5 and 15 minute load averages in FIXED_1 units, as /proc/loadavg reads them. */
  readonly avenrun: [number, number, number] = [0, 0, 0];
  /** Tasks created since boot (/proc/stat `processes`). */
  forks = 0;
  private loadTimer: SimEvent | null = null;
  /** Set when the domain is destroyed: pending events become no-ops. */
  dead = false;
  /** Shutting down: tasks finish their burst but start no new work. */
  shuttingDown = false;
  private nextPid = 1;
  private price: CyclePrice | null = null;
  /** Domain-0 only: backend threads asleep waiting for work, lowest pid first. */
  private readonly idleBackends: Task[] = objectArray<Task>();
  private priceHit = -1;
  /** Tasks now in state R and in state D (kept by taskStateChanged). */
  private nRunnable = 0;
  private nBlocked = 0;

  constructor(
    readonly dom: Domain,
    readonly hv: HypervisorPort,
    readonly rng: Rng,
    readonly isBackend: boolean,
  ) {
    const now = hv.queue.now;
    this.bootNs = now;
    this.hostname = isBackend ? 'xenhost' : dom.name;
    this.traits = MODE_TRAITS[dom.mode];
    this.os = OS_CONSOLE[dom.spec.guestOs];
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
    this.pressure = new MemoryPressure(this, this.traits.balloon && !isBackend);
    this.locks = new LockContention(this);
    this.time = new TimeAccounting(this);
    this.cpus = dom.vcpus.map((v) => {
      const c = new GuestCpu(v, now, this);
      v.guest = c;
      return c;
    });
    doubleFields(this, KERNEL_DOUBLES);
    doubleFields(this.prof, ['userNs', 'kernelNs', 'hvNs', 'dom0Ns'] satisfies (keyof KernelProfile)[]);
  }

  /** A guest CPU's event (see CpuEvent); none once the domain is gone. */
  cpuEvent(c: GuestCpu, kind: CpuEvent): void {
    if (this.dead) return;
    if (kind === CpuEvent.Complete) this.complete(c);
    else this.idleTick(c);
  }


  /** Boot: print the log as boot reaches each line, start init on CPU 0, then the workload. */
  boot(): void {
    const q = this.hv.queue;
    const now = q.now;
    const spec = this.dom.spec;
    // The CPUs the domain was created with are the ones the kernel brings up.
    for (const c of this.cpus) c.online = c.vcpu.up;
    const lines = bootLog({
      spec,
      mode: this.dom.mode,
      xenVersion: this.hv.xenVersion,
      cpuMhz: this.hv.cpuMhz,
      online: spec.vcpus,
      memKiB: this.dom.memKiB,
      hostname: this.hostname,
    });
    // A kernel's boot messages go to its log (dmesg); some lines are a program's output on the
    // terminal instead (a Windows guest's serial port: EMS's SAC).
    for (const [us, text, tty] of lines) {
      q.schedule(now + us * NS_PER_US, EventPriority.Guest, () => {
        if (this.dead) return;
        if (tty) this.ttyWrite(text);
        else this.printk(text);
      });
    }
    q.schedule(now + BOOT_DONE_NS, EventPriority.Guest, () => {
      this.booted = true;
      if (this.dead) return;
      for (const l of this.os.getty(this.hostname, this.traits.console)) this.ttyWrite(l);
      // A key written while it booted waited in xenstore; the drivers' watch fires as it is set up.
      const key = this.unreadSysrq;
      this.unreadSysrq = null;
      if (key !== null) handleSysrq(this, key, true);
    });
    this.loadTimer = q.schedule(now + LOAD_FREQ_NS + this.tickNs, EventPriority.Accounting, () => this.calcLoad());

    const init = this.newTask(this.isBackend ? 'xenstored' : 'systemd', 0);
    init.kernelThread = true;
    init.remainingNs = this.isBackend ? 20 * NS_PER_MS : BOOT_CPU_NS;
    init.userFrac = 0.3;
    init.state = 'R';
    this.setRss(init, 20 * 1024);
    this.memory.cacheKiB += 60 * 1024;
    if (this.pressure.balloon !== null) {
      const b = this.newTask('xen-balloon', 0);
      b.kernelThread = true;
      this.pressure.balloonTask = b;
    }
    if (this.isBackend) {
      for (let i = 0; i < spec.vcpus; i++) {
        const t = this.newTask('qemu-dm', i);
        t.kernelThread = true;
        this.setRss(t, 16 * 1024);
        this.idleBackends.push(t);
      }
    } else {
      this.spawnWorkload(now + BOOT_DONE_NS);
    }
    this.pressure.applyPressure();
    // A ticking kernel arms its periodic timer on every CPU it brings up, busy or not.
    if (!this.traits.tickless) {
      for (const c of this.cpus) {
        if (c.online) c.tickEvent = this.hv.queue.scheduleFire(this.time.nextTickAfter(now), EventPriority.Timer, c, CpuEvent.IdleTick);
      }
    }
    this.enqueue(init, now);
  }

  /** Starts the workload's tasks; they first run at `fromNs` (after boot, or now). */
  private spawnWorkload(fromNs: number): void {
    const p = this.profile;
    const online = Math.max(1, this.dom.onlineVcpus);
    const n = taskCount(p, online);
    const now = this.hv.queue.now;
    for (let i = 0; i < n; i++) {
      const t = this.newTask(p.taskName, i % online);
      this.setRss(t, p.rssMiBPerTask * 1024);
      this.sleepTask(t, now, fromNs - now + this.rng.range(0, 200 * NS_PER_MS), false);
    }
    this.pressure.applyPressure();
  }

  setRss(t: Task, kib: number): void {
    this.memory.anonKiB += kib - t.rssKiB;
    t.rssKiB = kib;
  }

  /** The domain is gone: cancel everything still pending. */
  stop(): void {
    this.dead = true;
    if (this.loadTimer) this.loadTimer.cancelled = true;
    this.loadTimer = null;
    this.locks.stop();
    this.pressure.stop();
    for (const c of this.cpus) {
      if (c.completion) c.completion.cancelled = true;
      c.completion = null;
      if (c.tickEvent) c.tickEvent.cancelled = true;
      c.tickEvent = null;
    }
    for (const t of this.tasks) {
      if (t.wake) t.wake.cancelled = true;
      t.wake = null;
    }
  }

  /** The balloon driver, or null (no PV drivers). */
  get balloon(): BalloonDriver | null {
    return this.pressure.balloon;
  }

  /** The toolstack wrote memory/target: the balloon driver (if any) goes to work. */
  targetChanged(): void {
    this.pressure.targetChanged();
  }

  /** Orderly shutdown: print what a guest prints, stop starting new work. */
  /** An orderly shutdown, asked through the PV control interface or (`powerButton`) by the ACPI power button. */
  beginShutdown(reboot: boolean, powerButton = false): void {
    this.shuttingDown = true;
    if (powerButton) this.write(this.os.powerButton);
    this.write(this.os.shutdown(reboot));
  }

  /** kernel.sysrq (/proc/sys/kernel/sysrq): which SysRq functions a key may use (see sysrq.ts). */
  sysrqMask = DEBIAN_SYSRQ_MASK;

  /** A key in control/sysrq before the PV drivers were up to watch it (xenstore keeps the last one written). */
  private unreadSysrq: string | null = null;

  /** A SysRq key from xenstore's control/sysrq (xl sysrq), checked against kernel.sysrq; false if this OS does not watch for one. */
  sysrq(key: string): boolean {
    if (!this.os.sysrq || this.dead) return false;
    if (!this.booted) this.unreadSysrq = key;
    else handleSysrq(this, key, true);
    return true;
  }

  /** A key written to /proc/sysrq-trigger (root, in the guest): every function, whatever kernel.sysrq says. */
  sysrqTrigger(key: string): void {
    if (!this.dead) handleSysrq(this, key, false);
  }

  /** A disk hot-plugged by xl block-attach: blkfront connects it if the guest has PV drivers. */
  diskAttached(vdev: string): void {
    if (this.traits.pvDrivers && vdev.startsWith('xvd')) this.printk(`blkfront: ${vdev}: flush diskcache: enabled; persistent grants: enabled; indirect descriptors: enabled;`);
  }

  /** An NMI on vCPU `cpu` that no driver claims (xl trigger nmi). */
  unknownNmi(cpu: number): void {
    this.write(this.os.nmi(cpu, '3d'));
  }

  /** A kernel log message (dmesg), which the console shows as it is printed if the OS logs there (see OsConsole.kernelLog). */
  printk(text: string): void {
    if (!this.os.kernelLog) return;
    this.console.push(this.hv.queue.now - this.bootNs, text);
  }

  /** The kernel gives up (a panic; on Windows a bug check): what its console shows as it stops. */
  panic(why: string): void {
    this.write(this.os.panic(why));
  }

  /** Lines to the console: a program's to the terminal, the kernel's to its log. */
  private write(lines: readonly ConsoleLine[]): void {
    for (const [text, tty] of lines) {
      if (tty) this.ttyWrite(text);
      else this.printk(text);
    }
  }

  /** A line written to the console terminal by a program (getty, a shell): not in dmesg. */
  ttyWrite(text: string): void {
    this.console.push(this.hv.queue.now - this.bootNs, text, true);
  }

  /**
   * The guest's hostname: its domain's name when it booted, as the demo images set it (Domain-0:
   * its host's). `xl rename` changes the name in xenstore, not inside the running guest.
   */
  readonly hostname: string;

  /** calc_global_load: every LOAD_FREQ, fold the runnable and uninterruptible tasks into avenrun. */
  private calcLoad(): void {
    this.loadTimer = null;
    if (this.dead) return;
    const active = (this.runnableTasks() + this.blockedTasks()) * FIXED_1;
    for (let i = 0; i < 3; i++) {
      const e = EXP[i]!;
      const a = this.avenrun[i]! * e + active * (FIXED_1 - e);
      // Linux rounds up while the load grows (calc_load's `newload += FIXED_1 - 1`).
      this.avenrun[i] = Math.floor((active >= this.avenrun[i]! ? a + FIXED_1 - 1 : a) / FIXED_1);
    }
    const q = this.hv.queue;
    this.loadTimer = q.schedule(q.now + LOAD_FREQ_NS, EventPriority.Accounting, () => this.calcLoad());
  }

  // ---- hooks from the hypervisor -------------------------------------------------------------

  /** Before `v`'s runstate changes: close the interval in the guest's accounting. */
  beforeRunstateChange(v: VCpu, nowNs: number): void {
    this.time.accountTo(v.guest, nowNs);
  }

  /** `v` got a pCPU. */
  started(v: VCpu, nowNs: number): void {
    const c = v.guest;
    if (!this.traits.tickless) this.time.deliverMissedTicks(c, nowNs);
    c.runSinceNs = nowNs;
    this.plan(c, nowNs);
    this.locks.started();
  }

  /** `v` is about to lose its pCPU. */
  stopping(v: VCpu, nowNs: number): void {
    const c = v.guest;
    this.time.accountTo(c, nowNs);
    this.progress(c, nowNs);
    if (c.completion) {
      c.completion.cancelled = true;
      c.completion = null;
    }
    // Preempted (still runnable) in the middle of its work: it may be holding a kernel lock.
    if (v.runnable) this.locks.preempted(c);
  }

  // ---- running work --------------------------------------------------------------------------

  /** Consumes the work done since `runSinceNs`: overhead first, then the task's burst. */
  progress(c: GuestCpu, nowNs: number): void {
    const elapsed = nowNs - c.runSinceNs;
    if (elapsed <= 0) return;
    c.runSinceNs = nowNs;
    if (c.spinning) {
      c.spinNs += elapsed;
      this.prof.kernelNs += elapsed;
      return;
    }
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
  plan(c: GuestCpu, nowNs: number): void {
    if (c.completion) c.completion.cancelled = true;
    c.completion = null;
    if (c.spinning) return;
    const t = c.task;
    c.rate = t !== null && !this.isBackend ? this.tickBusyRate : 1;
    const work = c.overheadNs + (t !== null ? t.remainingNs : 0);
    const at = nowNs + Math.max(1, Math.ceil(work / c.rate));
    c.completion = this.hv.queue.scheduleFire(at, EventPriority.Guest, c, CpuEvent.Complete);
  }

  private complete(c: GuestCpu): void {
    c.completion = null;
    const now = this.hv.queue.now;
    this.time.accountTo(c, now);
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
    if (!c.online) return null;
    const own = c.runq.shift();
    if (own !== undefined) return own;
    // Idle balance: pull a waiting task from the busiest sibling.
    const cpus = this.cpus;
    let busiest: GuestCpu | null = null;
    let most = 0;
    for (let i = 0; i < cpus.length; i++) {
      const o = cpus[i]!;
      const n = o.runq.length;
      if (n > most && o !== c && o.online) {
        busiest = o;
        most = n;
      }
    }
    return busiest === null ? null : (busiest.runq.shift() ?? null);
  }

  private halt(c: GuestCpu, nowNs: number): void {
    if (!this.traits.tickless && c.online) {
      c.tickEvent = this.hv.queue.scheduleFire(this.time.nextTickAfter(nowNs), EventPriority.Timer, c, CpuEvent.IdleTick);
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
    this.time.deliverTicks(c, 1, null);
    const cost = this.tickCostNs;
    if (this.hv.shortRun(v, cost)) {
      this.prof.hvNs += cost * this.tickHvShare;
      this.prof.kernelNs += cost * (1 - this.tickHvShare);
      c.tickEvent = this.hv.queue.scheduleFire(now + this.tickNs, EventPriority.Timer, c, CpuEvent.IdleTick);
      return;
    }
    c.overheadNs += cost;
    this.hv.wake(v);
  }

  // ---- tasks ---------------------------------------------------------------------------------

  newTask(name: string, cpu: number, pid = this.allocPid()): Task {
    const t = new Task(pid, this.os.processName(name), cpu, this.hv.queue.now, this);
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
    if (t === this.pressure.balloonTask) {
      this.pressure.startBalloonBurst(t);
      return;
    }
    if (t.kind === 'hog') {
      // A CPU hog never waits: 10 ms slices of computation (and, for `yes`, write(2) calls).
      t.remainingNs = 10 * NS_PER_MS;
      t.userFrac = t.hogUserFrac;
      t.softirqFrac = 0;
      t.hvFrac = 0;
      t.waitNs = 0;
      return;
    }
    const p = this.profile;
    this.pressure.touchMemory(t);
    if (t.exited) return;
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
    t.pendingCtxsw = p.cycleOps.ctxsw;
    const now = this.hv.queue.now;
    let think = 0;
    if (p.thinkMs > 0) {
      think = this.rng.exp(p.thinkMs * NS_PER_MS) * loadWave(p, now);
    }
    const ioNs = price.ioWaitUs * NS_PER_US;
    t.waitNs = think + ioNs;
    t.waitIsIo = ioNs > think;
  }

  private finishBurst(t: Task, nowNs: number): void {
    if (this.isBackend) {
      if (this.backlogNs > 0) this.enqueue(t, nowNs);
      else {
        t.state = 'S';
        const q = this.idleBackends;
        let i = q.length;
        q.push(t);
        while (i > 0 && q[i - 1]!.pid > t.pid) {
          q[i] = q[i - 1]!;
          i--;
        }
        q[i] = t;
      }
      return;
    }
    if (t.pid === 1) {
      this.sleepTask(t, nowNs, INIT_PERIOD_NS, false);
      return;
    }
    if (t === this.pressure.balloonTask) {
      this.pressure.finishBalloonBurst(t);
      return;
    }
    if (t.exited) {
      this.reap(t);
      return;
    }
    if (t.kind === 'hog') {
      if (this.shuttingDown) t.state = 'S';
      else this.enqueue(t, nowNs);
      return;
    }
    this.opsDone += t.pendingOps;
    if (this.shuttingDown) {
      t.state = 'S';
      return;
    }
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
    this.ctxSwitches += t.pendingCtxsw;
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
    t.pendingCtxsw = 0;
    if (t.waitNs > 0) this.sleepTask(t, nowNs, t.waitNs, t.waitIsIo);
    else this.enqueue(t, nowNs);
  }

  private sleepTask(t: Task, nowNs: number, forNs: number, io: boolean): void {
    t.state = io ? 'D' : 'S';
    if (io) this.cpus[t.cpu]!.iowaitTasks++;
    let at = nowNs + forNs;
    // A ticking kernel's timers expire on tick boundaries; I/O completions interrupt at once.
    if (!io && !this.traits.tickless) at = this.time.nextTickAfter(at - 1);
    t.wake = this.hv.queue.scheduleFire(at, EventPriority.Guest, t, 0);
  }

  /** A sleeping task's timer or I/O completion. */
  taskWoke(t: Task): void {
    t.wake = null;
    if (this.dead || this.shuttingDown) return;
    const now = this.hv.queue.now;
    if (t.state === 'D') {
      const c = this.cpus[t.cpu]!;
      this.time.accountTo(c, now);
      c.iowaitTasks--;
    }
    this.enqueue(t, now);
  }

  /** Makes `t` runnable on the best CPU and wakes that CPU if it is halted. */
  enqueue(t: Task, nowNs: number): void {
    if (this.dead) return;
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
    if (prev !== undefined && prev.online && prev.task === null) return prev;
    const n = cpus.length;
    for (let i = 1; i <= n; i++) {
      const c = cpus[(t.cpu + i) % n]!;
      if (c.online && c.task === null) return c;
    }
    let best: GuestCpu | null = null;
    for (const c of cpus) {
      if (!c.online) continue;
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
    this.time.accountTo(c, nowNs);
    if (c.tickEvent) {
      c.tickEvent.cancelled = true;
      c.tickEvent = null;
    }
    this.interrupts++;
    this.ctxSwitches++;
    c.overheadNs += this.wakeCostNs;
    this.hv.wake(v);
  }

  /** Makes a task leave: at once if it is not on a CPU, else when its burst ends. */
  exitTask(t: Task): void {
    t.exited = true;
    this.setRss(t, 0);
    if (t.wake) {
      t.wake.cancelled = true;
      t.wake = null;
      if (t.state === 'D') this.cpus[t.cpu]!.iowaitTasks--;
      this.reap(t);
      return;
    }
    for (const c of this.cpus) {
      const i = c.runq.indexOf(t);
      if (i >= 0) {
        c.runq.splice(i, 1);
        this.reap(t);
        return;
      }
    }
    // Asleep with nothing to wake it (a shell, a finished program): gone at once.
    if (t.state !== 'R') {
      this.reap(t);
      return;
    }
    // Running (or holding a CPU): it exits when its current burst completes.
  }

  private reap(t: Task): void {
    t.state = 'S';
    const i = this.tasks.indexOf(t);
    if (i >= 0) this.tasks.splice(i, 1);
  }

  /** `workload dom NAME`: the old tasks exit, the new workload's tasks start now. */
  setWorkload(name: WorkloadName): void {
    for (const t of [...this.tasks]) if (!t.kernelThread && t.kind === 'workload') this.exitTask(t);
    this.profile = WORKLOADS[name];
    this.price = null;
    this.spawnWorkload(this.hv.queue.now);
  }

  // ---- vCPU hotplug ----------------------------------------------------------------------------

  /** A vCPU is about to go down: its tasks move to the other online CPUs. */
  cpuGoingDown(v: VCpu): void {
    const c = v.guest;
    this.locks.cpuGoingDown(c);
    const now = this.hv.queue.now;
    this.time.accountTo(c, now);
    if (v.state === Runstate.Running) this.progress(c, now);
    if (c.completion) {
      c.completion.cancelled = true;
      c.completion = null;
    }
    if (c.tickEvent) {
      c.tickEvent.cancelled = true;
      c.tickEvent = null;
    }
    const moving = [...(c.task ? [c.task] : []), ...c.runq];
    c.online = false;
    c.task = null;
    c.runq.length = 0;
    c.overheadNs = 0;
    this.printk(`smpboot: CPU ${v.id} is now offline`);
    // The tasks move once the CPU is down (see cpuDown).
    this.movingTasks = moving;
  }

  private movingTasks: Task[] = [];

  /** After the vCPU is down: put its tasks on the CPUs still online. */
  cpuDown(): void {
    const now = this.hv.queue.now;
    const m = this.movingTasks;
    this.movingTasks = [];
    for (const t of m) {
      t.cpu = 0;
      if (t.remainingNs > 0) {
        t.state = 'R';
        const c = this.cpus.find((x) => x.online && x.task === null) ?? this.cpus.find((x) => x.online);
        if (c === undefined) continue;
        if (c.task === null) {
          c.task = t;
          t.cpu = c.vcpu.id;
          this.kick(c, now);
        } else c.runq.push(t);
      } else this.enqueue(t, now);
    }
  }

  /** A vCPU came up in the guest (PV: cpu_up after xenstore; HVM: ACPI hot-add). */
  cpuUp(v: VCpu, hotAdd: boolean): void {
    const id = v.id;
    if (hotAdd) {
      this.printk(`CPU${id} has been hot-added`);
      this.printk(`smpboot: Booting Node 0 Processor ${id} APIC 0x${id.toString(16)}`);
    }
    if (this.traits.clocksource === 'xen') this.printk(`installing Xen timer for CPU ${id}`);
    if (this.traits.pvSpinlocks) this.printk(`cpu ${id} spinlock event irq ${5 + id * 6}`);
    const c = v.guest;
    c.online = true;
    c.lastAcctNs = this.hv.queue.now;
    c.tickedToNs = this.hv.queue.now;
    if (!this.traits.tickless) c.tickEvent = this.hv.queue.scheduleFire(this.time.nextTickAfter(this.hv.queue.now), EventPriority.Timer, c, CpuEvent.IdleTick);
  }

  // ---- what a login shell asks of the kernel ---------------------------------------------------

  /** fork(): the next pid (1 is init; the rest start at 300, after the kernel threads). */
  allocPid(): number {
    const pid = this.nextPid++;
    if (this.nextPid === 2) this.nextPid = 300;
    this.forks++;
    return pid;
  }

  /** fork+exec from a shell: a CPU hog (runs at once) or a task that only sleeps. */
  spawn(name: string, kind: 'hog' | 'sleeper', tty: string | null, hogUserFrac = 1, pid = this.allocPid()): Task {
    const online = this.cpus.filter((c) => c.online);
    const cpu = online[pid % Math.max(1, online.length)]?.vcpu.id ?? 0;
    const t = this.newTask(name, cpu, pid);
    t.kind = kind;
    t.tty = tty;
    t.hogUserFrac = hogUserFrac;
    this.setRss(t, kind === 'hog' ? 1024 : 4 * 1024);
    if (kind === 'hog') this.enqueue(t, this.hv.queue.now);
    this.pressure.applyPressure();
    return t;
  }

  /** kill(2) with SIGTERM/SIGKILL: the task leaves (at the end of its current slice if running). */
  kill(t: Task): void {
    if (!t.exited) this.exitTask(t);
  }

  /**
   * echo 0|1 > /sys/devices/system/cpu/cpuN/online. The guest's own cpu_down/cpu_up: its tasks
   * move off, and a PV kernel tells Xen (VCPUOP_down), so the hypervisor shows the vCPU offline;
   * an HVM kernel just parks the CPU in a halt loop, which Xen sees as blocked.
   * Returns the errno text a write would fail with, or null.
   */
  setCpuOnline(id: number, on: boolean): string | null {
    const c = this.cpus[id];
    if (c === undefined || id === 0) return 'No such file or directory';
    if (c.online === on) return null;
    if (!on) {
      if (this.dom.mode === 'pv') {
        this.hv.vcpuOp(c.vcpu, false);
        return null;
      }
      this.cpuGoingDown(c.vcpu);
      this.cpuDown();
      // The parked CPU halts: a running vCPU blocks now; a waiting one halts when it next runs.
      if (c.vcpu.state === Runstate.Running && !c.completing) this.hv.block(c.vcpu);
      return null;
    }
    if (!c.vcpu.up) {
      // A vCPU Xen holds down (xl vcpu-set lowered it): the guest cannot bring it up by itself.
      if (this.dom.mode === 'pv') {
        this.hv.vcpuOp(c.vcpu, true);
        return null;
      }
      return 'Input/output error';
    }
    this.printk(`smpboot: Booting Node 0 Processor ${id} APIC 0x${id.toString(16)}`);
    this.cpuUp(c.vcpu, false);
    return null;
  }

  /** echo N > /sys/devices/system/xen_memory/xen_memory0/target_kb: the balloon driver's own target. */
  setBalloonTarget(kib: number): void {
    this.pressure.setDriverTarget(kib);
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
      this.time.accountTo(c, nowNs);
      return [...c.stat];
    });
  }

  /** The same summed over CPUs, added into `out` from `at` (a sample's slots; no array is made). */
  addStatNs(nowNs: number, out: Float64Array, at: number): void {
    for (const c of this.cpus) {
      this.time.accountTo(c, nowNs);
      const s = c.stat;
      for (let i = 0; i < 8; i++) out[at + i] = out[at + i]! + s[i]!;
    }
  }

  /** Guest clock minus host clock, ns: 0 for a kernel that reads Xen's clock. */
  clockOffsetNs(nowNs: number): number {
    return this.time.clockOffsetNs(nowNs);
  }

  /** Tasks in state R (vmstat's r, part of the load average). Tasks leave the list only asleep (see reap). */
  runnableTasks(): number {
    return this.nRunnable;
  }

  /** Tasks in state D, waiting on disk (vmstat's b). */
  blockedTasks(): number {
    return this.nBlocked;
  }

  taskStateChanged(from: TaskState, to: TaskState): void {
    if (from === 'R') this.nRunnable--;
    else if (from === 'D') this.nBlocked--;
    if (to === 'R') this.nRunnable++;
    else if (to === 'D') this.nBlocked++;
  }
}
