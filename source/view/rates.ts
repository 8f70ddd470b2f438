/**
 * Derived figures: everything per-second or per-cent comes from two cumulative snapshots here, so
 * the dashboard, batch text, JSON and CSV all agree. With no previous snapshot a rate is null
 * ("-" on screen), never 0.
 */
import { NS_PER_S } from '../model/clock.js';
import { jiffies } from '../model/guest/guest-cpu.js';
import { vmstatShares } from '../shell/procps.js';
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
  /** Rows by domain ID. */
  readonly byId: ReadonlyMap<number, DomainRow>;
}


/** vmstat's CPU shares between two /proc/stat readings (ns), in ticks as the guest's vmstat sees them. */
function shares(prev: readonly number[], cur: readonly number[]): Pick<Vmstat, 'us' | 'sy' | 'id' | 'wa' | 'st'> {
  const [us, sy, id, wa, st] = vmstatShares(cur.map((x, i) => Math.max(0, jiffies(x) - jiffies(prev[i]!)))) as [number, number, number, number, number];
  return { us, sy, id, wa, st };
}

export function deriveDomain(prev: DomainSample, cur: DomainSample, dtNs: number): DomainRates {
  const dtS = dtNs / NS_PER_S;
  const runstate = [0, 0, 0, 0];
  const n = Math.max(1, cur.vcpus.length);
  for (let i = 0; i < cur.vcpus.length; i++) {
    const a = prev.vcpus[i]?.runstateNs ?? [0, 0, 0, 0];
    const b = cur.vcpus[i]!.runstateNs;
    for (let k = 0; k < 4; k++) runstate[k]! += b[k]! - a[k]!;
  }
  const pctOf = (x: number): number => (x / (dtNs * n)) * 100;
  const runstatePct = { running: pctOf(runstate[0]!), runnable: pctOf(runstate[1]!), blocked: pctOf(runstate[2]!), offline: pctOf(runstate[3]!) };
  const cpu = shares(prev.statNs, cur.statNs);
  const rate = (a: number, b: number): number => Math.max(0, Math.round((b - a) / dtS));
  const vmstat: Vmstat = {
    r: cur.runnableTasks,
    b: cur.blockedTasks,
    swpd: Math.round(cur.mem.swapUsedKiB),
    free: Math.round(cur.mem.freeKiB),
    buff: Math.round(cur.mem.buffersKiB),
    cache: Math.round(cur.mem.cacheKiB),
    si: rate(prev.mem.siKiB, cur.mem.siKiB),
    so: rate(prev.mem.soKiB, cur.mem.soKiB),
    bi: rate(prev.biKiB, cur.biKiB),
    bo: rate(prev.boKiB, cur.boKiB),
    in: rate(prev.interrupts, cur.interrupts),
    cs: rate(prev.ctxSwitches, cur.ctxSwitches),
    ...cpu,
  };
  let statTotal = 0;
  for (let i = 0; i < 8; i++) statTotal += cur.statNs[i]! - prev.statNs[i]!;
  const stealNs = cur.statNs[7]! - prev.statNs[7]!;
  const guestStPct = cur.seesSteal ? (statTotal > 0 ? (stealNs / statTotal) * 100 : 0) : null;
  const hasOps = cur.opUnit !== '';
  const opsPerSec = hasOps ? (cur.opsDone - prev.opsDone) / dtS : null;
  const nativePct = opsPerSec !== null && cur.nativeOpsPerSec > 0 ? (opsPerSec / cur.nativeOpsPerSec) * 100 : null;
  return {
    cpuPct: ((cur.cpuNs - prev.cpuNs) / dtNs) * 100,
    runstatePct,
    vmstat,
    guestStPct,
    // Beside the guest's own steal: runnable time per online vCPU (down ones are not the guest's CPUs).
    waitPct: (runstate[1]! / (dtNs * Math.max(1, cur.vcpusOnline))) * 100,
    opsPerSec,
    nativePct,
  };
}

export function deriveHost(prev: HostSample | null, cur: HostSample): HostView {
  const dt = prev === null ? 0 : cur.tNs - prev.tNs;
  const prevById = new Map<number, DomainSample>();
  if (prev !== null) for (const d of prev.domains) prevById.set(d.id, d);
  const byId = new Map<number, DomainRow>();
  const rows = cur.domains.map((d): DomainRow => {
    const p = prevById.get(d.id);
    const row = { sample: d, rates: p !== undefined && dt > 0 ? deriveDomain(p, d, dt) : null };
    byId.set(d.id, row);
    return row;
  });
  let pcpus: PcpuUse[] | null = null;
  if (prev !== null && dt > 0) {
    pcpus = cur.pcpus.map((p, i) => {
      const a = prev.pcpus[i];
      const guestPct = a ? ((p.busyGuestNs - a.busyGuestNs) / dt) * 100 : 0;
      const dom0Pct = a ? ((p.busyDom0Ns - a.busyDom0Ns) / dt) * 100 : 0;
      return { guestPct, dom0Pct, idlePct: Math.max(0, 100 - guestPct - dom0Pct) };
    });
  }
  return { sample: cur, rows, pcpus, byId };
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
