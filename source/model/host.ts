/**
 * The simulated Xen host: pCPUs, host memory, Domain-0 and the guests, the scheduler, and the
 * event queue that drives them all.
 *
 * Guarantees: Domain-0 (ID 0) always exists; domain IDs are never reused; the memory of all
 * domains plus free memory plus Xen's own is the host's total; `run(t)` processes every event up
 * to t and nothing after, so a snapshot taken after it is consistent.
 */
import { EventPriority, EventQueue, NS_PER_S } from './clock.js';
import { ConsoleRing } from './guest/console.js';
import { Domain } from './domain.js';
import { GuestKernel } from './guest/kernel.js';
import type { HypervisorPort } from './guest/kernel.js';
import type { GuestSpec, ShutdownAction } from './guest-spec.js';
import { DEFAULT_TIMER_MODE, domainUuid, unmodifiedOs, vifDevids } from './guest-spec.js';
import { MODE_TRAITS } from './modes.js';
import { PCpu } from './pcpu.js';
import { Rng } from './rng.js';
import { CSCHED_DEFAULT_WEIGHT, CreditScheduler } from './scheduler/credit.js';
import type { SchedHooks } from './scheduler/scheduler.js';
import { Runstate, VCpu } from './vcpu.js';

export const DEFAULT_PCPUS = 4;
export const DEFAULT_HOST_MEM_MIB = 16 * 1024;
export const XEN_VERSION = '4.19.1';
/** The hypervisor's version line, as it prints it at boot and for the 'h' debug key (print_version). */
export const XEN_VERSION_LINE = `Xen version ${XEN_VERSION} (paratop simulation)`;
export const DEFAULT_SEED = 1;

export interface HostOptions {
  readonly pcpus?: number;
  readonly memMiB?: number;
  readonly seed?: number;
  readonly dom0Vcpus?: number;
  readonly dom0MemMiB?: number;
}

export type CreateResult = { readonly ok: true; readonly domain: Domain } | { readonly ok: false; readonly error: string };

export class Host implements HypervisorPort, SchedHooks {
  readonly queue = new EventQueue();
  readonly pcpus: PCpu[];
  readonly scheduler: CreditScheduler;
  readonly rng: Rng;
  readonly seed: number;
  readonly xenVersion = XEN_VERSION;
  readonly cpuMhz = 2394;
  readonly totalKiB: number;
  /** Xen's own heap, frame table and the like. */
  readonly xenKiB: number;
  readonly dom0: Domain;
  private readonly doms: Domain[] = [];
  private nextDomId = 0;

  constructor(opts: HostOptions = {}) {
    const n = opts.pcpus ?? DEFAULT_PCPUS;
    this.seed = opts.seed ?? DEFAULT_SEED;
    this.rng = new Rng(this.seed);
    this.pcpus = Array.from({ length: n }, (_, i) => new PCpu(i));
    this.totalKiB = (opts.memMiB ?? DEFAULT_HOST_MEM_MIB) * 1024;
    this.xenKiB = Math.round(64 * 1024 + this.totalKiB * 0.005);
    this.scheduler = new CreditScheduler({ queue: this.queue, pcpus: this.pcpus }, this);
    const dom0Mem = opts.dom0MemMiB ?? Math.min(2048, Math.floor(this.totalKiB / 1024 / 8));
    const dom0Vcpus = opts.dom0Vcpus ?? Math.min(4, n);
    const made = this.create(
      {
        name: 'Domain-0',
        type: 'pv',
        mode: 'pv',
        memoryMiB: dom0Mem,
        maxmemMiB: dom0Mem,
        vcpus: dom0Vcpus,
        maxvcpus: dom0Vcpus,
        cpus: null,
        weight: CSCHED_DEFAULT_WEIGHT,
        cap: 0,
        timerMode: DEFAULT_TIMER_MODE,
        onCrash: 'destroy',
        vifs: [],
        disks: [],
        workload: 'idle',
        guestOs: 'linux',
        hz: 250,
        source: '(built in)',
      },
      true,
    );
    if (!made.ok) throw new Error(made.error);
    this.dom0 = made.domain;
    this.scheduler.start();
    this.xenLog(XEN_VERSION_LINE);
    this.xenLog(`Using scheduler: ${this.scheduler.name} (${this.scheduler.opt})`);
    this.xenLog(`Brought up ${n} CPUs`);
    this.xenLog(`Dom0 has maximum ${dom0Vcpus} VCPUs`);
  }

  get now(): number {
    return this.queue.now;
  }

  domains(): readonly Domain[] {
    return this.doms;
  }

  domain(id: number): Domain | undefined {
    return this.doms.find((d) => d.id === id);
  }

  get freeKiB(): number {
    let used = this.xenKiB;
    for (const d of this.doms) used += d.memKiB;
    return this.totalKiB - used;
  }

  /**
   * Why `spec` cannot be created, or null if it can. `replacing` is a domain that will be destroyed
   * first (a mode switch or reboot): its name and memory do not count against the new one.
   */
  cannotCreate(spec: GuestSpec, replacing: Domain | null = null): string | null {
    if (this.doms.some((d) => d.name === spec.name && d !== replacing)) return `Domain with name "${spec.name}" already exists.`;
    if (spec.mode === 'full' && spec.memoryMiB < spec.maxmemMiB) {
      return (
        `${spec.name}: memory=${spec.memoryMiB} is below maxmem=${spec.maxmemMiB}, so the guest would boot ` +
        'pre-ballooned, and a full HVM guest has no balloon driver: it would crash (xl.cfg(5)). ' +
        'Set memory = maxmem, or give it PV drivers (xen_platform_pci = 1).'
      );
    }
    if (spec.mode === 'pv' && unmodifiedOs(spec.guestOs)) {
      return `${spec.name}: guest_os "${spec.guestOs}" is an unmodified OS: it cannot run paravirtualized`;
    }
    const freeKiB = this.freeKiB + (replacing?.memKiB ?? 0);
    if (spec.memoryMiB * 1024 > freeKiB) {
      return `${spec.name}: failed to free memory for the domain (needs ${spec.memoryMiB} MiB, host has ${Math.floor(freeKiB / 1024)} MiB free)`;
    }
    return null;
  }

  /**
   * xl rename (libxl__domain_rename): the domain's name in xenstore, and in the config a reboot
   * builds it again from. Its UUID stays (one made from the old name is written into the config),
   * and so does the running guest's own hostname. Null, or why not: names are unique.
   */
  rename(dom: Domain, name: string): string | null {
    if (this.doms.some((d) => d.name === name && d !== dom)) return `Domain with name "${name}" already exists.`;
    dom.spec = { ...dom.spec, name, uuid: domainUuid(dom.spec, dom.id) };
    dom.name = name;
    return null;
  }

  /** xl create: build the domain, bring up its boot vCPUs, start its kernel. */
  create(spec: GuestSpec, backend = false): CreateResult {
    const why = this.cannotCreate(spec);
    if (why !== null) return { ok: false, error: why };
    const now = this.queue.now;
    const dom = new Domain(this.nextDomId++, spec.name, spec, spec.mode, now);
    const n = this.pcpus.length;
    // An affinity's pCPUs that this host has; none of them is no affinity (all pCPUs).
    const onHost = (cpus: readonly number[] | null | undefined): readonly number[] | null => {
      const on = cpus?.filter((c) => c < n) ?? [];
      return on.length > 0 ? on : null;
    };
    for (let i = 0; i < spec.maxvcpus; i++) {
      const v = new VCpu(i, dom, now);
      v.affinity = onHost(spec.vcpuCpus?.[i] !== undefined ? spec.vcpuCpus[i] : spec.cpus);
      v.softAffinity = onHost(spec.vcpuCpusSoft?.[i] !== undefined ? spec.vcpuCpusSoft[i] : spec.cpusSoft);
      v.processor = v.affinity !== null ? v.affinity[i % v.affinity.length]! : (dom.id + i) % n;
      dom.vcpus.push(v);
    }
    this.doms.push(dom);
    this.scheduler.addDomain(dom);
    dom.kernel = new GuestKernel(dom, this, this.rng.fork(`dom:${spec.name}`), backend);
    for (let i = 0; i < spec.vcpus; i++) {
      const v = dom.vcpus[i]!;
      v.up = true;
      v.blocked = true;
      this.setRunstate(v, now, Runstate.Blocked);
    }
    dom.kernel.boot();
    this.xenLog(`d${dom.id}: created ${spec.name} (${spec.type}, ${spec.memoryMiB} MiB, ${spec.vcpus} vCPU${spec.vcpus === 1 ? '' : 's'})`);
    return { ok: true, domain: dom };
  }

  /** Xen's own console ring (xl dmesg). */
  readonly xenConsole = new ConsoleRing();

  xenLog(text: string): void {
    this.xenConsole.push(this.queue.now, `(XEN) ${text}`);
  }

  /** xl destroy: take the domain away at once, vCPUs off the pCPUs, memory back to the host. */
  destroy(dom: Domain): void {
    if (!this.doms.includes(dom) || dom.id === 0) return;
    dom.dying = true;
    for (const v of dom.vcpus) {
      v.up = false;
      v.pauseCount++;
      this.scheduler.sleep(v);
    }
    this.scheduler.removeDomain(dom);
    dom.kernel.stop();
    this.doms.splice(this.doms.indexOf(dom), 1);
    this.xenLog(`d${dom.id}: destroyed`);
  }

  /** xl pause / unpause: every vCPU stops (offline, unless blocked) or resumes. */
  pause(dom: Domain): void {
    if (dom.paused) return;
    dom.paused = true;
    for (const v of dom.vcpus) {
      v.pauseCount++;
      this.scheduler.sleep(v);
    }
  }

  unpause(dom: Domain): void {
    if (!dom.paused) return;
    dom.paused = false;
    for (const v of dom.vcpus) {
      v.pauseCount--;
      if (v.runnable) this.scheduler.wake(v);
      else if (v.state !== Runstate.Running && v.state !== v.restingState()) this.setRunstate(v, this.queue.now, v.restingState());
    }
  }

  /**
   * xl shutdown / reboot: the guest is told (through its PV control interface, or with `how` =
   * 'acpi' by the ACPI power button), prints its shutdown log and stops; a second later the domain
   * is shut down, and xl acts as its config's on_poweroff (default destroy) or on_reboot (default
   * restart: built again, with a new domain ID, as xl's daemon does) says; `then` gets the new
   * domain. `how` = 'now' is no orderly shutdown: the domain is shut down at once (the ACPI reset
   * button, as libxl's trigger presses it; a guest's SysRq b or o, SAC's restart and shutdown).
   * `how` = 'replace' (a mode switch) destroys it whatever the config says: `then` builds its
   * successor.
   */
  shutdown(dom: Domain, reboot: boolean, then?: (next: Domain | null) => void, how: 'pv' | 'acpi' | 'now' | 'replace' = 'pv'): void {
    if (dom.shutdownReason !== null || dom.dying) return;
    if (dom.paused) this.unpause(dom);
    if (how !== 'now') dom.kernel.beginShutdown(reboot, how === 'acpi');
    this.queue.schedule(this.queue.now + (how === 'now' ? 0 : NS_PER_S), EventPriority.Guest, () => {
      dom.shutdownReason = reboot ? 'reboot' : 'poweroff';
      const action = how === 'replace' ? 'destroy' : reboot ? (dom.spec.onReboot ?? 'restart') : (dom.spec.onPoweroff ?? 'destroy');
      const next = this.onShutdown(dom, action, reboot ? 'reboot' : 'poweroff');
      then?.(next);
    });
  }

  /** What xl does with a domain that has shut down (libxl_action_on_shutdown); the new domain if it restarts one. */
  private onShutdown(dom: Domain, action: ShutdownAction, reason: string): Domain | null {
    if (action === 'preserve') {
      // Kept, shut down, as it stopped: `xl destroy` removes it.
      this.pause(dom);
      return null;
    }
    // Read before the domain goes: destroying it takes its vCPUs down.
    const again = this.restartSpec(dom);
    this.destroy(dom);
    if (action === 'restart' || action === 'coredump-restart' || action === 'rename-restart' || action === 'soft-reset') {
      const r = this.create(again);
      if (r.ok) return r.domain;
      this.xenLog(`${reason === 'reboot' ? 'reboot' : 'restart'} of ${dom.name} failed: ${r.error}`);
    }
    return null;
  }

  /**
   * The config a restart builds the domain from, as xl's reload_domain_config gets it
   * (libxl_retrieve_domain_configuration): the config libxl keeps, with what xl has changed since:
   * the name, the memory target and maximum (mem-set, mem-max), the vCPUs (xenstore's availability
   * for PV, which vcpu-set writes; for HVM the CPUs the device model has, which a lowered count
   * does not unplug) and the scheduler's weight and cap. paratop's own workload goes on too. A
   * config stored by config-update replaces all of it.
   */
  private restartSpec(dom: Domain): GuestSpec {
    // xl config-update's config, when there is one, as xl's restart takes it ("xl" userdata).
    if (dom.updatedSpec !== null) return dom.updatedSpec;
    return {
      ...dom.spec,
      name: dom.name,
      memoryMiB: dom.targetKiB / 1024,
      maxmemMiB: dom.maxmemKiB / 1024,
      vcpus: dom.mode === 'pv' ? dom.availableVcpus : Math.max(1, dom.onlineVcpus),
      weight: dom.weight,
      cap: dom.cap,
      workload: dom.kernel.profile.name,
    };
  }

  /** The guest kernel crashed (a panic): act as its on_crash setting says. */
  crash(dom: Domain, why: string): void {
    if (dom.shutdownReason !== null || dom.dying) return;
    dom.kernel.panic(why);
    dom.shutdownReason = 'crash';
    this.xenLog(`d${dom.id}: crashed (${why}); on_crash=${dom.spec.onCrash}`);
    this.onShutdown(dom, dom.spec.onCrash, 'crash');
  }

  /** Runs the model up to `untilNs` (absolute). */
  run(untilNs: number): void {
    this.queue.runUntil(untilNs);
  }

  advance(ns: number): void {
    this.run(this.queue.now + ns);
  }

  advanceSeconds(s: number): void {
    this.advance(Math.round(s * NS_PER_S));
  }

  // ---- SchedHooks ----------------------------------------------------------------------------

  setRunstate(v: VCpu, nowNs: number, next: Runstate): void {
    // A tick handled in place may have booked the vCPU slightly ahead of `now`.
    const at = Math.max(nowNs, v.stateSinceNs);
    v.dom.kernel.beforeRunstateChange(v, at);
    v.setState(at, next);
  }

  started(v: VCpu, nowNs: number): void {
    v.dom.kernel.started(v, nowNs);
  }

  stopping(v: VCpu, nowNs: number): void {
    v.dom.kernel.stopping(v, nowNs);
  }

  // ---- HypervisorPort ------------------------------------------------------------------------

  shutdownSelf(dom: Domain, reboot: boolean, now = false): void {
    this.shutdown(dom, reboot, undefined, now ? 'now' : 'pv');
  }

  /**
   * libxl_send_sysrq: the key is written to the domain's xenstore control/sysrq, which a Linux
   * guest's PV drivers watch (drivers/xen/manage.c) and hand to handle_sysrq. A guest without PV
   * drivers, or whose OS does not watch the key, never sees it. Whether it reached the kernel.
   */
  sysrq(dom: Domain, key: string): boolean {
    if (!MODE_TRAITS[dom.mode].pvDrivers || dom.dying || dom.shutdownReason !== null) return false;
    return dom.kernel.sysrq(key);
  }

  block(v: VCpu): void {
    v.blocked = true;
    this.scheduler.sleep(v);
  }

  wake(v: VCpu): void {
    v.blocked = false;
    if (v.runnable) this.scheduler.wake(v);
    else if (v.state !== Runstate.Running && v.state !== v.restingState()) {
      this.setRunstate(v, this.queue.now, v.restingState());
    }
  }

  /**
   * A tick handled in place: the halted vCPU runs `costNs` on the pCPU it last ran on, if that is
   * free, without going through the scheduler, and is booked running for that long and blocked
   * again after it, ahead of `now`. Whether it can does not depend on how far the host is being
   * advanced (the model's events are the same however its time is cut into steps); a read inside
   * those nanoseconds sees them as running (VCpu.runstateNs).
   */
  shortRun(v: VCpu, costNs: number): boolean {
    const now = this.queue.now;
    const ns = Math.ceil(costNs);
    const p = this.pcpus[v.processor];
    if (p === undefined || !p.freeAt(now) || !v.allows(p.id)) return false;
    if (!v.up || v.pauseCount > 0 || v.state !== Runstate.Blocked || v.stateSinceNs > now) return false;
    v.processor = p.id;
    this.setRunstate(v, now, Runstate.Running);
    this.setRunstate(v, now + ns, Runstate.Blocked);
    p.reservedUntilNs = now + ns;
    if (v.dom.id === 0) p.busyDom0Ns += ns;
    else p.busyGuestNs += ns;
    this.scheduler.burnShortRun(v, ns);
    return true;
  }

  submitBackend(_from: Domain, ns: number): void {
    this.dom0.kernel.addBackendWork(ns);
  }

  hostFreeKiB(): number {
    return this.freeKiB;
  }

  // ---- toolstack operations (what xl's commands do); each returns an error or null ------------

  /** libxl_set_memory_target: write the target; the guest's balloon driver (if any) follows. */
  memSet(dom: Domain, targetKiB: number): string | null {
    if (targetKiB > dom.maxmemKiB) return 'memory_dynamic_max must be less than or equal to memory_static_max';
    dom.targetKiB = targetKiB;
    dom.kernel.targetChanged();
    return null;
  }

  /** libxl_domain_setmaxmem: Xen's hard limit; it cannot go below the current target. */
  memMax(dom: Domain, maxKiB: number): string | null {
    if (maxKiB < dom.targetKiB) return 'memory_static_max must be greater than or or equal to memory_dynamic_max';
    // Xen would let the domain "ratchet down" to a max below what it holds; paratop keeps
    // memory <= maxmem at every instant, so it waits for the balloon to get there first.
    if (maxKiB < dom.memKiB) return `the domain still holds ${dom.memKiB} KiB (its balloon has not reached the target yet); try again when it has`;
    dom.maxmemKiB = maxKiB;
    return null;
  }

  /**
   * libxl_set_vcpuonline: vCPUs 0..count-1 online. A PV guest hears of it through xenstore and
   * onlines/offlines them itself; an HVM guest is hot-added over ACPI, but lowering the count only
   * rewrites xenstore and the guest never hears of it (libxl does not unplug over QMP).
   * Returns what happened for the user, or throws nothing: errors come back as { error }.
   */
  vcpuSet(dom: Domain, count: number): { error: string | null; note: string | null } {
    if (count < 1) return { error: 'Requested 0 VCPUs!', note: null };
    if (count > dom.vcpus.length) return { error: `Requested ${count} VCPUs, however maxcpus is ${dom.vcpus.length}!`, note: null };
    const hvm = dom.mode !== 'pv';
    dom.availableVcpus = count;
    let note: string | null = null;
    for (const v of dom.vcpus) {
      const want = v.id < count;
      if (want && !v.up) this.vcpuUp(v, hvm);
      else if (!want && v.up) {
        if (hvm) {
          note = `${dom.name} is an HVM guest: lowering its vCPUs only rewrites xenstore (libxl does not unplug over QMP), so the guest keeps them online`;
          continue;
        }
        this.vcpuDown(v);
      }
    }
    return { error: null, note };
  }

  /** VCPUOP_up/VCPUOP_down from a PV guest that onlines or offlines a CPU itself (sysfs). */
  vcpuOp(v: VCpu, up: boolean): void {
    if (up && !v.up) this.vcpuUp(v, false);
    else if (!up && v.up) this.vcpuDown(v);
  }

  private vcpuUp(v: VCpu, hotAdd: boolean): void {
    v.up = true;
    v.blocked = true;
    this.setRunstate(v, this.queue.now, v.restingState());
    v.dom.kernel.cpuUp(v, hotAdd);
  }

  private vcpuDown(v: VCpu): void {
    v.dom.kernel.cpuGoingDown(v);
    v.up = false;
    if (v.guest.tickEvent) v.guest.tickEvent.cancelled = true;
    v.guest.tickEvent = null;
    this.scheduler.sleep(v);
    v.dom.kernel.cpuDown();
  }

  /**
   * xl vcpu-pin: hard affinity `cpus` and soft affinity `soft` (null: all pCPUs; undefined: left as
   * it is). A vCPU running where it may no longer run is moved.
   */
  vcpuPin(dom: Domain, vcpu: number | 'all', cpus: readonly number[] | null | undefined, soft?: readonly number[] | null): void {
    for (const v of dom.vcpus) {
      if (vcpu !== 'all' && v.id !== vcpu) continue;
      if (soft !== undefined) v.softAffinity = soft;
      if (cpus === undefined) continue;
      v.affinity = cpus;
      if (!v.allows(v.processor) && cpus !== null && cpus.length > 0) {
        if (v.state === 0 || v.queuedOn >= 0) {
          // Deschedule and let it be placed again where it may run.
          v.pauseCount++;
          this.scheduler.sleep(v);
          v.pauseCount--;
          v.processor = cpus[0]!;
          if (v.runnable) this.scheduler.wake(v);
        } else v.processor = cpus[0]!;
      }
    }
  }

  /**
   * xl block-attach: a disk line (checked by the caller) added to the domain, and to the config its
   * reboot is built from, as libxl keeps it. Blkback offers it as `vdev`; a guest with PV drivers
   * connects blkfront and logs it.
   */
  blockAttach(dom: Domain, spec: string, vdev: string): void {
    dom.spec = { ...dom.spec, disks: [...dom.spec.disks, spec] };
    dom.kernel.diskAttached(vdev);
  }

  /** xl network-attach: a vif line added (and to the config), with the device ID after the highest; which it returns. */
  networkAttach(dom: Domain, spec: string): number {
    const ids = vifDevids(dom.spec);
    const devid = ids.length === 0 ? 0 : Math.max(...ids) + 1;
    dom.spec = { ...dom.spec, vifs: [...dom.spec.vifs, spec], vifDevids: [...ids, devid] };
    return devid;
  }

  /** xl network-detach: the vif with device ID `devid` goes (from the config too); the others keep theirs. */
  networkDetach(dom: Domain, devid: number): void {
    const ids = vifDevids(dom.spec);
    const keep = ids.map((id) => id !== devid);
    dom.spec = { ...dom.spec, vifs: dom.spec.vifs.filter((_, i) => keep[i]), vifDevids: ids.filter((_, i) => keep[i]) };
  }

  /** xl block-detach: the domain's `index`th disk goes (from the config too). */
  blockDetach(dom: Domain, index: number): void {
    dom.spec = { ...dom.spec, disks: dom.spec.disks.filter((_, i) => i !== index) };
  }

  setSchedParams(dom: Domain, weight: number, cap: number): void {
    this.scheduler.setParams(dom, weight, cap);
  }

  setSchedTiming(tsliceMs: number, ratelimitUs: number): void {
    this.scheduler.setTiming(tsliceMs, ratelimitUs);
  }

  /**
   * A running guest cannot change mode: it is shut down, destroyed and created again from the same
   * config with the new type, so it gets a new domain ID and boots that mode's kernel path.
   * Checks first, so a refused switch changes nothing.
   */
  switchMode(dom: Domain, mode: GuestSpec['mode'], then?: (next: Domain | null) => void): string | null {
    if (dom.id === 0) return 'Domain-0 cannot change mode';
    if (mode === dom.mode) return `${dom.name} already runs as ${mode}`;
    if (mode === 'pv' && unmodifiedOs(dom.spec.guestOs)) {
      return `${dom.name}: guest_os "${dom.spec.guestOs}" is an unmodified OS: it cannot run paravirtualized (its kernel makes no hypercalls)`;
    }
    const type = mode === 'pv' ? 'pv' : mode === 'full' ? 'hvm' : dom.spec.type === 'hvm' ? 'hvm' : 'pvh';
    const next: GuestSpec = { ...dom.spec, mode, type, workload: dom.kernel.profile.name };
    const why = this.cannotCreate(next, dom);
    if (why !== null) return why;
    this.shutdown(
      dom,
      false,
      () => {
        const r = this.create(next);
        then?.(r.ok ? r.domain : null);
      },
      'replace',
    );
    return null;
  }
}
