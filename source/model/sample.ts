/**
 * Immutable snapshots of the host with CUMULATIVE counters only. Rates (CPU %, vmstat's per-second
 * columns, ops/s) are derived by readers from two snapshots, as xentop does; a reader with one
 * snapshot has no rate. Taking a snapshot never changes what the model does next.
 */
import { atOrById } from './arrays.js';
import type { IdIndex } from './arrays.js';
import { MODE_LABEL } from './modes.js';
import type { Mode } from './modes.js';
import type { Domain } from './domain.js';
import { nativeCycle, nativeOpsBetween } from './guest/cycle.js';
import type { NativeCycle } from './guest/cycle.js';
import { taskCount } from './guest/workloads.js';
import type { Host } from './host.js';
import type { Runstate } from './vcpu.js';

export interface VcpuSample {
  readonly id: number;
  readonly up: boolean;
  readonly state: Runstate;
  readonly processor: number;
  /** running, runnable, blocked, offline: cumulative ns. */
  readonly runstateNs: readonly [number, number, number, number];
  readonly credit: number;
  readonly priority: string;
  readonly affinity: readonly number[] | null;
}

export interface DomainFlags {
  readonly dying: boolean;
  readonly shutdown: boolean;
  readonly blocked: boolean;
  readonly crashed: boolean;
  readonly paused: boolean;
  readonly running: boolean;
}

export interface GuestMemSample {
  readonly totalKiB: number;
  readonly freeKiB: number;
  readonly buffersKiB: number;
  readonly cacheKiB: number;
  readonly swapUsedKiB: number;
  readonly swapTotalKiB: number;
  readonly siKiB: number;
  readonly soKiB: number;
}

export interface DomainSample {
  readonly id: number;
  readonly name: string;
  readonly mode: Mode;
  readonly modeLabel: string;
  readonly workload: string;
  readonly opUnit: string;
  readonly flags: DomainFlags;
  readonly weight: number;
  readonly cap: number;
  readonly memKiB: number;
  readonly targetKiB: number;
  readonly maxmemKiB: number;
  readonly vcpusOnline: number;
  readonly vcpusMax: number;
  readonly cpuNs: number;
  readonly vcpus: readonly VcpuSample[];
  /** /proc/stat cpu line, summed over CPUs, in ns: user nice system idle iowait irq softirq steal. */
  readonly statNs: readonly number[];
  readonly interrupts: number;
  readonly ctxSwitches: number;
  readonly runnableTasks: number;
  readonly blockedTasks: number;
  readonly mem: GuestMemSample;
  readonly biKiB: number;
  readonly boKiB: number;
  readonly opsDone: number;
  /** The ops the workload would have done natively, under the same load and cache state, since the sampler first saw the domain (a running total, like opsDone). */
  readonly nativeOpsDone: number;
  readonly netTxKiB: number;
  readonly netRxKiB: number;
  readonly vbdRdReqs: number;
  readonly vbdWrReqs: number;
  readonly nets: number;
  readonly vbds: number;
  readonly clockOffsetNs: number;
  readonly seesSteal: boolean;
  readonly consoleSeq: number;
  /** Where its CPU went, cumulative ns: guest user, guest kernel, hypervisor on its behalf, Domain-0 for it. */
  readonly prof: { readonly userNs: number; readonly kernelNs: number; readonly hvNs: number; readonly dom0Ns: number };
  /** Time its vCPUs spent spinning on locks held by preempted siblings, cumulative ns. */
  readonly spinNs: number;
}

export interface PcpuSample {
  readonly id: number;
  readonly busyGuestNs: number;
  readonly busyDom0Ns: number;
}

export interface HostSample {
  readonly tNs: number;
  readonly xenVersion: string;
  readonly cpuMhz: number;
  readonly scheduler: string;
  readonly pcpus: readonly PcpuSample[];
  readonly memKiB: number;
  readonly freeKiB: number;
  readonly domains: readonly DomainSample[];
  /** How many domains; `idAt` and `domainAt` read one of them without making the others. */
  readonly domainCount: number;
  idAt(i: number): number;
  /** Domain i's sample: the one in `domains` if that list is made, else a new object. */
  domainAt(i: number): DomainSample;
  /**
   * Drops the per-domain objects (made again, equal, when `domains` is next read): a sample kept
   * in the dashboard's history then holds its numbers and no object per domain.
   */
  release(): void;
}

/** The native cycle at a hit ratio, kept with the domain's metadata: the inputs change rarely. */
interface NativeMemo {
  readonly profile: object;
  readonly hit: number;
  readonly cycle: NativeCycle;
}

/**
 * The ops the domain's workload would have done natively since the sampler first saw it (see
 * nativeOpsBetween), carried forward sample to sample in its metadata: NAT% divides the ops done
 * over an interval by these over the same interval, so a web guest's load wave is on both sides.
 */
function nativeOpsDone(d: Domain, meta: DomainMeta, online: number, hit: number, nowNs: number): number {
  if (d.id === 0) return 0;
  const profile = d.kernel.profile;
  const tasks = taskCount(profile, d.spec.vcpus);
  let m = meta.native;
  if (m === null || m.profile !== profile || m.hit !== hit) m = meta.native = { profile, hit, cycle: nativeCycle(profile, hit) };
  if (meta.nativeAtNs < nowNs) {
    meta.nativeDone += nativeOpsBetween(profile, tasks, online, m.cycle, meta.nativeAtNs, nowNs);
    meta.nativeAtNs = nowNs;
  }
  return meta.nativeDone;
}

/**
 * Where a domain's numbers sit in the host sample's one Float64Array. A sample holds no object per
 * number: with 1,000 guests the dashboard keeps a minute of samples, and a number kept as a field
 * of its own would be an object for the garbage collector to trace, 60,000 times over.
 */
export const enum DomainSlot {
  Id, Weight, Cap, MemKiB, TargetKiB, MaxmemKiB, VcpusOnline, VcpusMax, CpuNs,
  Stat, // 8 slots: /proc/stat's user nice system idle iowait irq softirq steal
  Interrupts = Stat + 8, CtxSwitches, RunnableTasks, BlockedTasks,
  Mem, // 8 slots, at MemSlot offsets
  BiKiB = Mem + 8, BoKiB, OpsDone, NativeOpsDone, NetTxKiB, NetRxKiB, VbdRdReqs, VbdWrReqs, Nets, Vbds,
  ClockOffsetNs, ConsoleSeq, UserNs, KernelNs, HvNs, Dom0Ns, SpinNs, Flags,
  Vcpus, // then VcpuSlot.Slots per vCPU
}

/** A guest's memory figures, from DomainSlot.Mem. */
export const enum MemSlot {
  Total, Free, Buffers, Cache, SwapUsed, SwapTotal, Si, So,
}

/** Per vCPU: up, runstate, processor, 4 runstate times, credit, priority (index into PRIORITIES). */
export const enum VcpuSlot {
  Up, State, Processor, Running, Runnable, Blocked, Offline, Credit, Priority,
  Slots,
}

export const enum SampleFlag {
  Dying = 1, Shutdown = 2, Blocked = 4, Crashed = 8, Paused = 16, Running = 32, SeesSteal = 64,
}

/** The 64 combinations of xentop's state flags, made once: samples share them. */
const FLAG_SETS: readonly DomainFlags[] = Array.from({ length: 64 }, (_, m) =>
  Object.freeze({
    dying: (m & SampleFlag.Dying) !== 0,
    shutdown: (m & SampleFlag.Shutdown) !== 0,
    blocked: (m & SampleFlag.Blocked) !== 0,
    crashed: (m & SampleFlag.Crashed) !== 0,
    paused: (m & SampleFlag.Paused) !== 0,
    running: (m & SampleFlag.Running) !== 0,
  }),
);

/** Scheduler priority names seen so far (a sample stores the index). */
const PRIORITIES: string[] = [];
function priorityIndex(name: string): number {
  let i = PRIORITIES.indexOf(name);
  if (i < 0) i = PRIORITIES.push(name) - 1;
  return i;
}

class PackedVcpu implements VcpuSample {
  constructor(
    private readonly f: Float64Array,
    private readonly o: number,
    readonly id: number,
    readonly affinity: readonly number[] | null,
  ) {}
  get up(): boolean {
    return this.f[this.o + VcpuSlot.Up] === 1;
  }
  get state(): Runstate {
    return this.f[this.o + VcpuSlot.State] as Runstate;
  }
  get processor(): number {
    return this.f[this.o + VcpuSlot.Processor]!;
  }
  get runstateNs(): readonly [number, number, number, number] {
    const f = this.f;
    const o = this.o;
    return [f[o + VcpuSlot.Running]!, f[o + VcpuSlot.Runnable]!, f[o + VcpuSlot.Blocked]!, f[o + VcpuSlot.Offline]!];
  }
  get credit(): number {
    return this.f[this.o + VcpuSlot.Credit]!;
  }
  get priority(): string {
    return PRIORITIES[this.f[this.o + VcpuSlot.Priority]!]!;
  }
}

class PackedMem implements GuestMemSample {
  constructor(
    private readonly f: Float64Array,
    private readonly o: number,
  ) {}
  get totalKiB(): number {
    return this.f[this.o + MemSlot.Total]!;
  }
  get freeKiB(): number {
    return this.f[this.o + MemSlot.Free]!;
  }
  get buffersKiB(): number {
    return this.f[this.o + MemSlot.Buffers]!;
  }
  get cacheKiB(): number {
    return this.f[this.o + MemSlot.Cache]!;
  }
  get swapUsedKiB(): number {
    return this.f[this.o + MemSlot.SwapUsed]!;
  }
  get swapTotalKiB(): number {
    return this.f[this.o + MemSlot.SwapTotal]!;
  }
  get siKiB(): number {
    return this.f[this.o + MemSlot.Si]!;
  }
  get soKiB(): number {
    return this.f[this.o + MemSlot.So]!;
  }
}

/**
 * What a domain's sample says that is not a number. It changes rarely (a workload change, a vCPU
 * pinned), so consecutive samples share one: a sample holds a reference per domain, not an object.
 */
interface DomainMeta {
  /** Whose: domain IDs are never reused on a host (and holding the Domain would keep a destroyed one alive in history). */
  readonly id: number;
  readonly name: string;
  readonly mode: Mode;
  readonly workload: string;
  readonly opUnit: string;
  /** Each vCPU's hard affinity, or null when none has one. */
  readonly affinities: readonly (readonly number[] | null)[] | null;
  /** Its config's network and disk devices (fixed for the domain's life): counted once, not read from the spec at every sample. */
  readonly nets: number;
  readonly vbds: number;
  /** The sampler's own memo and running total (see nativeOpsDone); readers never see them. */
  native: NativeMemo | null;
  nativeAtNs: number;
  nativeDone: number;
}

/** Each host's last sample's metadata, in domain order: the next sample reuses it by position (by ID when the list has changed). */
const lastMetas = new WeakMap<Host, readonly DomainMeta[]>();

function sameAffinities(a: DomainMeta['affinities'], vcpus: Domain['vcpus']): boolean {
  for (let i = 0; i < vcpus.length; i++) if ((a?.[i] ?? null) !== vcpus[i]!.affinity) return false;
  return a === null || a.length === vcpus.length;
}

/** `d`'s metadata: `last` (the previous sample's for d: at the same position, or found by ID) if it is d's and still true. */
function domainMeta(d: Domain, last: DomainMeta | undefined, nowNs: number): DomainMeta {
  const workload = d.id === 0 ? 'backend' : d.kernel.profile.name;
  const opUnit = d.kernel.profile.opUnit;
  const mine = last !== undefined && last.id === d.id ? last : null;
  if (mine !== null && mine.name === d.name && mine.workload === workload && mine.opUnit === opUnit && mine.vbds === d.spec.disks.length && mine.nets === d.spec.vifs.length && sameAffinities(mine.affinities, d.vcpus)) return mine;
  let affinities: (readonly number[] | null)[] | null = null;
  for (let i = 0; i < d.vcpus.length; i++) {
    const a = d.vcpus[i]!.affinity;
    if (a !== null) {
      affinities ??= d.vcpus.map(() => null);
      affinities[i] = a;
    }
  }
  return {
    id: d.id,
    name: d.name,
    mode: d.mode,
    workload,
    opUnit,
    affinities,
    nets: d.spec.vifs.length,
    vbds: d.spec.disks.length,
    native: mine?.native ?? null,
    nativeAtNs: mine?.nativeAtNs ?? nowNs,
    nativeDone: mine?.nativeDone ?? 0,
  };
}

class PackedDomain implements DomainSample {
  private vcpuList: readonly VcpuSample[] | null = null;

  constructor(
    /** The host sample's numbers, and where this domain's begin. */
    readonly f: Float64Array,
    readonly o: number,
    private readonly meta: DomainMeta,
  ) {}

  get name(): string {
    return this.meta.name;
  }
  get mode(): Mode {
    return this.meta.mode;
  }
  get workload(): string {
    return this.meta.workload;
  }
  get opUnit(): string {
    return this.meta.opUnit;
  }

  get id(): number {
    return this.f[this.o + DomainSlot.Id]!;
  }
  get modeLabel(): string {
    return MODE_LABEL[this.mode];
  }
  get flags(): DomainFlags {
    return FLAG_SETS[this.f[this.o + DomainSlot.Flags]! & 63]!;
  }
  get weight(): number {
    return this.f[this.o + DomainSlot.Weight]!;
  }
  get cap(): number {
    return this.f[this.o + DomainSlot.Cap]!;
  }
  get memKiB(): number {
    return this.f[this.o + DomainSlot.MemKiB]!;
  }
  get targetKiB(): number {
    return this.f[this.o + DomainSlot.TargetKiB]!;
  }
  get maxmemKiB(): number {
    return this.f[this.o + DomainSlot.MaxmemKiB]!;
  }
  get vcpusOnline(): number {
    return this.f[this.o + DomainSlot.VcpusOnline]!;
  }
  get vcpusMax(): number {
    return this.f[this.o + DomainSlot.VcpusMax]!;
  }
  get cpuNs(): number {
    return this.f[this.o + DomainSlot.CpuNs]!;
  }
  get vcpus(): readonly VcpuSample[] {
    if (this.vcpuList === null) {
      const list: VcpuSample[] = [];
      for (let i = 0; i < this.vcpusMax; i++) list.push(new PackedVcpu(this.f, this.o + DomainSlot.Vcpus + i * VcpuSlot.Slots, i, this.meta.affinities?.[i] ?? null));
      this.vcpuList = list;
    }
    return this.vcpuList;
  }
  get statNs(): readonly number[] {
    return Array.from(this.f.subarray(this.o + DomainSlot.Stat, this.o + DomainSlot.Stat + 8));
  }
  get interrupts(): number {
    return this.f[this.o + DomainSlot.Interrupts]!;
  }
  get ctxSwitches(): number {
    return this.f[this.o + DomainSlot.CtxSwitches]!;
  }
  get runnableTasks(): number {
    return this.f[this.o + DomainSlot.RunnableTasks]!;
  }
  get blockedTasks(): number {
    return this.f[this.o + DomainSlot.BlockedTasks]!;
  }
  get mem(): GuestMemSample {
    return new PackedMem(this.f, this.o + DomainSlot.Mem);
  }
  get biKiB(): number {
    return this.f[this.o + DomainSlot.BiKiB]!;
  }
  get boKiB(): number {
    return this.f[this.o + DomainSlot.BoKiB]!;
  }
  get opsDone(): number {
    return this.f[this.o + DomainSlot.OpsDone]!;
  }
  get nativeOpsDone(): number {
    return this.f[this.o + DomainSlot.NativeOpsDone]!;
  }
  get netTxKiB(): number {
    return this.f[this.o + DomainSlot.NetTxKiB]!;
  }
  get netRxKiB(): number {
    return this.f[this.o + DomainSlot.NetRxKiB]!;
  }
  get vbdRdReqs(): number {
    return this.f[this.o + DomainSlot.VbdRdReqs]!;
  }
  get vbdWrReqs(): number {
    return this.f[this.o + DomainSlot.VbdWrReqs]!;
  }
  get nets(): number {
    return this.f[this.o + DomainSlot.Nets]!;
  }
  get vbds(): number {
    return this.f[this.o + DomainSlot.Vbds]!;
  }
  get clockOffsetNs(): number {
    return this.f[this.o + DomainSlot.ClockOffsetNs]!;
  }
  get seesSteal(): boolean {
    return (this.f[this.o + DomainSlot.Flags]! & SampleFlag.SeesSteal) !== 0;
  }
  get consoleSeq(): number {
    return this.f[this.o + DomainSlot.ConsoleSeq]!;
  }
  get prof(): DomainSample['prof'] {
    const f = this.f;
    const o = this.o;
    return { userNs: f[o + DomainSlot.UserNs]!, kernelNs: f[o + DomainSlot.KernelNs]!, hvNs: f[o + DomainSlot.HvNs]!, dom0Ns: f[o + DomainSlot.Dom0Ns]! };
  }
  get spinNs(): number {
    return this.f[this.o + DomainSlot.SpinNs]!;
  }
}

/** Raw access for the rates, which read every domain every refresh: where a sample's numbers are. */
export function packed(d: DomainSample): { readonly f: Float64Array; readonly o: number } {
  if (!(d instanceof PackedDomain)) throw new Error(`domain sample of ${d.name} was not made by sampleHost`);
  return d;
}

function domainSlots(d: Domain): number {
  return DomainSlot.Vcpus + d.vcpus.length * VcpuSlot.Slots;
}

/** Writes `d`'s numbers into `f` from `o`. */
function sampleDomain(host: Host, d: Domain, meta: DomainMeta, f: Float64Array, o: number): void {
  const now = host.now;
  const k = d.kernel;
  k.addStatNs(now, f, o + DomainSlot.Stat);
  let anyRunning = false;
  let cpuNs = 0;
  let online = 0;
  const vcpus = d.vcpus;
  const sched = host.scheduler;
  for (let i = 0; i < vcpus.length; i++) {
    const v = vcpus[i]!;
    const b = o + DomainSlot.Vcpus + i * VcpuSlot.Slots;
    v.writeRunstateNs(now, f, b + VcpuSlot.Running);
    cpuNs += f[b + VcpuSlot.Running]!;
    if (v.state === 0) anyRunning = true;
    if (v.up) online++;
    f[b + VcpuSlot.Up] = v.up ? 1 : 0;
    f[b + VcpuSlot.State] = v.state;
    f[b + VcpuSlot.Processor] = v.processor;
    f[b + VcpuSlot.Credit] = sched.credit(v);
    f[b + VcpuSlot.Priority] = priorityIndex(sched.priority(v));
  }
  const m = k.memory;
  const ds = k.profile.datasetMiB * 1024;
  const hit = ds > 0 ? Math.min(1, m.cacheKiB / ds) : 1;
  let spinNs = 0;
  for (const c of k.cpus) spinNs += c.spinNs + (c.spinning && c.vcpu.state === 0 ? now - c.runSinceNs : 0);
  const prof = k.prof;
  const flags =
    (d.dying ? SampleFlag.Dying : 0) |
    (d.shutdownReason !== null && d.shutdownReason !== 'crash' ? SampleFlag.Shutdown : 0) |
    (!anyRunning && !d.paused ? SampleFlag.Blocked : 0) |
    (d.shutdownReason === 'crash' ? SampleFlag.Crashed : 0) |
    (d.paused ? SampleFlag.Paused : 0) |
    (anyRunning ? SampleFlag.Running : 0) |
    (k.traits.seesSteal ? SampleFlag.SeesSteal : 0);
  f[o + DomainSlot.Id] = d.id;
  f[o + DomainSlot.Weight] = d.weight;
  f[o + DomainSlot.Cap] = d.cap;
  f[o + DomainSlot.MemKiB] = d.memKiB;
  f[o + DomainSlot.TargetKiB] = d.targetKiB;
  f[o + DomainSlot.MaxmemKiB] = d.maxmemKiB;
  f[o + DomainSlot.VcpusOnline] = online;
  f[o + DomainSlot.VcpusMax] = vcpus.length;
  f[o + DomainSlot.CpuNs] = cpuNs;
  f[o + DomainSlot.Interrupts] = k.interrupts;
  f[o + DomainSlot.CtxSwitches] = k.ctxSwitches;
  f[o + DomainSlot.RunnableTasks] = k.runnableTasks();
  f[o + DomainSlot.BlockedTasks] = k.blockedTasks();
  f[o + DomainSlot.Mem + MemSlot.Total] = m.totalKiB;
  f[o + DomainSlot.Mem + MemSlot.Free] = m.freeKiB;
  f[o + DomainSlot.Mem + MemSlot.Buffers] = m.buffersKiB;
  f[o + DomainSlot.Mem + MemSlot.Cache] = m.cacheKiB;
  f[o + DomainSlot.Mem + MemSlot.SwapUsed] = m.swapUsedKiB;
  f[o + DomainSlot.Mem + MemSlot.SwapTotal] = m.swapTotalKiB;
  f[o + DomainSlot.Mem + MemSlot.Si] = m.siKiB;
  f[o + DomainSlot.Mem + MemSlot.So] = m.soKiB;
  f[o + DomainSlot.BiKiB] = k.biKiB;
  f[o + DomainSlot.BoKiB] = k.boKiB;
  f[o + DomainSlot.OpsDone] = k.opsDone;
  f[o + DomainSlot.NativeOpsDone] = nativeOpsDone(d, meta, online, hit, now);
  f[o + DomainSlot.NetTxKiB] = k.netTxKiB;
  f[o + DomainSlot.NetRxKiB] = k.netRxKiB;
  f[o + DomainSlot.VbdRdReqs] = k.vbdRdReqs;
  f[o + DomainSlot.VbdWrReqs] = k.vbdWrReqs;
  f[o + DomainSlot.Nets] = meta.nets;
  f[o + DomainSlot.Vbds] = meta.vbds;
  f[o + DomainSlot.ClockOffsetNs] = k.clockOffsetNs(now);
  f[o + DomainSlot.ConsoleSeq] = k.console.total;
  f[o + DomainSlot.UserNs] = prof.userNs;
  f[o + DomainSlot.KernelNs] = prof.kernelNs;
  f[o + DomainSlot.HvNs] = prof.hvNs;
  f[o + DomainSlot.Dom0Ns] = prof.dom0Ns;
  f[o + DomainSlot.SpinNs] = spinNs;
  f[o + DomainSlot.Flags] = flags;
}

class PackedHost implements HostSample {
  private doms: DomainSample[] | null = null;

  constructor(
    readonly tNs: number,
    readonly xenVersion: string,
    readonly cpuMhz: number,
    readonly scheduler: string,
    readonly pcpus: readonly PcpuSample[],
    readonly memKiB: number,
    readonly freeKiB: number,
    /** Every domain's numbers; domain i's begin at offsets[i]. */
    private readonly f: Float64Array,
    private readonly offsets: Int32Array,
    private readonly metas: readonly DomainMeta[],
  ) {}

  get domainCount(): number {
    return this.metas.length;
  }

  idAt(i: number): number {
    return this.f[this.offsets[i]! + DomainSlot.Id]!;
  }

  domainAt(i: number): DomainSample {
    return this.doms !== null ? this.doms[i]! : this.makeDomain(i);
  }

  private makeDomain(i: number): DomainSample {
    return new PackedDomain(this.f, this.offsets[i]!, this.metas[i]!);
  }

  get domains(): readonly DomainSample[] {
    if (this.doms === null) {
      const doms: DomainSample[] = [];
      for (let i = 0; i < this.metas.length; i++) doms.push(this.makeDomain(i));
      this.doms = doms;
    }
    return this.doms;
  }

  release(): void {
    this.doms = null;
  }
}

export function sampleHost(host: Host): HostSample {
  const doms = host.domains();
  let slots = 0;
  for (let i = 0; i < doms.length; i++) slots += domainSlots(doms[i]!);
  const f = new Float64Array(slots);
  const offsets = new Int32Array(doms.length);
  const metas: DomainMeta[] = [];
  const last = lastMetas.get(host);
  // Usually a domain is where it was; when one before it has gone (or come), find it by ID, so
  // what its metadata carries (the native-ops running total) follows it.
  const lastById: IdIndex<DomainMeta> = { map: null };
  let o = 0;
  for (let i = 0; i < doms.length; i++) {
    const d = doms[i]!;
    const meta = domainMeta(d, last !== undefined ? atOrById(last, i, d.id, lastById) : undefined, host.now);
    sampleDomain(host, d, meta, f, o);
    offsets[i] = o;
    metas.push(meta);
    o += domainSlots(d);
  }
  lastMetas.set(host, metas);
  const pcpus: PcpuSample[] = [];
  for (const p of host.pcpus) {
    p.chargeCurrent(host.now);
    pcpus.push({ id: p.id, busyGuestNs: p.busyGuestNs, busyDom0Ns: p.busyDom0Ns });
  }
  return new PackedHost(host.now, host.xenVersion, host.cpuMhz, host.scheduler.opt, pcpus, host.totalKiB, host.freeKiB, f, offsets, metas);
}
