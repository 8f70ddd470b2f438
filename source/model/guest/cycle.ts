/**
 * Prices one cycle of a workload in a mode: the CPU it needs (user, kernel, hypervisor), the
 * Domain-0 work it causes, its I/O, and how long it then waits. The page cache decides how many
 * reads reach the disk, so the price changes as the cache warms or memory shrinks.
 */
import { MODE_COSTS, MODE_TRAITS, NATIVE_COSTS } from '../modes.js';
import type { CostTable, Mode, OpKind } from '../modes.js';
import { NS_PER_S } from '../clock.js';
import { loadWave } from './workloads.js';
import type { WorkloadProfile } from './workloads.js';

/** Device service time per request, µs (an SSD behind the backend). */
export const DISK_LATENCY_US = 150;

export interface CyclePrice {
  readonly userUs: number;
  readonly kernelUs: number;
  readonly softirqUs: number;
  readonly hvUs: number;
  readonly dom0Us: number;
  readonly diskOps: number;
  readonly readKiB: number;
  readonly writeKiB: number;
  readonly netKiB: number;
  /** Time spent waiting on the device, µs. */
  readonly ioWaitUs: number;
}

const OPS: readonly OpKind[] = ['compute', 'syscall', 'ctxsw', 'pageFault', 'fork', 'exec', 'diskIo', 'netPkt'];

export function priceCycle(p: WorkloadProfile, table: CostTable, extraLatencyUs: number, cacheHit: number): CyclePrice {
  const diskTotal = p.cycleOps.diskIo;
  const reads = diskTotal * p.readFraction;
  const writes = diskTotal - reads;
  const deviceReads = reads * (1 - cacheHit);
  const diskOps = deviceReads + writes;
  let userUs = 0;
  let kernelUs = 0;
  let softirqUs = 0;
  let hvUs = 0;
  let dom0Us = 0;
  for (const op of OPS) {
    const n = op === 'diskIo' ? diskOps : p.cycleOps[op];
    if (n === 0) continue;
    const c = table[op];
    userUs += n * c.userUs;
    if (op === 'netPkt') softirqUs += n * c.kernelUs;
    else kernelUs += n * c.kernelUs;
    hvUs += n * c.hvUs;
    dom0Us += n * c.dom0Us;
  }
  return {
    userUs,
    kernelUs,
    softirqUs,
    hvUs,
    dom0Us,
    diskOps,
    readKiB: deviceReads * p.kibPerDiskIo,
    writeKiB: writes * p.kibPerDiskIo,
    netKiB: p.cycleOps.netPkt * p.kibPerNetPkt,
    ioWaitUs: diskOps * (DISK_LATENCY_US + extraLatencyUs),
  };
}

export function priceInMode(p: WorkloadProfile, mode: Mode, cacheHit: number): CyclePrice {
  return priceCycle(p, MODE_COSTS[mode], MODE_TRAITS[mode].ioLatencyExtraUs, cacheHit);
}

/** A cycle's native CPU time and I/O wait at a page-cache hit ratio (what nativeOpsRate needs of the price). */
export interface NativeCycle {
  readonly cpuUs: number;
  readonly ioWaitUs: number;
}

export function nativeCycle(p: WorkloadProfile, cacheHit: number): NativeCycle {
  const c = priceCycle(p, NATIVE_COSTS, 0, cacheHit);
  return { cpuUs: c.userUs + c.kernelUs + c.softirqUs, ioWaitUs: c.ioWaitUs };
}

/**
 * Ops/s the same workload would reach natively, with no hypervisor, on `cpus` uncontended CPUs
 * and the same page-cache hit ratio (`c`), under the same offered load (`wave`: the load wave's
 * factor on think time, see loadWave): each task cycles through its native CPU time and its wait;
 * the CPUs cap it when tasks outnumber them.
 */
export function nativeOpsRate(p: WorkloadProfile, tasks: number, cpus: number, c: NativeCycle, wave: number): number {
  if (p.opsPerCycle === 0 || cpus === 0) return 0;
  const cycleUs = c.cpuUs + c.ioWaitUs + p.thinkMs * 1000 * wave;
  const cyclesPerSec = Math.min(tasks / (cycleUs / 1e6), cpus / (c.cpuUs / 1e6));
  return cyclesPerSec * p.opsPerCycle;
}

/** Simpson steps at most this far apart when a load wave is integrated (its period is minutes). */
const WAVE_STEP_NS = 5e9;

/**
 * The ops the workload would have done natively from `fromNs` to `toNs` (the rate integrated over
 * the load wave, Simpson's rule), for NAT%: actual ops over the same interval against these.
 */
export function nativeOpsBetween(p: WorkloadProfile, tasks: number, cpus: number, c: NativeCycle, fromNs: number, toNs: number): number {
  const dt = toNs - fromNs;
  if (dt <= 0) return 0;
  if (p.wavePeriodS <= 0) return (nativeOpsRate(p, tasks, cpus, c, 1) * dt) / NS_PER_S;
  const n = 2 * Math.max(1, Math.ceil(dt / (2 * WAVE_STEP_NS)));
  const h = dt / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * nativeOpsRate(p, tasks, cpus, c, loadWave(p, fromNs + i * h));
  }
  return ((sum * h) / 3) / NS_PER_S;
}
