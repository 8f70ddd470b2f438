/**
 * Workload profiles: what the tasks inside a guest do, as data.
 *
 * A task repeats a cycle: a CPU burst made of basic operations (priced per mode in modes.ts), then a
 * wait (think time, or disk I/O the page cache could not serve). A cycle stands for `opsPerCycle`
 * units of useful work, so throughput (ops/s) is an outcome of what the cycle cost in CPU time and
 * how long the task waited, never a number set directly. Cycles batch many requests so that the
 * model stays fast; the batching is the same in every mode. A cycle's CPU time, wait and ops grow
 * together with the batch, so CPU demand and throughput do not depend on it; what does is how many
 * events the host simulates per second (with 1,000 guests, web's 30 requests per cycle instead of
 * 10, db's 40 transactions instead of 20 and io's 16 files instead of 8 take a simulated second
 * from about 19,000 events to about 10,000). The context switches a batch stands for are
 * counted from its `ctxsw` ops, so vmstat's cs does not depend on the batch size either.
 */
import { NS_PER_S } from '../clock.js';
import type { OpKind } from '../modes.js';

export type WorkloadName = 'idle' | 'cpu' | 'build' | 'db' | 'web' | 'io';
export const WORKLOAD_NAMES: readonly WorkloadName[] = ['idle', 'cpu', 'build', 'db', 'web', 'io'];

export interface WorkloadProfile {
  readonly name: WorkloadName;
  readonly summary: string;
  /** Task names as `ps` would show them. */
  readonly taskName: string;
  readonly tasksPerVcpu: number;
  readonly minTasks: number;
  readonly opsPerCycle: number;
  readonly opUnit: string;
  /** Every operation kind, 0 where the cycle has none (see cycleOps). */
  readonly cycleOps: Readonly<Record<OpKind, number>>;
  /** Uniform jitter applied to each burst, as a fraction (0.2 = ±20 %). */
  readonly burstJitter: number;
  /** Mean think/sleep time per cycle (exponential), ms. 0 = never sleeps. */
  readonly thinkMs: number;
  /** Demand wave: think time is scaled by 1 - depth·sin(2πt/period). */
  readonly wavePeriodS: number;
  readonly waveDepth: number;
  readonly readFraction: number;
  readonly kibPerDiskIo: number;
  readonly kibPerNetPkt: number;
  /** Size of the data the workload reads; the page cache can hold up to this much of it. */
  readonly datasetMiB: number;
  readonly rssMiBPerTask: number;
  /** Working sets vary per cycle by ± this fraction (a compile job, a big query). */
  readonly rssJitter: number;
  /** Share of run time spent holding kernel locks (contention in SMP guests). */
  readonly lockFraction: number;
}

/**
 * A cycle's operations with every kind present, in one order: the six workloads' tables then
 * share one shape, and reading one kind from whichever workload a burst belongs to is a plain
 * load rather than a megamorphic lookup (startBurst reads ctxsw at every burst).
 */
function cycleOps(ops: Readonly<Partial<Record<OpKind, number>>>): Readonly<Record<OpKind, number>> {
  return { compute: 0, syscall: 0, ctxsw: 0, pageFault: 0, fork: 0, exec: 0, diskIo: 0, netPkt: 0, ...ops };
}

const base = {
  burstJitter: 0.2,
  wavePeriodS: 0,
  waveDepth: 0,
  readFraction: 0,
  kibPerDiskIo: 4,
  kibPerNetPkt: 1.5,
  datasetMiB: 0,
  rssJitter: 0,
  lockFraction: 0,
} as const;

export const WORKLOADS: Record<WorkloadName, WorkloadProfile> = {
  idle: {
    ...base,
    name: 'idle',
    summary: 'a mostly idle server: a daemon wakes every few seconds',
    taskName: 'crond',
    tasksPerVcpu: 0,
    minTasks: 1,
    opsPerCycle: 0,
    opUnit: '',
    cycleOps: cycleOps({ compute: 40, syscall: 30, ctxsw: 2 }),
    thinkMs: 2000,
    rssMiBPerTask: 4,
  },
  cpu: {
    ...base,
    name: 'cpu',
    summary: 'CPU-bound integer work (SPEC-INT-like), one hog per vCPU',
    taskName: 'cpuhog',
    tasksPerVcpu: 1,
    minTasks: 1,
    opsPerCycle: 20,
    opUnit: 'units',
    cycleOps: cycleOps({ compute: 20_000, syscall: 10, pageFault: 2 }),
    burstJitter: 0,
    thinkMs: 0,
    rssMiBPerTask: 64,
  },
  build: {
    ...base,
    name: 'build',
    summary: 'a kernel build: fork/exec, page faults, mostly cached reads',
    taskName: 'cc1',
    tasksPerVcpu: 2,
    minTasks: 2,
    opsPerCycle: 1,
    opUnit: 'jobs',
    cycleOps: cycleOps({ fork: 1, exec: 1, pageFault: 4000, syscall: 3000, ctxsw: 40, compute: 30_000, diskIo: 12 }),
    thinkMs: 1,
    readFraction: 0.7,
    kibPerDiskIo: 32,
    datasetMiB: 1500,
    rssMiBPerTask: 120,
    rssJitter: 0.6,
    lockFraction: 0.08,
  },
  db: {
    ...base,
    name: 'db',
    summary: 'OLTP database: syscalls, synchronous disk I/O, small queries',
    taskName: 'postgres',
    tasksPerVcpu: 4,
    minTasks: 4,
    opsPerCycle: 40,
    opUnit: 'tx',
    cycleOps: cycleOps({ syscall: 2400, ctxsw: 160, pageFault: 200, compute: 12_000, diskIo: 120, netPkt: 160 }),
    thinkMs: 50,
    readFraction: 0.6,
    kibPerDiskIo: 8,
    datasetMiB: 3000,
    rssMiBPerTask: 96,
    rssJitter: 0.3,
    lockFraction: 0.1,
  },
  web: {
    ...base,
    name: 'web',
    summary: 'request/response web server: network I/O and syscalls, load comes in waves',
    taskName: 'nginx',
    tasksPerVcpu: 4,
    minTasks: 4,
    opsPerCycle: 30,
    opUnit: 'req',
    cycleOps: cycleOps({ syscall: 1200, ctxsw: 60, pageFault: 120, compute: 4500, netPkt: 240, diskIo: 6 }),
    thinkMs: 90,
    wavePeriodS: 120,
    waveDepth: 0.6,
    readFraction: 1,
    kibPerDiskIo: 16,
    datasetMiB: 500,
    rssMiBPerTask: 48,
    rssJitter: 0.2,
    lockFraction: 0.04,
  },
  io: {
    ...base,
    name: 'io',
    summary: 'file server: large reads from disk sent over the network',
    taskName: 'smbd',
    tasksPerVcpu: 2,
    minTasks: 2,
    opsPerCycle: 16,
    opUnit: 'files',
    cycleOps: cycleOps({ syscall: 320, ctxsw: 32, compute: 480, diskIo: 16, netPkt: 720 }),
    thinkMs: 10,
    readFraction: 0.9,
    kibPerDiskIo: 64,
    datasetMiB: 8000,
    rssMiBPerTask: 32,
    rssJitter: 0.2,
    lockFraction: 0.03,
  },
};

/**
 * The load wave's factor on think time at `nowNs` (a web server's traffic comes and goes): 1 for a
 * workload without one; below 1 (less thinking, more requests) at the wave's crest.
 */
export function loadWave(p: WorkloadProfile, nowNs: number): number {
  return p.wavePeriodS > 0 ? 1 - p.waveDepth * Math.sin((2 * Math.PI * nowNs) / (p.wavePeriodS * NS_PER_S)) : 1;
}

export function isWorkloadName(s: string): s is WorkloadName {
  return (WORKLOAD_NAMES as readonly string[]).includes(s);
}

export function taskCount(p: WorkloadProfile, vcpus: number): number {
  return Math.max(p.minTasks, Math.ceil(p.tasksPerVcpu * vcpus));
}
