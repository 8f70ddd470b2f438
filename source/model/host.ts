/**
 * The simulated Xen host: pCPUs, host memory, Domain-0 and the guests, the scheduler, and the
 * event queue that drives them all.
 *
 * Guarantees: Domain-0 (ID 0) always exists; domain IDs are never reused; the memory of all
 * domains plus free memory plus Xen's own is the host's total; `run(t)` processes every event up
 * to t and nothing after, so a snapshot taken after it is consistent.
 */
import { EventQueue, NS_PER_S } from './clock.js';
import { Domain } from './domain.js';
import { GuestKernel } from './guest/kernel.js';
import type { HypervisorPort } from './guest/kernel.js';
import type { GuestSpec } from './guest-spec.js';
import { DEFAULT_TIMER_MODE } from './guest-spec.js';
import { PCpu } from './pcpu.js';
import { Rng } from './rng.js';
import { CSCHED_DEFAULT_WEIGHT, CreditScheduler } from './scheduler/credit.js';
import type { SchedHooks } from './scheduler/scheduler.js';
import { Runstate, VCpu } from './vcpu.js';

export const DEFAULT_PCPUS = 4;
export const DEFAULT_HOST_MEM_MIB = 16 * 1024;
export const XEN_VERSION = '4.19.1';
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
  private horizonNs = 0;

  constructor(opts: HostOptions = {}) {
    const n = opts.pcpus ?? DEFAULT_PCPUS;
    this.seed = opts.seed ?? DEFAULT_SEED;
    this.rng = new Rng(this.seed);
    this.pcpus = Array.from({ length: n }, (_, i) => new PCpu(i));
    this.totalKiB = (opts.memMiB ?? DEFAULT_HOST_MEM_MIB) * 1024;
    this.xenKiB = Math.round(64 * 1024 + this.totalKiB * 0.005);
    this.scheduler = new CreditScheduler({ queue: this.queue, pcpus: this.pcpus, domains: () => this.doms }, this);
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

  /** xl create: build the domain, bring up its boot vCPUs, start its kernel. */
  create(spec: GuestSpec, backend = false): CreateResult {
    if (this.doms.some((d) => d.name === spec.name)) {
      return { ok: false, error: `Domain with name "${spec.name}" already exists.` };
    }
    if (spec.mode === 'full' && spec.memoryMiB < spec.maxmemMiB) {
      return {
        ok: false,
        error:
          `${spec.name}: memory=${spec.memoryMiB} is below maxmem=${spec.maxmemMiB}, so the guest would boot ` +
          'pre-ballooned, and a full HVM guest has no balloon driver: it would crash (xl.cfg(5)). ' +
          'Set memory = maxmem, or give it PV drivers (xen_platform_pci = 1).',
      };
    }
    const needKiB = spec.memoryMiB * 1024;
    if (needKiB > this.freeKiB) {
      return {
        ok: false,
        error: `${spec.name}: failed to free memory for the domain (needs ${spec.memoryMiB} MiB, host has ${Math.floor(this.freeKiB / 1024)} MiB free)`,
      };
    }
    const now = this.queue.now;
    const dom = new Domain(this.nextDomId++, spec.name, spec, spec.mode, now);
    const n = this.pcpus.length;
    for (let i = 0; i < spec.maxvcpus; i++) {
      const v = new VCpu(i, dom, now);
      v.affinity = spec.cpus !== null ? spec.cpus.filter((c) => c < n) : null;
      if (v.affinity !== null && v.affinity.length === 0) v.affinity = null;
      v.processor = v.affinity !== null ? v.affinity[i % v.affinity.length]! : (dom.id + i) % n;
      dom.vcpus.push(v);
    }
    this.doms.push(dom);
    dom.kernel = new GuestKernel(dom, this, this.rng.fork(`dom:${spec.name}`), backend);
    for (let i = 0; i < spec.vcpus; i++) {
      const v = dom.vcpus[i]!;
      v.up = true;
      v.blocked = true;
      this.setRunstate(v, now, Runstate.Blocked);
    }
    dom.kernel.boot();
    return { ok: true, domain: dom };
  }

  /** Runs the model up to `untilNs` (absolute). */
  run(untilNs: number): void {
    this.horizonNs = untilNs;
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

  shortRun(v: VCpu, costNs: number): boolean {
    const now = this.queue.now;
    const ns = Math.ceil(costNs);
    const p = this.pcpus[v.processor];
    if (p === undefined || !p.freeAt(now) || !v.allows(p.id)) return false;
    if (!v.up || v.pauseCount > 0 || v.state !== Runstate.Blocked || v.stateSinceNs > now) return false;
    if (now + ns > this.horizonNs) return false;
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
}
