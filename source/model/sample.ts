/**
 * Immutable snapshots of the host with CUMULATIVE counters only. Rates (CPU %, vmstat's per-second
 * columns, ops/s) are derived by readers from two snapshots, as xentop does; a reader with one
 * snapshot has no rate. Taking a snapshot never changes what the model does next.
 */
import { MODE_LABEL } from './modes.js';
import type { Mode } from './modes.js';
import type { Domain } from './domain.js';
import { nativeOpsPerSec } from './guest/cycle.js';
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
  /** What the workload would do natively right now (cache state included), ops/s. */
  readonly nativeOpsPerSec: number;
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
}

/** nativeOpsPerSec is pure in its inputs and the inputs change rarely: remember the last answer per kernel. */
interface NativeMemo {
  profile: object;
  tasks: number;
  online: number;
  hit: number;
  value: number;
}
const nativeMemo = new WeakMap<object, NativeMemo>();

function nativeOps(d: Domain, online: number, hit: number): number {
  if (d.id === 0) return 0;
  const k = d.kernel;
  const profile = k.profile;
  const tasks = taskCount(profile, d.spec.vcpus);
  const m = nativeMemo.get(k);
  if (m !== undefined && m.profile === profile && m.tasks === tasks && m.online === online && m.hit === hit) return m.value;
  const value = nativeOpsPerSec(profile, tasks, online, hit);
  nativeMemo.set(k, { profile, tasks, online, hit, value });
  return value;
}

function sampleDomain(host: Host, d: Domain): DomainSample {
  const now = host.now;
  const k = d.kernel;
  const statNs = [0, 0, 0, 0, 0, 0, 0, 0];
  for (const row of k.statNs(now)) for (let i = 0; i < 8; i++) statNs[i]! += row[i]!;
  let anyRunning = false;
  let cpuNs = 0;
  let online = 0;
  const vcpus: VcpuSample[] = [];
  for (const v of d.vcpus) {
    const info = host.scheduler.info(v);
    const runstateNs = v.runstateNs(now);
    cpuNs += runstateNs[0];
    if (v.state === 0) anyRunning = true;
    if (v.up) online++;
    vcpus.push({
      id: v.id,
      up: v.up,
      state: v.state,
      processor: v.processor,
      runstateNs,
      credit: info.credit,
      priority: info.priority,
      affinity: v.affinity,
    });
  }
  const m = k.memory;
  const ds = k.profile.datasetMiB * 1024;
  const hit = ds > 0 ? Math.min(1, m.cacheKiB / ds) : 1;
  let spinNs = 0;
  for (const c of k.cpus) spinNs += c.spinNs + (c.spinning && c.vcpu.state === 0 ? now - c.runSinceNs : 0);
  const prof = k.prof;
  return {
    id: d.id,
    name: d.name,
    mode: d.mode,
    modeLabel: MODE_LABEL[d.mode],
    workload: d.id === 0 ? 'backend' : d.spec.workload,
    opUnit: k.profile.opUnit,
    flags: {
      dying: d.dying,
      shutdown: d.shutdownReason !== null && d.shutdownReason !== 'crash',
      blocked: !anyRunning && !d.paused,
      crashed: d.shutdownReason === 'crash',
      paused: d.paused,
      running: anyRunning,
    },
    weight: d.weight,
    cap: d.cap,
    memKiB: d.memKiB,
    targetKiB: d.targetKiB,
    maxmemKiB: d.maxmemKiB,
    vcpusOnline: online,
    vcpusMax: d.vcpus.length,
    cpuNs,
    vcpus,
    statNs,
    interrupts: k.interrupts,
    ctxSwitches: k.ctxSwitches,
    runnableTasks: k.runnableTasks(),
    blockedTasks: k.blockedTasks(),
    mem: {
      totalKiB: m.totalKiB,
      freeKiB: m.freeKiB,
      buffersKiB: m.buffersKiB,
      cacheKiB: m.cacheKiB,
      swapUsedKiB: m.swapUsedKiB,
      swapTotalKiB: m.swapTotalKiB,
      siKiB: m.siKiB,
      soKiB: m.soKiB,
    },
    biKiB: k.biKiB,
    boKiB: k.boKiB,
    opsDone: k.opsDone,
    nativeOpsPerSec: nativeOps(d, online, hit),
    netTxKiB: k.netTxKiB,
    netRxKiB: k.netRxKiB,
    vbdRdReqs: k.vbdRdReqs,
    vbdWrReqs: k.vbdWrReqs,
    nets: d.spec.vifs.length,
    vbds: d.spec.disks.length,
    clockOffsetNs: k.clockOffsetNs(now),
    seesSteal: k.traits.seesSteal,
    consoleSeq: k.console.total,
    prof: { userNs: prof.userNs, kernelNs: prof.kernelNs, hvNs: prof.hvNs, dom0Ns: prof.dom0Ns },
    spinNs,
  };
}

export function sampleHost(host: Host): HostSample {
  return {
    tNs: host.now,
    xenVersion: host.xenVersion,
    cpuMhz: host.cpuMhz,
    scheduler: host.scheduler.opt,
    pcpus: host.pcpus.map((p) => {
      p.chargeCurrent(host.now);
      return { id: p.id, busyGuestNs: p.busyGuestNs, busyDom0Ns: p.busyDom0Ns };
    }),
    memKiB: host.totalKiB,
    freeKiB: host.freeKiB,
    domains: host.domains().map((d) => sampleDomain(host, d)),
  };
}
