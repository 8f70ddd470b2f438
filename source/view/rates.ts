/**
 * Derived figures: everything per-second or per-cent comes from two cumulative snapshots here, so
 * the dashboard, batch text, JSON and CSV all agree. With no previous snapshot a rate is null
 * ("-" on screen), never 0.
 */
import { atOrById } from '../model/arrays.js';
import type { IdIndex } from '../model/arrays.js';
import { NS_PER_S } from '../model/clock.js';
import { Stat, jiffies } from '../model/guest/guest-cpu.js';
import { vmstatSharesInto } from '../shell/procps.js';
import { DomainSlot, MemSlot, SampleFlag, VcpuSlot, packed } from '../model/sample.js';
import type { DomainSample, HostSample } from '../model/sample.js';


export interface Vmstat {
  readonly r: number;
  readonly b: number;
  readonly swpd: number;
  readonly free: number;
  readonly buff: number;
  readonly cache: number;
  readonly si: number;
  readonly so: number;
  readonly bi: number;
  readonly bo: number;
  readonly in: number;
  readonly cs: number;
  readonly us: number;
  readonly sy: number;
  readonly id: number;
  readonly wa: number;
  readonly st: number;
}

export const VMSTAT_FIELDS = ['r', 'b', 'swpd', 'free', 'buff', 'cache', 'si', 'so', 'bi', 'bo', 'in', 'cs', 'us', 'sy', 'id', 'wa', 'st'] as const;

export interface RunstatePct {
  readonly running: number;
  readonly runnable: number;
  readonly blocked: number;
  readonly offline: number;
}

export interface DomainRates {
  /** Share of one pCPU, as xentop. */
  readonly cpuPct: number;
  readonly runstatePct: RunstatePct;
  readonly vmstat: Vmstat;
  /** What the guest itself reports as steal, %; null for a guest that cannot see it. */
  readonly guestStPct: number | null;
  /** Time its online vCPUs were runnable but not running (hypervisor view), % per online vCPU. */
  readonly waitPct: number;
  readonly opsPerSec: number | null;
  readonly nativePct: number | null;
  /** Its vifs' traffic, KiB/s (xentop's NETTX/NETRX, as rates). */
  readonly netTxKiBps: number;
  readonly netRxKiBps: number;
  /** Its disks' requests a second (xentop's VBD_RD/VBD_WR, as rates). */
  readonly vbdRdPerSec: number;
  readonly vbdWrPerSec: number;
}

export interface DomainRow {
  readonly sample: DomainSample;
  readonly rates: DomainRates | null;
}

export interface PcpuUse {
  readonly guestPct: number;
  readonly dom0Pct: number;
  readonly idlePct: number;
}

export interface HostView {
  readonly sample: HostSample;
  readonly rows: readonly DomainRow[];
  readonly pcpus: readonly PcpuUse[] | null;
  /**
   * Domain `id`'s row (undefined if the view has none): the one in `rows` if those are made, else
   * made on its own. Older views are read this way (a sparkline, the previous interval), so they
   * make no object for the domains nobody looks at.
   */
  row(id: number): DomainRow | undefined;
  /** Domain `id`'s CPU %, null if it has no rates here; reads the numbers and makes nothing (the list's sparklines ask a dozen views per row). */
  cpuPct(id: number): number | null;
  /** The dashboard's list as last sorted and filtered for this view (its own cache, dropped with the rows). */
  listCache: { readonly key: string; readonly rows: readonly DomainRow[] } | null;
  /**
   * Drops the objects made per domain (rows, the list cache, the sample's domains):
   * they are made again, equal, when next read. The dashboard's history keeps its older views so,
   * as numbers alone: 60 samples of 1,000 guests were otherwise ~240,000 objects for every major
   * GC to trace.
   */
  release(): void;
}


/**
 * Where a domain's rates sit in the view's one Float64Array (a rate that does not exist is NaN
 * there and null to readers). As with samples, no object per number: see sample.ts.
 */
const enum R {
  CpuPct, Running, Runnable, Blocked, Offline, GuestSt, WaitPct, Ops, Native, NetTx, NetRx, VbdRd, VbdWr,
  Vmstat, // VMSTAT_FIELDS.length (17) slots, in that order: r b swpd free buff cache si so bi bo in cs us sy id wa st
  Slots = Vmstat + 17,
}

if (R.Slots - R.Vmstat !== VMSTAT_FIELDS.length) throw new Error('rates: the vmstat slots do not match VMSTAT_FIELDS');

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

class PackedRates implements DomainRates {
  private vm: Vmstat | null = null;

  constructor(
    private readonly f: Float64Array,
    private readonly o: number,
  ) {}

  get cpuPct(): number {
    return this.f[this.o + R.CpuPct]!;
  }
  get runstatePct(): RunstatePct {
    const f = this.f;
    const o = this.o;
    return { running: f[o + R.Running]!, runnable: f[o + R.Runnable]!, blocked: f[o + R.Blocked]!, offline: f[o + R.Offline]! };
  }
  get vmstat(): Vmstat {
    if (this.vm === null) {
      const v: Record<string, number> = {};
      for (let i = 0; i < VMSTAT_FIELDS.length; i++) v[VMSTAT_FIELDS[i]!] = this.f[this.o + R.Vmstat + i]!;
      this.vm = v as unknown as Vmstat;
    }
    return this.vm;
  }
  get guestStPct(): number | null {
    return orNull(this.f[this.o + R.GuestSt]!);
  }
  get waitPct(): number {
    return this.f[this.o + R.WaitPct]!;
  }
  get opsPerSec(): number | null {
    return orNull(this.f[this.o + R.Ops]!);
  }
  get nativePct(): number | null {
    return orNull(this.f[this.o + R.Native]!);
  }
  get netTxKiBps(): number {
    return this.f[this.o + R.NetTx]!;
  }
  get netRxKiBps(): number {
    return this.f[this.o + R.NetRx]!;
  }
  get vbdRdPerSec(): number {
    return this.f[this.o + R.VbdRd]!;
  }
  get vbdWrPerSec(): number {
    return this.f[this.o + R.VbdWr]!;
  }
}

/** Scratch for the tick deltas vmstat's shares are computed from. */
const tickDeltas = [0, 0, 0, 0, 0, 0, 0, 0];

/** A cumulative counter's rate between two samples, per second, as vmstat rounds it (never negative). */
function perSecond(cf: Float64Array, co: number, pf: Float64Array, po: number, k: number, dtS: number): number {
  return Math.max(0, Math.round((cf[co + k]! - pf[po + k]!) / dtS));
}

/**
 * The rates between two samples of one domain, written into `out` at `at` (R.Slots numbers).
 * vmstat's CPU shares are in ticks as the guest's vmstat sees them.
 */
function deriveInto(prev: DomainSample, cur: DomainSample, dtNs: number, out: Float64Array, at: number): void {
  const P = packed(prev);
  const C = packed(cur);
  const pf = P.f;
  const po = P.o;
  const cf = C.f;
  const co = C.o;
  const dtS = dtNs / NS_PER_S;
  const n = cf[co + DomainSlot.VcpusMax]!;
  const pn = pf[po + DomainSlot.VcpusMax]!;
  let running = 0;
  let runnable = 0;
  let blocked = 0;
  let offline = 0;
  for (let i = 0; i < n; i++) {
    const b = co + DomainSlot.Vcpus + i * VcpuSlot.Slots;
    const a = po + DomainSlot.Vcpus + i * VcpuSlot.Slots;
    const had = i < pn;
    running += cf[b + VcpuSlot.Running]! - (had ? pf[a + VcpuSlot.Running]! : 0);
    runnable += cf[b + VcpuSlot.Runnable]! - (had ? pf[a + VcpuSlot.Runnable]! : 0);
    blocked += cf[b + VcpuSlot.Blocked]! - (had ? pf[a + VcpuSlot.Blocked]! : 0);
    offline += cf[b + VcpuSlot.Offline]! - (had ? pf[a + VcpuSlot.Offline]! : 0);
  }
  const per = dtNs * Math.max(1, n);
  out[at + R.Running] = (running / per) * 100;
  out[at + R.Runnable] = (runnable / per) * 100;
  out[at + R.Blocked] = (blocked / per) * 100;
  out[at + R.Offline] = (offline / per) * 100;
  const cs = co + DomainSlot.Stat;
  const ps = po + DomainSlot.Stat;
  let statTotal = 0;
  for (let i = 0; i < 8; i++) {
    tickDeltas[i] = Math.max(0, jiffies(cf[cs + i]!) - jiffies(pf[ps + i]!));
    statTotal += cf[cs + i]! - pf[ps + i]!;
  }
  const v = at + R.Vmstat;
  const m = co + DomainSlot.Mem;
  out[v + 0] = cf[co + DomainSlot.RunnableTasks]!;
  out[v + 1] = cf[co + DomainSlot.BlockedTasks]!;
  out[v + 2] = Math.round(cf[m + MemSlot.SwapUsed]!); // swpd
  out[v + 3] = Math.round(cf[m + MemSlot.Free]!);
  out[v + 4] = Math.round(cf[m + MemSlot.Buffers]!);
  out[v + 5] = Math.round(cf[m + MemSlot.Cache]!);
  out[v + 6] = perSecond(cf, co, pf, po, DomainSlot.Mem + MemSlot.Si, dtS);
  out[v + 7] = perSecond(cf, co, pf, po, DomainSlot.Mem + MemSlot.So, dtS);
  out[v + 8] = perSecond(cf, co, pf, po, DomainSlot.BiKiB, dtS);
  out[v + 9] = perSecond(cf, co, pf, po, DomainSlot.BoKiB, dtS);
  out[v + 10] = perSecond(cf, co, pf, po, DomainSlot.Interrupts, dtS);
  out[v + 11] = perSecond(cf, co, pf, po, DomainSlot.CtxSwitches, dtS);
  vmstatSharesInto(tickDeltas, out, v + 12);
  const stealNs = cf[cs + Stat.Steal]! - pf[ps + Stat.Steal]!;
  out[at + R.GuestSt] = (cf[co + DomainSlot.Flags]! & SampleFlag.SeesSteal) !== 0 ? (statTotal > 0 ? (stealNs / statTotal) * 100 : 0) : NaN;
  const ops = cur.opUnit !== '' ? (cf[co + DomainSlot.OpsDone]! - pf[po + DomainSlot.OpsDone]!) / dtS : NaN;
  out[at + R.Ops] = ops;
  // Against what the workload would have done natively over the same interval (its load wave included).
  const native = (cf[co + DomainSlot.NativeOpsDone]! - pf[po + DomainSlot.NativeOpsDone]!) / dtS;
  out[at + R.Native] = !Number.isNaN(ops) && native > 0 ? (ops / native) * 100 : NaN;
  out[at + R.CpuPct] = ((cf[co + DomainSlot.CpuNs]! - pf[po + DomainSlot.CpuNs]!) / dtNs) * 100;
  out[at + R.NetTx] = Math.max(0, (cf[co + DomainSlot.NetTxKiB]! - pf[po + DomainSlot.NetTxKiB]!) / dtS);
  out[at + R.NetRx] = Math.max(0, (cf[co + DomainSlot.NetRxKiB]! - pf[po + DomainSlot.NetRxKiB]!) / dtS);
  out[at + R.VbdRd] = Math.max(0, (cf[co + DomainSlot.VbdRdReqs]! - pf[po + DomainSlot.VbdRdReqs]!) / dtS);
  out[at + R.VbdWr] = Math.max(0, (cf[co + DomainSlot.VbdWrReqs]! - pf[po + DomainSlot.VbdWrReqs]!) / dtS);
  // Beside the guest's own steal: runnable time per online vCPU (down ones are not the guest's CPUs).
  out[at + R.WaitPct] = (runnable / (dtNs * Math.max(1, cf[co + DomainSlot.VcpusOnline]!))) * 100;
}

export function deriveDomain(prev: DomainSample, cur: DomainSample, dtNs: number): DomainRates {
  const f = new Float64Array(R.Slots);
  deriveInto(prev, cur, dtNs, f, 0);
  return new PackedRates(f, 0);
}

/** Marks a domain's rate slots as "no rates" (a domain new since the previous sample). */
const NO_RATES = NaN;

class PackedView implements HostView {
  private rowList: DomainRow[] | null = null;
  listCache: HostView['listCache'] = null;

  constructor(
    readonly sample: HostSample,
    readonly pcpus: readonly PcpuUse[] | null,
    /** Each domain's rates at i * R.Slots, NO_RATES in its CpuPct slot if it has none; null for a first sample. */
    private readonly f: Float64Array | null,
  ) {}

  get rows(): readonly DomainRow[] {
    if (this.rowList === null) {
      const doms = this.sample.domains;
      const rows: DomainRow[] = [];
      for (let i = 0; i < doms.length; i++) rows.push(this.makeRow(i, doms[i]!));
      this.rowList = rows;
    }
    return this.rowList;
  }

  /**
   * Where domain `id` is in the sample, -1 if absent. The host lists domains in the order they
   * were made and IDs only grow, so a sample's IDs ascend and a bisection finds it; a scan covers
   * any other order.
   */
  private indexOf(id: number): number {
    const s = this.sample;
    let lo = 0;
    let hi = s.domainCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = s.idAt(mid);
      if (x === id) return mid;
      if (x < id) lo = mid + 1;
      else hi = mid - 1;
    }
    for (let i = 0; i < s.domainCount; i++) if (s.idAt(i) === id) return i;
    return -1;
  }

  row(id: number): DomainRow | undefined {
    const i = this.indexOf(id);
    if (i < 0) return undefined;
    return this.rowList !== null ? this.rowList[i] : this.makeRow(i, this.sample.domainAt(i));
  }

  /** Domain i's row: its sample and, if it has rates in this view, their numbers. */
  private makeRow(i: number, sample: DomainSample): DomainRow {
    const f = this.f;
    const at = i * R.Slots;
    return { sample, rates: f !== null && !Number.isNaN(f[at + R.CpuPct]!) ? new PackedRates(f, at) : null };
  }

  cpuPct(id: number): number | null {
    const f = this.f;
    if (f === null) return null;
    const i = this.indexOf(id);
    return i < 0 ? null : orNull(f[i * R.Slots + R.CpuPct]!);
  }

  release(): void {
    this.rowList = null;
    this.listCache = null;
    this.sample.release();
  }
}

export function deriveHost(prev: HostSample | null, cur: HostSample): HostView {
  const dt = prev === null ? 0 : cur.tNs - prev.tNs;
  // Domains keep their order from one sample to the next unless one came or went: pair them by
  // position, and look one up by ID only when the position does not match. Plain loops, no
  // closure per call: a closure made afresh each refresh loses its compiled code at every major GC.
  const doms = cur.domains;
  const f = dt > 0 ? new Float64Array(doms.length * R.Slots) : null;
  if (prev !== null && f !== null) {
    const prevDoms = prev.domains;
    const prevById: IdIndex<DomainSample> = { map: null };
    for (let i = 0; i < doms.length; i++) {
      const d = doms[i]!;
      const p = atOrById(prevDoms, i, d.id, prevById);
      if (p !== undefined) deriveInto(p, d, dt, f, i * R.Slots);
      else f[i * R.Slots + R.CpuPct] = NO_RATES;
    }
  }
  let pcpus: PcpuUse[] | null = null;
  if (prev !== null && dt > 0) {
    pcpus = [];
    for (let i = 0; i < cur.pcpus.length; i++) {
      const p = cur.pcpus[i]!;
      const a = prev.pcpus[i];
      const guestPct = a ? ((p.busyGuestNs - a.busyGuestNs) / dt) * 100 : 0;
      const dom0Pct = a ? ((p.busyDom0Ns - a.busyDom0Ns) / dt) * 100 : 0;
      pcpus.push({ guestPct, dom0Pct, idlePct: Math.max(0, 100 - guestPct - dom0Pct) });
    }
  }
  return new PackedView(cur, pcpus, f);
}

/** xentop's STATE column: d s b c p r, '-' when unset. */
export function stateLetters(d: DomainSample): string {
  const f = d.flags;
  return (f.dying ? 'd' : '-') + (f.shutdown ? 's' : '-') + (f.blocked ? 'b' : '-') + (f.crashed ? 'c' : '-') + (f.paused ? 'p' : '-') + (f.running ? 'r' : '-');
}

/** The state word JSON and CSV use. */
export function stateName(d: DomainSample): string {
  const f = d.flags;
  if (f.dying) return 'dying';
  if (f.crashed) return 'crashed';
  if (f.shutdown) return 'shutdown';
  if (f.paused) return 'paused';
  if (f.running) return 'running';
  return 'blocked';
}
