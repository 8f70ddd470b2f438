/**
 * procps-ng 4.0.2 (Debian 12) output formats, rendered from what the guest's /proc says: vmstat,
 * free, top -b, uptime and ps. Field widths and arithmetic follow the tools' sources (vmstat.c's
 * new_header/new_format, free.c, top_nls.c's summary formats, the library's uptime sprint), so that
 * scripts written against the real tools parse these unchanged. See docs/procps-formats.md.
 */
import { NS_PER_S } from '../model/clock.js';
import type { Task } from '../model/guest/task.js';
import { USER_HZ } from '../model/guest/guest-cpu.js';
import { cpuTicks, guestClockS, loadText, memInfo, procsRunning, sumTicks, uptimeNs } from './procfs.js';
import type { Guest, MemInfo } from './procfs.js';

// ---- vmstat -----------------------------------------------------------------------------------

/** The counters vmstat reads at one instant (/proc/stat, /proc/vmstat, /proc/meminfo). */
export interface VmstatSnapshot {
  readonly ticks: readonly number[];
  readonly intr: number;
  readonly ctxt: number;
  /** /proc/vmstat pgpgin/pgpgout (KiB) and pswpin/pswpout (pages). */
  readonly pgpgin: number;
  readonly pgpgout: number;
  readonly pswpin: number;
  readonly pswpout: number;
  readonly running: number;
  readonly blocked: number;
  readonly mem: MemInfo;
}

export function vmstatSnapshot(g: Guest): VmstatSnapshot {
  const k = g.k;
  return {
    ticks: sumTicks(cpuTicks(g)),
    intr: k.interrupts,
    ctxt: k.ctxSwitches,
    pgpgin: Math.floor(k.biKiB),
    pgpgout: Math.floor(k.boKiB),
    pswpin: Math.floor(k.memory.siKiB / 4),
    pswpout: Math.floor(k.memory.soKiB / 4),
    running: procsRunning(g),
    blocked: k.blockedTasks(),
    mem: memInfo(g),
  };
}

const VMSTAT_HEADER = 'procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----';
const VMSTAT_WIDE_HEADER = '--procs-- -----------------------memory---------------------- ---swap-- -----io---- -system-- ----------cpu----------';
/** vmstat's field widths ("%2u %2u %6lu …"); the dashboard's vmstat lines use them too. */
export const VMSTAT_WIDTHS: readonly number[] = [2, 2, 6, 6, 6, 6, 4, 4, 5, 5, 4, 4, 2, 2, 2, 2, 2];
const NARROW = VMSTAT_WIDTHS;
const WIDE = [4, 4, 12, 12, 12, 12, 4, 4, 5, 5, 4, 4, 3, 3, 3, 3, 3, 3];
const NAMES = ['r', 'b', 'swpd', 'free', 'buff', 'cache', 'si', 'so', 'bi', 'bo', 'in', 'cs', 'us', 'sy', 'id', 'wa', 'st', 'gu'];

/** printf("%Ns …") of the fields: right-aligned, one space between, never truncated. */
function columns(values: readonly (string | number)[], widths: readonly number[]): string {
  return widths.map((w, i) => String(values[i]).padStart(w)).join(' ');
}

export function vmstatHeader(wide: boolean): string[] {
  return [wide ? VMSTAT_WIDE_HEADER : VMSTAT_HEADER, columns(NAMES, wide ? WIDE : NARROW)];
}

/**
 * CPU shares as vmstat computes them from tick deltas (user nice system idle iowait irq softirq
 * steal): (100·x + Div/2) / Div over us+sy+id+wa+st, in integers; us sy id wa st gu. The dashboard's
 * vmstat lines come from here too.
 */
export function vmstatShares(d: readonly number[]): number[] {
  const out = [0, 0, 0, 0, 0, 0];
  vmstatSharesInto(d, out, 0);
  return out;
}

/** vmstatShares written into `out` from `at` (us sy id wa st): the dashboard's per-refresh path, which allocates nothing. */
export function vmstatSharesInto(d: readonly number[], out: { [i: number]: number }, at: number): void {
  const us = d[0]! + d[1]!;
  const sy = d[2]! + d[5]! + d[6]!;
  let id = d[3]!;
  const wa = d[4]!;
  const st = d[7]!;
  let div = us + sy + id + wa + st;
  if (div === 0) {
    div = 1;
    id = 1;
  }
  const half = Math.floor(div / 2);
  out[at] = Math.floor((100 * us + half) / div);
  out[at + 1] = Math.floor((100 * sy + half) / div);
  out[at + 2] = Math.floor((100 * id + half) / div);
  out[at + 3] = Math.floor((100 * wa + half) / div);
  out[at + 4] = Math.floor((100 * st + half) / div);
}

/** The first line: averages since boot (rates over Div ticks, as vmstat.c does). */
export function vmstatFirstLine(s: VmstatSnapshot, wide: boolean): string {
  const t = s.ticks;
  let div = t[0]! + t[1]! + t[2]! + t[5]! + t[6]! + t[3]! + t[4]! + t[7]!;
  if (div === 0) div = 1;
  const half = Math.floor(div / 2);
  const rate = (x: number): number => Math.floor((x * USER_HZ + half) / div);
  const m = s.mem;
  return columns(
    [s.running, s.blocked, m.swapTotal - m.swapFree, m.free, m.buffers, m.cached + m.sReclaimable, rate(s.pswpin * 4), rate(s.pswpout * 4), rate(s.pgpgin), rate(s.pgpgout), rate(s.intr), rate(s.ctxt), ...vmstatShares(t)],
    wide ? WIDE : NARROW,
  );
}

/** A line for one interval of `delayS` whole seconds. */
export function vmstatLine(prev: VmstatSnapshot, cur: VmstatSnapshot, delayS: number, wide: boolean): string {
  const half = Math.floor(delayS / 2);
  const per = (d: number): number => Math.floor((Math.max(0, d) + half) / delayS);
  const d = cur.ticks.map((v, i) => v - prev.ticks[i]!);
  const m = cur.mem;
  return columns(
    [
      cur.running,
      cur.blocked,
      m.swapTotal - m.swapFree,
      m.free,
      m.buffers,
      m.cached + m.sReclaimable,
      per((cur.pswpin - prev.pswpin) * 4),
      per((cur.pswpout - prev.pswpout) * 4),
      per(cur.pgpgin - prev.pgpgin),
      per(cur.pgpgout - prev.pgpgout),
      per(cur.intr - prev.intr),
      per(cur.ctxt - prev.ctxt),
      ...vmstatShares(d),
    ],
    wide ? WIDE : NARROW,
  );
}

// ---- free -------------------------------------------------------------------------------------

export type FreeUnit = 'b' | 'k' | 'm' | 'g' | 'h';

/** free -h: the shortest of B, Ki, Mi, Gi, Ti with at most 4 significant characters, as procps scale_size. */
function human(kib: number): string {
  const units = ['B', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  const bytes = kib * 1024;
  if (bytes < 1024) return `${bytes}B`;
  for (let i = 1; i < units.length; i++) {
    const v = bytes / 1024 ** i;
    if (v < 10 && i > 0) return `${v.toFixed(1)}${units[i]}`;
    if (v < 1024) return `${Math.round(v)}${units[i]}`;
  }
  return `${Math.round(bytes / 1024 ** 5)}Pi`;
}

function inUnit(kib: number, u: FreeUnit): string {
  switch (u) {
    case 'b': return String(kib * 1024);
    case 'k': return String(kib);
    case 'm': return String(Math.floor(kib / 1024));
    case 'g': return String(Math.floor(kib / (1024 * 1024)));
    case 'h': return human(kib);
  }
}

/** procps-ng 4.0.2 free: used = total - free - buffers - cache (cache includes SReclaimable). */
export function freeOutput(m: MemInfo, unit: FreeUnit, wide: boolean): string[] {
  const cache = m.cached + m.sReclaimable;
  const used = Math.max(0, m.total - m.free - m.buffers - cache);
  const row = (label: string, xs: readonly (string | number)[]): string => `${label.padEnd(8)}${xs.map((x) => String(x).padStart(12)).join('')}`;
  const u = (x: number): string => inUnit(x, unit);
  const heads = wide ? ['total', 'used', 'free', 'shared', 'buffers', 'cache', 'available'] : ['total', 'used', 'free', 'shared', 'buff/cache', 'available'];
  const mem = wide ? [m.total, used, m.free, m.shmem, m.buffers, cache, m.available] : [m.total, used, m.free, m.shmem, m.buffers + cache, m.available];
  return [row('', heads), row('Mem:', mem.map(u)), row('Swap:', [m.swapTotal, m.swapTotal - m.swapFree, m.swapFree].map(u))];
}

// ---- uptime / date ----------------------------------------------------------------------------

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** The wall-clock second `epochS` falls in (the demo images run in UTC). */
const utc = (epochS: number): Date => new Date(Math.floor(epochS) * 1000);

/** "2025-03-03 09:00:00" (uptime -s; date's %F and %T come from it too). */
export function isoText(epochS: number): string {
  return utc(epochS).toISOString().slice(0, 19).replace('T', ' ');
}

export function timeOfDay(epochS: number): string {
  return isoText(epochS).slice(11);
}

/** coreutils date, C locale: "Mon Mar  3 09:00:00 UTC 2025". */
export function dateText(epochS: number): string {
  const d = utc(epochS);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${timeOfDay(epochS)} UTC ${d.getUTCFullYear()}`;
}

/** procps_uptime_sprint: " 09:12:34 up  1:23,  1 user,  load average: 0.00, 0.01, 0.05". */
export function uptimeText(g: Guest, users: number): string {
  const up = Math.floor(uptimeNs(g) / NS_PER_S);
  const days = Math.floor(up / 86400);
  const hours = Math.floor((up % 86400) / 3600);
  const mins = Math.floor((up % 3600) / 60);
  let s = ` ${timeOfDay(guestClockS(g))} up `;
  if (days > 0) s += `${days} ${days > 1 ? 'days' : 'day'}, `;
  s += hours > 0 ? `${String(hours).padStart(2)}:${two(mins)}, ` : `${mins} min, `;
  s += `${String(users).padStart(2)} ${users > 1 ? 'users' : 'user'}, `;
  s += ` load average: ${g.k.avenrun.map(loadText).join(', ')}`;
  return s;
}

/** uptime -p: "up 1 hour, 23 minutes". */
export function uptimePretty(g: Guest): string {
  const up = Math.floor(uptimeNs(g) / NS_PER_S);
  const parts: string[] = [];
  const w = Math.floor(up / 604800);
  const d = Math.floor((up % 604800) / 86400);
  const h = Math.floor((up % 86400) / 3600);
  const m = Math.floor((up % 3600) / 60);
  const add = (n: number, unit: string): void => {
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  };
  add(w, 'week');
  add(d, 'day');
  add(h, 'hour');
  add(m, 'minute');
  return `up ${parts.length > 0 ? parts.join(', ') : '0 minutes'}`;
}

// ---- processes (ps, top) ----------------------------------------------------------------------

const USERS: Record<string, string> = { postgres: 'postgres', nginx: 'www-data', smbd: 'root' };

export function taskUser(t: Task): string {
  return USERS[t.name] ?? 'root';
}

/** ps's TIME: [DD-]HH:MM:SS of CPU time. */
export function psTime(cpuNs: number): string {
  const s = Math.floor(cpuNs / NS_PER_S);
  const d = Math.floor(s / 86400);
  const hms = `${two(Math.floor((s % 86400) / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return d > 0 ? `${d}-${hms}` : hms;
}

/** top's TIME+: M:SS.hh. */
export function topTime(cpuNs: number): string {
  const cs = Math.floor(cpuNs / (NS_PER_S / 100));
  const m = Math.floor(cs / 6000);
  return `${m}:${two(Math.floor((cs % 6000) / 100))}.${two(cs % 100)}`;
}

export interface ProcRow {
  readonly pid: number;
  readonly user: string;
  readonly state: string;
  readonly tty: string;
  readonly cpuNs: number;
  readonly rssKiB: number;
  readonly name: string;
  readonly startNs: number;
  readonly ppid: number;
}

/** The guest's processes, by pid: its tasks, plus the program doing the listing (running). */
export function processes(g: Guest, self: { pid: number; name: string; tty: string; ppid?: number } | null): ProcRow[] {
  const rows: ProcRow[] = g.k.tasks.map((t) => ({
    pid: t.pid,
    user: taskUser(t),
    state: self !== null && t.pid === self.pid ? 'R' : t.state,
    tty: t.tty ?? '?',
    cpuNs: t.cpuNs,
    rssKiB: t.kernelThread && t.pid !== 1 ? 0 : Math.max(1024, Math.round(t.rssKiB)),
    name: t.name,
    startNs: t.startNs,
    ppid: t.pid === 1 ? 0 : t.ppid,
  }));
  if (self !== null && !rows.some((r) => r.pid === self.pid)) rows.push({ pid: self.pid, user: 'root', state: 'R', tty: self.tty, cpuNs: 0, rssKiB: 3500, name: self.name, startNs: g.host.now, ppid: self.ppid ?? 1 });
  return rows.sort((a, b) => a.pid - b.pid);
}

/** A process's virtual size, KiB: its resident memory plus mapped-but-untouched space (ps VSZ, top VIRT). */
const virtKiB = (r: ProcRow): number => (r.rssKiB === 0 ? 0 : r.rssKiB * 3 + 5000);

/** Started when, by the guest's clock: ps's STIME and START ("09:00"). */
function startedAt(g: Guest, r: ProcRow): string {
  const bootS = guestClockS(g) - uptimeNs(g) / NS_PER_S;
  return timeOfDay(bootS + (r.startNs - g.k.bootNs) / NS_PER_S).slice(0, 5);
}

/** CPU time over lifetime, % (ps's %CPU and C). */
const lifetimeCpuPct = (g: Guest, r: ProcRow): number => (r.cpuNs / Math.max(1, g.host.now - r.startNs)) * 100;

/** procps ps default format: PID TTY TIME CMD. */
export function psLines(rows: readonly ProcRow[]): string[] {
  return ['    PID TTY          TIME CMD', ...rows.map((r) => `${String(r.pid).padStart(7)} ${r.tty.padEnd(8)} ${psTime(r.cpuNs).padStart(8)} ${r.name}`)];
}

/** ps -ef: UID PID PPID C STIME TTY TIME CMD. */
export function psFullLines(g: Guest, rows: readonly ProcRow[]): string[] {
  return [
    'UID          PID    PPID  C STIME TTY          TIME CMD',
    ...rows.map((r) => {
      const c = Math.min(99, Math.floor(lifetimeCpuPct(g, r)));
      return `${r.user.padEnd(8)} ${String(r.pid).padStart(7)} ${String(r.ppid).padStart(7)} ${String(c).padStart(2)} ${startedAt(g, r)} ${r.tty.padEnd(8)} ${psTime(r.cpuNs).padStart(8)} ${r.name}`;
    }),
  ];
}

/** ps aux: USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND. */
export function psAuxLines(g: Guest, rows: readonly ProcRow[]): string[] {
  const total = memInfo(g).total;
  return [
    'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
    ...rows.map((r) => {
      const cpu = lifetimeCpuPct(g, r).toFixed(1);
      const mem = ((r.rssKiB / total) * 100).toFixed(1);
      const s = Math.floor(r.cpuNs / NS_PER_S);
      const time = `${Math.floor(s / 60)}:${two(s % 60)}`;
      return `${r.user.padEnd(8)} ${String(r.pid).padStart(7)} ${cpu.padStart(4)} ${mem.padStart(4)} ${String(virtKiB(r)).padStart(6)} ${String(r.rssKiB).padStart(5)} ${r.tty.padEnd(8)} ${r.state.padEnd(4)} ${startedAt(g, r)} ${time.padStart(6)} ${r.name}`;
    }),
  ];
}

/** What top needs from one refresh to compute the next one's deltas. */
export interface TopSnapshot {
  readonly tNs: number;
  readonly ticks: readonly number[];
  readonly cpuByPid: ReadonlyMap<number, number>;
}

export function topSnapshot(g: Guest): TopSnapshot {
  return { tNs: g.host.now, ticks: sumTicks(cpuTicks(g)), cpuByPid: new Map(g.k.tasks.map((t) => [t.pid, t.cpuNs])) };
}

const pct = (x: number): string => x.toFixed(1).padStart(5);

/** One `top -b` frame: summary, then every task sorted by %CPU. */
export function topFrame(g: Guest, prev: TopSnapshot, cur: TopSnapshot, self: { pid: number; tty: string }, users: number): string[] {
  const rows = processes(g, { pid: self.pid, name: 'top', tty: self.tty });
  const running = rows.filter((r) => r.state === 'R').length;
  const sleeping = rows.length - running;
  const d = cur.ticks.map((v, i) => v - prev.ticks[i]!);
  const tot = d.reduce((a, b) => a + b, 0) || 1;
  const share = (x: number): string => pct((x * 100) / tot).trimStart().padStart(5);
  const m = memInfo(g);
  const mib = (kib: number): string => (kib / 1024).toFixed(1).padStart(8);
  const cache = m.cached + m.sReclaimable + m.buffers;
  const used = Math.max(0, m.total - m.free - cache);
  const dtNs = Math.max(1, cur.tNs - prev.tNs);
  const cpuOf = (r: ProcRow): number => {
    const before = prev.cpuByPid.get(r.pid);
    return before === undefined ? 0 : ((r.cpuNs - before) / dtNs) * 100;
  };
  const sorted = rows.map((r) => ({ r, cpu: cpuOf(r) })).sort((a, b) => b.cpu - a.cpu || a.r.pid - b.r.pid);
  return [
    `top -${uptimeText(g, users)}`,
    `Tasks: ${String(rows.length).padStart(3)} total, ${String(running).padStart(3)} running, ${String(sleeping).padStart(3)} sleeping, ${'0'.padStart(3)} stopped, ${'0'.padStart(3)} zombie`,
    `%Cpu(s):${share(d[0]!)} us,${share(d[2]!)} sy,${share(d[1]!)} ni,${share(d[3]!)} id,${share(d[4]!)} wa,${share(d[5]!)} hi,${share(d[6]!)} si,${share(d[7]!)} st`,
    `MiB Mem : ${mib(m.total)} total, ${mib(m.free)} free, ${mib(used)} used, ${mib(cache)} buff/cache    `,
    `MiB Swap: ${mib(m.swapTotal)} total, ${mib(m.swapFree)} free, ${mib(m.swapTotal - m.swapFree)} used. ${mib(m.available)} avail Mem `,
    '',
    '    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND',
    ...sorted.map(({ r, cpu }) => {
      const shr = Math.round(r.rssKiB * 0.6);
      return `${String(r.pid).padStart(7)} ${r.user.padEnd(8).slice(0, 8)} ${'20'.padStart(3)} ${'0'.padStart(3)} ${String(virtKiB(r)).padStart(7)} ${String(r.rssKiB).padStart(6)} ${String(shr).padStart(6)} ${r.state} ${pct(cpu)} ${pct((r.rssKiB / m.total) * 100)} ${topTime(r.cpuNs).padStart(9)} ${r.name}`;
    }),
  ];
}
