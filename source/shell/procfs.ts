/**
 * The guest's /proc and /sys as its own programs read them: every file is rendered from the emulated
 * kernel's state at the moment of the read, in the kernel's own format (Linux 6.1), so that procps
 * and scripts parse them unchanged. Nothing here reads the host's real /proc.
 *
 * Guarantees: a `full` guest has no /sys/devices/system/xen_memory (no balloon driver); per-CPU lines
 * in /proc/stat list the CPUs online in the guest, the `cpu` line sums them all; times the guest
 * reports (uptime, btime, date) run on the guest's clock, which drifts where its kernel counts ticks.
 */
import { NS_PER_S } from '../model/clock.js';
import type { Domain } from '../model/domain.js';
import { USER_HZ, jiffies } from '../model/guest/guest-cpu.js';
import { cpuList } from '../model/cpumask.js';
import { procVersion } from '../model/guest/boot-log.js';
import type { GuestKernel } from '../model/guest/kernel.js';
import type { Host } from '../model/host.js';

/** The host's wall clock at simulated time 0: Monday 3 March 2025, 09:00:00 UTC. */
export const EPOCH_S = 1_740_992_400;

export interface Guest {
  readonly host: Host;
  readonly dom: Domain;
  readonly k: GuestKernel;
}

export type ReadResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

/** Seconds since boot by the guest's clock (drifts with lost ticks in a full guest). */
export function uptimeNs(g: Guest): number {
  const now = g.host.now;
  return Math.max(0, now - g.k.bootNs + g.k.clockOffsetNs(now));
}

/** The guest's wall clock, seconds since the Unix epoch (fractional). */
export function guestClockS(g: Guest): number {
  const now = g.host.now;
  return EPOCH_S + (now + g.k.clockOffsetNs(now)) / NS_PER_S;
}

/** The host's wall clock, seconds since the Unix epoch (Domain-0 and Xen agree on it). */
export function hostClockS(host: Host): number {
  return EPOCH_S + host.now / NS_PER_S;
}

export interface CpuTicks {
  readonly id: number;
  readonly online: boolean;
  /** user nice system idle iowait irq softirq steal, in USER_HZ ticks. */
  readonly t: readonly number[];
}

/** /proc/stat's counters in ticks, per CPU (all CPUs the guest has, online or not). */
export function cpuTicks(g: Guest): CpuTicks[] {
  const ns = g.k.statNs(g.host.now);
  return ns.map((row, i) => ({ id: i, online: g.k.cpus[i]!.online, t: row.map(jiffies) }));
}

export function sumTicks(cpus: readonly CpuTicks[]): number[] {
  const s = [0, 0, 0, 0, 0, 0, 0, 0];
  for (const c of cpus) for (let i = 0; i < 8; i++) s[i]! += c.t[i]!;
  return s;
}

/** Tasks running or runnable, counting the reader itself (it is running while it reads). */
export function procsRunning(g: Guest): number {
  return g.k.runnableTasks() + 1;
}

function statFile(g: Guest): string {
  const cpus = cpuTicks(g);
  const line = (name: string, t: readonly number[]): string => `${name} ${t.join(' ')} 0 0`;
  const out = [line('cpu ', sumTicks(cpus))];
  for (const c of cpus) if (c.online) out.push(line(`cpu${c.id}`, c.t));
  const k = g.k;
  out.push(`intr ${k.interrupts}`);
  out.push(`ctxt ${k.ctxSwitches}`);
  out.push(`btime ${Math.floor(guestClockS(g) - uptimeNs(g) / NS_PER_S)}`);
  out.push(`processes ${k.forks}`);
  out.push(`procs_running ${procsRunning(g)}`);
  out.push(`procs_blocked ${k.blockedTasks()}`);
  return `${out.join('\n')}\n`;
}

/** The figures /proc/meminfo shows, KiB. free, top and vmstat all read these. */
export interface MemInfo {
  readonly total: number;
  readonly free: number;
  readonly available: number;
  readonly buffers: number;
  readonly cached: number;
  readonly sReclaimable: number;
  readonly swapTotal: number;
  readonly swapFree: number;
  readonly anon: number;
  readonly shmem: number;
}

export function memInfo(g: Guest): MemInfo {
  const m = g.k.memory;
  const r = Math.round;
  const free = Math.max(0, r(m.freeKiB));
  return {
    total: r(m.totalKiB),
    free,
    available: Math.max(0, r(m.freeKiB - m.minFreeKiB + m.cacheKiB + m.buffersKiB)),
    buffers: r(m.buffersKiB),
    cached: r(m.cacheKiB),
    sReclaimable: 0,
    swapTotal: r(m.swapTotalKiB),
    swapFree: r(m.swapTotalKiB - m.swapUsedKiB),
    anon: r(m.residentAnonKiB),
    shmem: 0,
  };
}

function meminfoFile(g: Guest): string {
  const m = memInfo(g);
  const kernel = Math.round(g.k.memory.kernelKiB);
  const rows: [string, number][] = [
    ['MemTotal', m.total],
    ['MemFree', m.free],
    ['MemAvailable', m.available],
    ['Buffers', m.buffers],
    ['Cached', m.cached],
    ['SwapCached', 0],
    ['Active', Math.round(m.anon * 0.7 + m.cached * 0.4)],
    ['Inactive', Math.round(m.anon * 0.3 + m.cached * 0.6)],
    ['Active(anon)', Math.round(m.anon * 0.7)],
    ['Inactive(anon)', Math.round(m.anon * 0.3)],
    ['Active(file)', Math.round(m.cached * 0.4)],
    ['Inactive(file)', Math.round(m.cached * 0.6)],
    ['Unevictable', 0],
    ['Mlocked', 0],
    ['SwapTotal', m.swapTotal],
    ['SwapFree', m.swapFree],
    ['Zswap', 0],
    ['Zswapped', 0],
    ['Dirty', 0],
    ['Writeback', 0],
    ['AnonPages', m.anon],
    ['Mapped', Math.round(m.cached * 0.1)],
    ['Shmem', m.shmem],
    ['KReclaimable', m.sReclaimable],
    ['Slab', Math.round(kernel * 0.4)],
    ['SReclaimable', m.sReclaimable],
    ['SUnreclaim', Math.round(kernel * 0.4)],
    ['KernelStack', 2048 + 16 * g.k.tasks.length],
    ['PageTables', Math.round(m.anon / 256)],
    ['NFS_Unstable', 0],
    ['Bounce', 0],
    ['WritebackTmp', 0],
    ['CommitLimit', Math.round(m.total / 2 + m.swapTotal)],
    ['Committed_AS', Math.round(m.anon * 1.5)],
    ['VmallocTotal', 34359738367],
    ['VmallocUsed', 12000],
    ['VmallocChunk', 0],
    ['Percpu', 1024 * g.k.cpus.length],
    ['HardwareCorrupted', 0],
    ['AnonHugePages', 0],
    ['ShmemHugePages', 0],
    ['ShmemPmdMapped', 0],
    ['FileHugePages', 0],
    ['FilePmdMapped', 0],
  ];
  // show_val_kb(): the label padded to 16 columns, the value right-aligned in 8, then " kB".
  const kb = rows.map(([n, v]) => `${`${n}:`.padEnd(16)}${String(v).padStart(8)} kB`);
  const huge = ['HugePages_Total:       0', 'HugePages_Free:        0', 'HugePages_Rsvd:        0', 'HugePages_Surp:        0', `${'Hugepagesize:'.padEnd(16)}${'2048'.padStart(8)} kB`, `${'Hugetlb:'.padEnd(16)}${'0'.padStart(8)} kB`];
  const direct = [`${'DirectMap4k:'.padEnd(16)}${String(Math.round(m.total * 0.05)).padStart(8)} kB`, `${'DirectMap2M:'.padEnd(16)}${String(Math.round(m.total * 0.95)).padStart(8)} kB`];
  return `${[...kb, ...huge, ...direct].join('\n')}\n`;
}

/** avenrun in FIXED_1 (2048) units as /proc/loadavg prints it: LOAD_INT.LOAD_FRAC with 2 digits. */
export function loadText(fixed: number): string {
  const int = Math.floor(fixed / 2048);
  const frac = Math.floor(((fixed & 2047) * 100 + 1024) / 2048);
  return `${int}.${String(frac).padStart(2, '0')}`;
}

function loadavgFile(g: Guest): string {
  const k = g.k;
  const last = Math.max(...k.tasks.map((t) => t.pid), 1);
  return `${k.avenrun.map(loadText).join(' ')} ${procsRunning(g)}/${k.tasks.length + 1} ${last}\n`;
}

function uptimeFile(g: Guest): string {
  const up = uptimeNs(g) / NS_PER_S;
  const idle = cpuTicks(g).reduce((a, c) => a + c.t[3]!, 0) / USER_HZ;
  return `${up.toFixed(2)} ${idle.toFixed(2)}\n`;
}

const CPU_MODEL = 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz';

function cpuinfoFile(g: Guest): string {
  const online = g.k.cpus.filter((c) => c.online);
  const mhz = g.host.cpuMhz.toFixed(3);
  const pv = g.dom.mode === 'pv';
  const flags = `fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid ${pv ? '' : 'tsc_known_freq '}pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch ${pv ? '' : 'invpcid_single '}ssbd ibrs ibpb stibp fsgsbase bmi1 hle avx2 smep bmi2 erms ${pv ? '' : 'invpcid '}rtm rdseed adx smap xsaveopt md_clear arch_capabilities`;
  return online
    .map((c) =>
      [
        `processor\t: ${c.vcpu.id}`,
        'vendor_id\t: GenuineIntel',
        'cpu family\t: 6',
        'model\t\t: 79',
        `model name\t: ${CPU_MODEL}`,
        'stepping\t: 1',
        'microcode\t: 0xb000040',
        `cpu MHz\t\t: ${mhz}`,
        'cache size\t: 35840 KB',
        'physical id\t: 0',
        `siblings\t: ${online.length}`,
        `core id\t\t: ${c.vcpu.id}`,
        `cpu cores\t: ${online.length}`,
        `apicid\t\t: ${c.vcpu.id * 2}`,
        `initial apicid\t: ${c.vcpu.id * 2}`,
        'fpu\t\t: yes',
        'fpu_exception\t: yes',
        'cpuid level\t: 13',
        'wp\t\t: yes',
        `flags\t\t: ${flags.replace(/ +/g, ' ')}`,
        'bugs\t\t: cpu_meltdown spectre_v1 spectre_v2 spec_store_bypass l1tf mds swapgs taa itlb_multihit mmio_stale_data',
        `bogomips\t: ${(g.host.cpuMhz * 2).toFixed(2)}`,
        'clflush size\t: 64',
        'cache_alignment\t: 64',
        'address sizes\t: 46 bits physical, 48 bits virtual',
        'power management:',
        '',
      ].join('\n'),
    )
    .join('\n')
    .concat('\n');
}


const CPU_DIR = '/sys/devices/system/cpu';
const SYSRQ_TRIGGER = '/proc/sysrq-trigger';
/** kernel.sysrq, the functions a SysRq key from outside may use (see model/guest/sysrq.ts). */
const SYSRQ_MASK = '/proc/sys/kernel/sysrq';
const XEN_MEM_DIR = '/sys/devices/system/xen_memory/xen_memory0';

function hasBalloon(g: Guest): boolean {
  return g.k.balloon !== null;
}

/** Every file the guest has, by path: its reader (and, for writable ones, nothing more here). */
function files(g: Guest): Map<string, () => string> {
  const f = new Map<string, () => string>([
    ['/proc/stat', () => statFile(g)],
    ['/proc/meminfo', () => meminfoFile(g)],
    ['/proc/loadavg', () => loadavgFile(g)],
    ['/proc/uptime', () => uptimeFile(g)],
    ['/proc/cpuinfo', () => cpuinfoFile(g)],
    ['/proc/version', () => `${procVersion()}\n`],
    [SYSRQ_MASK, () => `${g.k.sysrqMask}\n`],
    // Write-only (mode 0200): reading it fails, as it has no read handler.
    [SYSRQ_TRIGGER, () => ''],
    ['/etc/hostname', () => `${g.k.hostname}\n`],
    ['/etc/debian_version', () => '12.8\n'],
    [`${CPU_DIR}/online`, () => `${cpuList(g.k.cpus.filter((c) => c.online).map((c) => c.vcpu.id))}\n`],
    [`${CPU_DIR}/possible`, () => `${cpuList(g.k.cpus.map((c) => c.vcpu.id))}\n`],
    [`${CPU_DIR}/present`, () => `${cpuList(g.k.cpus.map((c) => c.vcpu.id))}\n`],
    [`${CPU_DIR}/offline`, () => `${cpuList(g.k.cpus.filter((c) => !c.online).map((c) => c.vcpu.id))}\n`],
  ]);
  // cpu0 cannot be taken down on x86: it has no `online` file.
  for (const c of g.k.cpus) if (c.vcpu.id > 0) f.set(`${CPU_DIR}/cpu${c.vcpu.id}/online`, () => `${c.online ? 1 : 0}\n`);
  if (hasBalloon(g)) {
    f.set(`${XEN_MEM_DIR}/target_kb`, () => `${g.k.pressure.targetKiB}\n`);
    f.set(`${XEN_MEM_DIR}/target`, () => `${g.k.pressure.targetKiB * 1024}\n`);
    f.set(`${XEN_MEM_DIR}/info/current_kb`, () => `${g.dom.memKiB}\n`);
    f.set(`${XEN_MEM_DIR}/info/high_kb`, () => '0\n');
    f.set(`${XEN_MEM_DIR}/info/low_kb`, () => `${g.k.balloon!.ballooned}\n`);
  }
  return f;
}

/** Turns a path into an absolute, normalised one (the shell's cwd is `cwd`). */
export function resolvePath(cwd: string, p: string): string {
  const parts = (p.startsWith('/') ? p : `${cwd}/${p}`).split('/');
  const out: string[] = [];
  for (const x of parts) {
    if (x === '' || x === '.') continue;
    if (x === '..') out.pop();
    else out.push(x);
  }
  return `/${out.join('/')}`;
}

/** Whether `path` is one of the guest's files (readable or not). */
export function isFile(g: Guest, path: string): boolean {
  return files(g).has(path);
}

export function readFile(g: Guest, path: string): ReadResult {
  if (path === SYSRQ_TRIGGER) return { ok: false, error: 'Input/output error' };
  const r = files(g).get(path);
  if (r !== undefined) return { ok: true, text: r() };
  if (listDir(g, path) !== null) return { ok: false, error: 'Is a directory' };
  return { ok: false, error: 'No such file or directory' };
}

/** Entries of a directory, sorted as ls prints them; null if there is no such directory. */
export function listDir(g: Guest, path: string): string[] | null {
  const dir = path === '/' ? '' : path;
  const names = new Set<string>();
  const known = [...files(g).keys(), '/root/', '/home/', '/tmp/', '/dev/null', '/bin/', '/usr/', '/var/log/'];
  for (const p of known) {
    if (!p.startsWith(`${dir}/`)) continue;
    const rest = p.slice(dir.length + 1);
    const name = rest.split('/')[0]!;
    if (name !== '') names.add(name);
  }
  const isDir = names.size > 0 || known.some((p) => p === `${dir}/`);
  if (!isDir) return null;
  return [...names].sort();
}

/** A write from the shell (`echo V > path`), as root or not. Returns the error text, or null when it took. */
export function writeFile(g: Guest, path: string, value: string, root = true): string | null {
  if (path === '/dev/null') return null;
  const v = value.trim();
  const exists = files(g).has(path);
  if (path === SYSRQ_TRIGGER || path === SYSRQ_MASK) {
    if (!root) return 'Permission denied';
    if (path === SYSRQ_TRIGGER) {
      // write_sysrq_trigger: the first character is the key.
      if (value.length > 0) g.k.sysrqTrigger(value[0]!);
      return null;
    }
    if (!/^-?\d+$/.test(v)) return 'Invalid argument';
    g.k.sysrqMask = Number(v);
    return null;
  }
  const cpu = /^\/sys\/devices\/system\/cpu\/cpu(\d+)\/online$/.exec(path);
  if (cpu !== null && exists) {
    if (v !== '0' && v !== '1') return 'Invalid argument';
    const err = g.k.setCpuOnline(Number(cpu[1]), v === '1');
    return err;
  }
  if (path === `${XEN_MEM_DIR}/target_kb` && hasBalloon(g)) {
    if (!/^\d+$/.test(v)) return 'Invalid argument';
    g.k.setBalloonTarget(Number(v));
    return null;
  }
  if (exists) return 'Permission denied';
  if (path.startsWith('/proc/') || path.startsWith('/sys/')) return 'No such file or directory';
  // Ordinary files: the demo image's filesystem is read-only apart from /tmp, and we keep no files.
  return path.startsWith('/tmp/') ? null : 'Read-only file system';
}
