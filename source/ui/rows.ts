/**
 * Plain-text rows for the dashboard: each screen line is one string, so Ink draws one Text per row.
 * Columns are data, so sorting, the header and the rows all read the same table.
 */
import { NS_PER_S } from '../model/clock.js';
import { formatConsole } from '../model/guest/console.js';
import type { ConsoleLine } from '../model/guest/console.js';
import { RUNSTATE_NAMES } from '../model/vcpu.js';
import { expandTabs, sanitize } from '../output/sanitize.js';
import { VMSTAT_WIDTHS, vmstatHeader } from '../shell/procps.js';
import type { DomainRow, HostView, Vmstat } from '../view/rates.js';
import type { DomainSample } from '../model/sample.js';
import { VMSTAT_FIELDS, stateLetters } from '../view/rates.js';
import type { ColumnGroup } from '../view/state.js';


export interface Column {
  readonly head: string;
  readonly width: number;
  /** Shown only while its group is on (n, b); always shown when absent. */
  readonly group?: ColumnGroup;
  readonly left?: boolean;
  readonly cell: (r: DomainRow) => string;
  readonly sortValue: (r: DomainRow) => number | string;
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(1));
const rate = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(0));
/** Memory in a 6-column cell: MiB as xl list shows it, then GiB and TiB once it would not fit. */
export const mib = (kib: number): string => {
  const m = Math.round(kib / 1024);
  if (m < 100_000) return `${m}M`;
  const g = Math.round(m / 1024);
  return g < 100_000 ? `${g}G` : `${Math.round(g / 1024)}T`;
};

/** The NAME column's width: 12 at least; wider, up to 32, when the terminal has room and names are longer. */
const NAME_MIN = 12;
const NAME_MAX = 32;

/** Made once per width (a column made afresh each refresh would be a new closure to compile each time). */
const nameColumns = new Map<number, Column>();

/** A name longer than its cell ends in '…', so a cut name never reads as a whole one. */
function nameColumn(width: number): Column {
  let c = nameColumns.get(width);
  if (c === undefined) nameColumns.set(width, (c = makeNameColumn(width)));
  return c;
}

function makeNameColumn(width: number): Column {
  return {
    head: 'NAME',
    width,
    left: true,
    cell: (r) => {
      const n = sanitize(r.sample.name);
      return n.length > width ? `${n.slice(0, width - 1)}…` : n;
    },
    sortValue: (r) => r.sample.name.toLowerCase(),
  };
}

export const COLUMNS: readonly Column[] = [
  nameColumn(NAME_MIN),
  { head: 'ID', width: 5, cell: (r) => String(r.sample.id), sortValue: (r) => r.sample.id },
  { head: 'MODE', width: 5, left: true, cell: (r) => r.sample.modeLabel, sortValue: (r) => r.sample.modeLabel },
  { head: 'STATE', width: 6, cell: (r) => stateLetters(r.sample), sortValue: (r) => stateLetters(r.sample) },
  { head: 'CPU(%)', width: 6, cell: (r) => pct(r.rates?.cpuPct), sortValue: (r) => r.rates?.cpuPct ?? -1 },
  { head: 'ST(%)', width: 5, cell: (r) => (r.rates ? (r.rates.guestStPct === null ? '–' : r.rates.guestStPct.toFixed(1)) : '-'), sortValue: (r) => r.rates?.guestStPct ?? -1 },
  { head: 'WAIT%', width: 5, cell: (r) => pct(r.rates?.waitPct), sortValue: (r) => r.rates?.waitPct ?? -1 },
  { head: 'MEM', width: 6, cell: (r) => mib(r.sample.memKiB), sortValue: (r) => r.sample.memKiB },
  { head: 'TARGET', width: 6, cell: (r) => mib(r.sample.targetKiB), sortValue: (r) => r.sample.targetKiB },
  { head: 'MAXMEM', width: 6, cell: (r) => mib(r.sample.maxmemKiB), sortValue: (r) => r.sample.maxmemKiB },
  { head: 'VCPUS', width: 5, cell: (r) => `${r.sample.vcpusOnline}/${r.sample.vcpusMax}`, sortValue: (r) => r.sample.vcpusOnline },
  { head: 'OPS/s', width: 7, cell: (r) => (r.rates?.opsPerSec == null ? '-' : r.rates.opsPerSec.toFixed(0)), sortValue: (r) => r.rates?.opsPerSec ?? -1 },
  { head: 'NAT%', width: 5, cell: (r) => pct(r.rates?.nativePct), sortValue: (r) => r.rates?.nativePct ?? -1 },
  // xentop's NETTX(k)/NETRX(k) and VBD_RD/VBD_WR, as rates: KiB/s and requests/s.
  { head: 'NETTX', width: 7, group: 'net', cell: (r) => rate(r.rates?.netTxKiBps), sortValue: (r) => r.rates?.netTxKiBps ?? -1 },
  { head: 'NETRX', width: 7, group: 'net', cell: (r) => rate(r.rates?.netRxKiBps), sortValue: (r) => r.rates?.netRxKiBps ?? -1 },
  { head: 'VBD_RD', width: 6, group: 'vbd', cell: (r) => rate(r.rates?.vbdRdPerSec), sortValue: (r) => r.rates?.vbdRdPerSec ?? -1 },
  { head: 'VBD_WR', width: 6, group: 'vbd', cell: (r) => rate(r.rates?.vbdWrPerSec), sortValue: (r) => r.rates?.vbdWrPerSec ?? -1 },
];

/**
 * Columns dropped first when the terminal is narrow, in this order. WAIT% goes last: beside ST(%)
 * it is the screen's point (the steal a full guest cannot see, measured by the hypervisor), and
 * 80 columns keep both (the selected domain's ID is in its pane's title, and xl takes names).
 */
export const DROP_ORDER = ['NAT%', 'TARGET', 'MAXMEM', 'ID', 'WAIT%'] as const;

/** With network or VBD columns on and still no room: these go next. */
export const GROUP_DROP_ORDER = ['VCPUS', 'OPS/s'] as const;

/**
 * The columns that fit in `width`, dropping DROP_ORDER's first. Width left over goes to NAME, as far
 * as `longestName` needs (up to NAME_MAX), so `example.pvhlinux` is not cut on a 120-column screen.
 */
export function visibleColumns(width: number, sparkWidth: number, longestName = NAME_MIN, groups: readonly ColumnGroup[] = []): Column[] {
  let cols = COLUMNS.filter((c) => c.group === undefined || groups.includes(c.group));
  let spark = sparkWidth;
  const total = (): number => cols.reduce((n, c) => n + c.width + 1, 0) + spark;
  const dropUntilFits = (order: readonly string[]): void => {
    for (const name of order) {
      if (total() <= width) return;
      cols = cols.filter((c) => c.head !== name);
    }
  };
  dropUntilFits(DROP_ORDER);
  // Asked-for columns (n, b) stay: the sparkline gives way to them, then VCPUS and OPS/s.
  if (groups.length > 0 && total() > width) {
    spark = 0;
    dropUntilFits(GROUP_DROP_ORDER);
  }
  const nameWidth = Math.min(NAME_MAX, longestName, NAME_MIN + Math.max(0, width - total()));
  if (nameWidth > NAME_MIN) cols[0] = nameColumn(nameWidth);
  return cols;
}

const fit = (s: string, w: number, left = false): string => (s.length > w ? s.slice(0, w) : left ? s.padEnd(w) : s.padStart(w));

// The list's lines are built with loops, not map callbacks: a closure made afresh each refresh
// loses its compiled code at every major GC, and the helper threads compile it again.
/**
 * The table's header, then `tail` (the sparkline's heading) after one more separator. The sort
 * column's head carries the arrow (↓, or ↑ reversed) right after it; a head that fills its column
 * (CPU(%), ST(%), WAIT%, ...) puts it in the separator that follows, so no column ever loses it.
 */
export function headerLine(cols: readonly Column[], sortHead: string, reverse: boolean, tail = ''): string {
  const arrow = reverse ? '↑' : '↓';
  let s = '';
  let carry = '';
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    let head = c.head;
    if (head === sortHead) {
      if (head.length < c.width) head += arrow;
      else carry = arrow;
    }
    s += fit(head, c.width, c.left);
    if (i < cols.length - 1 || tail !== '') {
      s += carry !== '' ? carry : ' ';
      carry = '';
    }
  }
  return s + tail;
}

export function rowLine(cols: readonly Column[], r: DomainRow): string {
  let s = '';
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    s += (i > 0 ? ' ' : '') + fit(c.cell(r), c.width, c.left);
  }
  return s;
}

const BARS = ' ▁▂▃▄▅▆▇█';
/** The bar for a share of full height (0..1, clamped): one of nine levels. */
const bar = (share: number): string => BARS[Math.max(0, Math.min(8, Math.round(share * 8)))]!;
export function sparkline(values: readonly number[], width: number, max = 100): string {
  let s = '';
  for (let i = Math.max(0, values.length - width); i < values.length; i++) s += bar(values[i]! / max);
  return s.padStart(width);
}

/** Simulated time as xentop prints its clock: HH:MM:SS. */
export function clockText(ns: number): string {
  const t = Math.floor(ns / NS_PER_S);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(t / 3600))}:${two(Math.floor(t / 60) % 60)}:${two(t % 60)}`;
}

export function summaryLines(v: HostView, paused: boolean, speed: number, width = Infinity): string[] {
  const s = v.sample;
  const c = { running: 0, blocked: 0, paused: 0, crashed: 0, dying: 0, shutdown: 0 };
  for (const r of v.rows) {
    const f = r.sample.flags;
    if (f.running) c.running++;
    if (f.blocked) c.blocked++;
    if (f.paused) c.paused++;
    if (f.crashed) c.crashed++;
    if (f.dying) c.dying++;
    if (f.shutdown) c.shutdown++;
  }
  const used = s.memKiB - s.freeKiB;
  return [
    `paratop - ${clockText(s.tNs)}   Xen ${s.xenVersion}   sched ${s.scheduler}   ${paused ? 'PAUSED' : `speed ${speed}x`}`,
    `${v.rows.length} domains: ${c.running} running, ${c.blocked} blocked, ${c.paused} paused, ${c.crashed} crashed, ${c.dying} dying, ${c.shutdown} shutdown`,
    memLine(`Mem: ${s.memKiB}k total, ${used}k used, ${s.freeKiB}k free`, `CPUs: ${s.pcpus.length} @ ${s.cpuMhz}MHz`, width),
  ];
}

/** xentop's "Mem: ...    CPUs: ..." line; on a terminal too narrow for it (a host with terabytes) the gap closes so CPUs still shows. */
function memLine(mem: string, cpus: string, width: number): string {
  const gap = Math.max(2, Math.min(4, width - mem.length - cpus.length));
  return `${mem}${' '.repeat(gap)}${cpus}`;
}

/** Up to this many rows of per-pCPU meters; a host with more pCPUs gets the compact strip. */
export const METER_ROWS = 4;

/**
 * A meter per pCPU, four to a row as htop draws them: `#` guests, `d` Domain-0, blank idle.
 * A host with more pCPUs than fit in METER_ROWS rows (64 pCPUs would take 16) gets the totals on
 * one line and a strip of one cell per pCPU, its height the share busy, as btop's compact view.
 */
export function meterLine(v: HostView, width: number): string {
  const n = v.sample.pcpus.length;
  const k = Math.min(n, 4);
  if (Math.ceil(n / 4) > METER_ROWS) return meterStrip(v, width);
  const digits = String(Math.max(0, n - 1)).length;
  const per = Math.max(8, Math.floor((width - (k - 1)) / k));
  const barW = per - (3 + digits) - 2 - 4;
  const cells = v.sample.pcpus.map((_p, i) => {
    const u = v.pcpus?.[i];
    const label = `cpu${String(i).padEnd(digits)}`;
    if (!u || barW < 2) return label.padEnd(per);
    const g = Math.round((u.guestPct / 100) * barW);
    const d = Math.round((u.dom0Pct / 100) * barW);
    const bar = '#'.repeat(Math.min(barW, g)) + 'd'.repeat(Math.max(0, Math.min(barW - g, d)));
    return `${label}[${bar.padEnd(barW)}]${String(Math.round(u.guestPct + u.dom0Pct)).padStart(3)}%`.padEnd(per);
  });
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 4) lines.push(cells.slice(i, i + 4).join(' '));
  return lines.join('\n');
}

function meterStrip(v: HostView, width: number): string {
  const n = v.sample.pcpus.length;
  const us = v.pcpus ?? [];
  let g = 0;
  let d = 0;
  for (const u of us) {
    g += u.guestPct;
    d += u.dom0Pct;
  }
  if (us.length > 0) {
    g /= us.length;
    d /= us.length;
  }
  const label = `cpu0-${n - 1} `.length;
  const per = Math.max(8, width - label);
  // At most METER_ROWS - 1 rows of cells under the totals: a host too big for that gets a cell per
  // few pCPUs, the share its pCPUs were busy together.
  const group = Math.max(1, Math.ceil(n / (per * (METER_ROWS - 1))));
  const what = group === 1 ? 'one cell per pCPU' : `one cell per ${group} pCPUs`;
  const head = us.length > 0 ? `cpu0-${n - 1}: guests ${g.toFixed(1)}%  Domain-0 ${d.toFixed(1)}%  idle ${Math.max(0, 100 - g - d).toFixed(1)}%   (${what}, height = busy)` : `cpu0-${n - 1}`;
  const lines = [head.slice(0, width)];
  for (let i = 0; i < n && us.length > 0; i += per * group) {
    let cells = '';
    for (let j = i; j < Math.min(us.length, i + per * group); j += group) {
      let busy = 0;
      const end = Math.min(us.length, j + group);
      for (let x = j; x < end; x++) busy += us[x]!.guestPct + us[x]!.dom0Pct;
      cells += bar(busy / (end - j) / 100);
    }
    lines.push(`${`cpu${i}`.padEnd(label)}${cells}`.slice(0, width));
  }
  return lines.join('\n');
}

/** vmstat's two header lines, as the guest's own vmstat prints them. */
export const [VMSTAT_HEADER_1, VMSTAT_HEADER_2] = vmstatHeader(false) as [string, string];
const VMSTAT_MEM = new Set<string>(['swpd', 'free', 'buff', 'cache']);
/** Where vmstatLine takes back overflow: the memory columns' padding first, then any field's. */
const VMSTAT_SQUEEZE = [[2, 3, 4, 5], VMSTAT_WIDTHS.map((_, i) => i)] as const;

/**
 * One vmstat line in procps-ng's default layout ("%2u %2u %6lu ..."): a number wider than its field
 * pushes the rest of the line right, as the real vmstat does. `unit` 'M' is `vmstat -S M`: the
 * memory columns in MiB, which is what keeps a guest with gigabytes of free memory inside 80
 * columns.
 */
export function vmstatLine(m: Vmstat, unit: 'K' | 'M' = 'K', maxWidth = Infinity): string {
  const vals: string[] = [];
  for (const k of VMSTAT_FIELDS) vals.push(String(unit === 'M' && VMSTAT_MEM.has(k) ? Math.floor(m[k] / 1024) : m[k]));
  const w = [...VMSTAT_WIDTHS];
  // A number that outgrows its field (id at 100) would push `st` off a narrow screen: take the
  // overflow back from the memory columns' padding first, then from any field with room.
  let over = vals.length - 1 - maxWidth;
  for (let i = 0; i < vals.length; i++) over += Math.max(vals[i]!.length, w[i]!);
  for (const pass of VMSTAT_SQUEEZE) {
    for (let changed = true; over > 0 && changed; ) {
      changed = false;
      for (const i of pass) {
        if (over > 0 && w[i]! > vals[i]!.length) {
          w[i]!--;
          over--;
          changed = true;
        }
      }
    }
  }
  let line = '';
  for (let i = 0; i < vals.length; i++) line += (i > 0 ? ' ' : '') + vals[i]!.padStart(w[i]!);
  return line;
}

/** A vCPU's share of the interval in runstate `k` (from its runstate times now and at the previous sample), %, with `digits` decimals; '-' with no previous sample. */
function share(cur: readonly number[], prev: readonly number[] | undefined, dtNs: number, k: number, digits: number): string {
  return prev && dtNs > 0 ? (((cur[k]! - prev[k]!) / dtNs) * 100).toFixed(digits) : '-';
}

/** The hypervisor's view: per vCPU, its runstate now and its share of each over the last interval. */
export function vcpuLines(cur: DomainSample, prev: DomainSample | undefined, dtNs: number): string[] {
  const lines = ['VCPU STATE     CPU  RUN%  WAIT%  BLK%  OFF% CREDIT PRI'];
  for (const v of cur.vcpus) {
    const c = v.runstateNs;
    const p = prev?.vcpus[v.id]?.runstateNs;
    lines.push(
      `${String(v.id).padStart(4)} ${RUNSTATE_NAMES[v.state]!.padEnd(8)} ${(v.state === 0 ? String(v.processor) : '-').padStart(4)} ` +
        `${share(c, p, dtNs, 0, 1).padStart(5)} ${share(c, p, dtNs, 1, 1).padStart(6)} ${share(c, p, dtNs, 2, 1).padStart(5)} ${share(c, p, dtNs, 3, 1).padStart(5)} ${String(v.credit).padStart(6)} ${v.priority}`,
    );
  }
  return lines;
}

/** The vCPU table's width at its widest (PRI "PARKED"). */
export const VCPU_TABLE_W = 58;
/** The compact vCPU table's width: what fits beside vmstat on a 120-column terminal. */
export const VCPU_COMPACT_W = 38;

/**
 * The hypervisor's view in 38 columns, for a terminal too narrow for the full table beside vmstat:
 * whole percentages of the interval running, runnable (WAIT) and blocked; no pCPU number or OFF%
 * (an offline vCPU says so in STATE).
 */
export function vcpuLinesCompact(cur: DomainSample, prev: DomainSample | undefined, dtNs: number): string[] {
  const lines = ['VCPU STATE    RUN WAIT BLK CRED PRI'];
  for (const v of cur.vcpus) {
    const c = v.runstateNs;
    const p = prev?.vcpus[v.id]?.runstateNs;
    lines.push(`${String(v.id).padStart(4)} ${RUNSTATE_NAMES[v.state]!.padEnd(8)} ${share(c, p, dtNs, 0, 0).padStart(3)} ${share(c, p, dtNs, 1, 0).padStart(4)} ${share(c, p, dtNs, 2, 0).padStart(3)} ${String(v.credit).padStart(4)} ${v.priority}`.slice(0, VCPU_COMPACT_W));
  }
  return lines;
}

export function consoleLines(lines: readonly ConsoleLine[], width: number): string[] {
  // As a terminal shows them: tabs to 8-column stops, long lines wrapped onto the next row.
  const rows: string[] = [];
  for (const l of lines) {
    const text = sanitize(expandTabs(formatConsole(l)));
    if (text.length <= width) rows.push(text);
    else for (let i = 0; i < text.length; i += width) rows.push(text.slice(i, i + width));
  }
  return rows;
}
