/**
 * The whole screen as lines of text, from the view state and the derived samples. Pure, so it can
 * be tested without a terminal; the App only turns these lines into Text nodes. Never returns more
 * than rows - 1 lines (Ink redraws everything when the output reaches the terminal's height).
 */
import type { ConsoleLine } from '../model/guest/console.js';
import type { Step } from '../scenario/parse.js';
import { describeKey } from '../scenario/player.js';
import { expandTabs, sanitize } from '../output/sanitize.js';
import { vcpuSecLineCount, vcpuSecLines } from '../output/text.js';
import type { DomainRow, HostView } from '../view/rates.js';
import { filterTerms, matchesTerms, promptCursor, selectedIndex } from '../view/state.js';
import type { ColumnGroup, Message, ViewState } from '../view/state.js';
import { CONSOLE_KEYMAP, KEYMAP, PROMPT_KEYMAP, SPEEDS } from './keymap.js';
import {
  COLUMNS,
  VMSTAT_HEADER_1,
  clockText,
  VMSTAT_HEADER_2,
  consoleLines,
  headerLine,
  meterLine,
  rowLine,
  sparkline,
  summaryLines,
  vcpuLines,
  vcpuLinesCompact,
  VCPU_COMPACT_W,
  VCPU_TABLE_W,
  visibleColumns,
  vmstatLine,
} from './rows.js';
import type { Column } from './rows.js';

export const MIN_COLS = 80;
export const MIN_ROWS = 24;
/** The CPU sparkline: 12 samples at least; a wider terminal shows up to a minute of them (the table's spare width). */
const SPARK = 12;
const SPARK_MAX = 60;

export interface Line {
  readonly key: string;
  readonly text: string;
  readonly inverse?: boolean;
  readonly color?: string;
  /** A column drawn in reverse video: the cursor of the line being edited (a prompt, the guest's shell). */
  readonly cursor?: number;
}

export interface LayoutInput {
  readonly history: readonly HostView[];
  readonly state: ViewState;
  readonly cols: number;
  readonly rows: number;
  readonly color: boolean;
  readonly warnings: number;
  /** Console of a domain: its last `n` lines before skipping `back` from the end, and its total. */
  readonly console: (id: number, n: number, back: number) => {
    lines: readonly ConsoleLine[];
    total: number;
    device: string;
    input?: string | null;
    /** The cursor's column in `input` (null or absent: at its end). */
    inputCursor?: number | null;
    /** The OS on the console when it runs no login shell there (a Windows guest's COM1 has EMS's SAC); absent for Linux. */
    noShell?: string;
    /** What runs there instead is EMS's SAC, which takes typed commands (a Windows guest). */
    sac?: boolean;
  };
  /** A scenario being played: its caption bar. */
  readonly scenario?: ScenarioBar | null;
  /** False while time travelling; the history kept spans historyFrom..historyTo (ns). */
  readonly live?: boolean;
  readonly historyFrom?: number;
  readonly historyTo?: number;
}


export interface ScenarioBar {
  readonly title: string;
  readonly caption: string;
  readonly step: number;
  readonly steps: number;
  readonly next: Step | null;
  /** The pause step's text while the timeline waits for the presenter. */
  readonly paused: string | null;
  readonly failed: number;
}

function describeStep(s: Step): string {
  const a = s.action;
  const at = `${(s.atNs / 1e9).toFixed(0)}s`;
  const what = a.kind === 'caption' ? `caption` : a.kind === 'pause' ? 'pause' : a.kind === 'end' ? 'end' : a.kind === 'expect' ? `expect ${a.text}` : a.kind === 'type' ? `console ${a.domain}: ${describeKey(a.key)}` : a.line;
  return `at ${at}: ${what}`;
}

/** A domain's last `n` samples through `f`, oldest first; samples where `f` gives null are skipped. */
function recent<T>(history: readonly HostView[], id: number, n: number, f: (r: DomainRow) => T | null): T[] {
  const out: T[] = [];
  for (let i = Math.max(0, history.length - n); i < history.length; i++) {
    const r = history[i]!.row(id);
    const v = r === undefined ? null : f(r);
    if (v !== null) out.push(v);
  }
  return out;
}

/** The list's sparkline: domain `id`'s CPU % in the newest `n` views, read without making a row in each. */
function recentCpu(history: readonly HostView[], id: number, n: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(0, history.length - n); i < history.length; i++) {
    const v = history[i]!.cpuPct(id);
    if (v !== null) out.push(v);
  }
  return out;
}

/** Time travel: the history up to and including the newest sample taken at or before `atNs`. */
export function historyUpTo(history: readonly HostView[], atNs: number | null): readonly HostView[] {
  if (atNs === null) return history;
  let n = 0;
  while (n < history.length && history[n]!.sample.tNs <= atNs) n++;
  return history.slice(0, Math.max(1, n));
}

/**
 * The rows the list shows, in order: sorted, filtered, Domain-0 first. Both the render and every
 * key ask for it, so it is kept per sample and view settings (a sort of 1,000 rows is not free).
 */
export function visibleRows(view: HostView, state: ViewState): readonly DomainRow[] {
  const key = `${state.sortIdx}|${state.reverse ? 1 : 0}|${state.filter}`;
  const hit = view.listCache;
  if (hit !== null && hit.key === key) return hit.rows;
  const rows = sortRows(view, state);
  view.listCache = { key, rows };
  return rows;
}

/**
 * Row order for each column and direction: made once, so the sort of every refresh calls the same
 * function (a comparator made afresh per sort would lose its compiled code at every major GC).
 */
const COMPARATORS = COLUMNS.map((col) => [false, true].map((reverse) => (a: DomainRow, b: DomainRow): number => {
  if (a.sample.id === 0) return -1;
  if (b.sample.id === 0) return 1;
  const x = col.sortValue(a);
  const y = col.sortValue(b);
  // Names sort A-Z by code point, as xentop's strcmp does (and without waking ICU's collator,
  // ~7 ms of start-up); numbers largest first (as xentop and htop do).
  const c = typeof x === 'string' ? (x < String(y) ? -1 : x > String(y) ? 1 : 0) : (y as number) - x;
  return (reverse ? -c : c) || a.sample.id - b.sample.id;
}));

function sortRows(view: HostView, state: ViewState): DomainRow[] {
  const terms = filterTerms(state.filter);
  const rows: DomainRow[] = [];
  for (const r of view.rows) if (matchesTerms(terms, r.sample.name, r.sample.modeLabel)) rows.push(r);
  return rows.sort(COMPARATORS[state.sortIdx]![state.reverse ? 1 : 0]!);
}

/** The VM list's columns at a terminal width (narrower terminals drop some, see DROP_ORDER). */
export const listColumns = (cols: number, longestName?: number, groups: readonly ColumnGroup[] = []): readonly Column[] => visibleColumns(cols, SPARK + 1, longestName, groups);

/** The longest domain name (over all of them, not the rows on screen, so NAME's width does not change as the list scrolls). */
function longestName(view: HostView): number {
  let n = 0;
  for (const r of view.rows) if (r.sample.name.length > n) n = r.sample.name.length;
  return n;
}

export function listHeight(rows: number, count: number): number {
  return Math.max(3, Math.min(count, Math.floor((rows - 1) * 0.3)));
}

/** Domains PgUp/PgDn move by: a list's worth of rows, or of blocks when each domain shows more lines than its row. */
export function listPage(sorted: readonly DomainRow[], state: ViewState, rows: number): number {
  const b = listBlocks(state);
  if (b === null) return listHeight(rows, sorted.length);
  const sel = sorted[Math.max(0, selectedIndex(sorted, state))];
  const per = sel === undefined ? 1 : blockHeight(sel, b, false);
  return Math.max(1, Math.floor(listHeight(rows, blockLineCount(sorted, b, rows)) / per));
}

/** What each domain's block holds besides its row (v, r), or null when it is the row alone. */
interface Blocks {
  readonly vcpuLines: boolean;
  readonly repeatHeader: boolean;
}

const listBlocks = (s: Pick<ViewState, 'vcpuLines' | 'repeatHeader'>): Blocks | null => (s.vcpuLines || s.repeatHeader ? { vcpuLines: s.vcpuLines, repeatHeader: s.repeatHeader } : null);


/** A domain's lines in the list: its row, its vCPU lines, the header before it if repeated (not before the first shown). */
const blockHeight = (r: DomainRow, b: Blocks, first: boolean): number => 1 + (b.repeatHeader && !first ? 1 : 0) + (b.vcpuLines ? vcpuSecLineCount(r.sample) : 0);

/** Lines all the blocks take, counted only as far as a list on `rows` rows could show. */
function blockLineCount(sorted: readonly DomainRow[], b: Blocks, rows: number): number {
  const cap = listHeight(rows, Infinity);
  let n = 0;
  for (let i = 0; i < sorted.length && n < cap; i++) n += blockHeight(sorted[i]!, b, i === 0);
  return n;
}

/**
 * The first domain shown when blocks are taller than a row: the selected block about in the middle
 * of `room` lines, and the list's end at the bottom rather than blank lines after it.
 */
function firstBlock(sorted: readonly DomainRow[], b: Blocks, sel: number, room: number): number {
  if (sel < 0) return 0;
  // Lines from block `a` on (its header not repeated), up to and with block `to`, counted no further than `cap`.
  const span = (a: number, to: number, cap = Infinity): number => {
    let n = 0;
    for (let i = a; i <= to && n < cap; i++) n += blockHeight(sorted[i]!, b, i === a);
    return n;
  };
  const selBody = blockHeight(sorted[sel]!, b, true);
  const above = Math.floor((room - selBody) / 2);
  let first = sel;
  while (first > 0 && span(first - 1, sel) - selBody <= above) first--;
  // Near the end: start earlier rather than leave lines empty under the last domain.
  while (first > 0 && span(first - 1, sorted.length - 1, room + 1) <= room) first--;
  return first;
}

function tooSmall(cols: number, rows: number): Line[] {
  const msg = [`terminal too small: ${cols} x ${rows}`, `need ${MIN_COLS} x ${MIN_ROWS}`];
  const top = Math.max(0, Math.floor((rows - 1 - msg.length) / 2));
  const out: Line[] = [];
  for (let i = 0; i < top; i++) out.push({ key: `pad${i}`, text: '' });
  msg.forEach((m, i) => out.push({ key: `msg${i}`, text: ' '.repeat(Math.max(0, Math.floor((cols - m.length) / 2))) + m }));
  return out;
}

/**
 * `text` broken at spaces into lines of at most `cols`: the first after `first`, the rest after
 * `rest` (a hanging indent). A word longer than a line is cut.
 */
export function wrapText(text: string, cols: number, first = '', rest = first): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > cols) {
      out.push(line);
      line = rest + word;
    } else line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  out.push(line);
  return out.map((l) => l.slice(0, cols));
}

/** The help text, each entry wrapped to `cols` under its description column. */
export function helpLines(cols: number): string[] {
  const entry = (label: string, help: string): string[] => wrapText(help, cols, `  ${label.padEnd(8)} `, ' '.repeat(11));
  return [
    ...KEYMAP.flatMap((k) => entry(k.label, k.help)),
    '',
    ' In the console (Tab), typing goes to the guest; these keys are special:'.slice(0, cols),
    ...CONSOLE_KEYMAP.flatMap((k) => entry(k.label, k.help)),
    '',
    ' In a prompt (: command line, / filter, d delay), these keys edit the line:'.slice(0, cols),
    ...PROMPT_KEYMAP.flatMap((k) => entry(k.label, k.help)),
  ];
}

/** A message's lines as shown: sanitised, tabs expanded, prose wrapped to `cols`. */
export function messageLines(m: Message, cols: number): string[] {
  return m.wrap === true ? m.lines.flatMap((l) => wrapText(sanitize(expandTabs(l)), cols, '', '  ')) : m.lines.map((l) => sanitize(expandTabs(l)));
}

/** Rows of help text shown at once: all but the title and the footer. */
export const helpPage = (rows: number): number => Math.max(1, rows - 1 - 3);

function helpScreen(budget: number, cols: number, top: number): Line[] {
  const lines = helpLines(cols);
  const page = helpPage(budget + 1);
  const from = Math.max(0, Math.min(top, lines.length - page));
  const shown = lines.slice(from, from + page);
  const more = lines.length > page ? `   lines ${from + 1}-${from + shown.length} of ${lines.length}` : '';
  const out: Line[] = [{ key: 'ht', text: `paratop keys${more}`.slice(0, cols) }, { key: 'hb', text: '' }];
  shown.forEach((text, i) => out.push({ key: `h${i}`, text }));
  while (out.length < budget - 1) out.push({ key: `hp${out.length}`, text: '' });
  const hint = lines.length > page ? '↑/↓ PgUp/PgDn Home/End scroll   ? or Esc closes' : '? or Esc closes';
  out.push({ key: 'bar', text: hint.slice(0, cols).padEnd(cols), inverse: true });
  return out.slice(0, budget);
}

function bottomLine(input: LayoutInput, cols: number): Line {
  const p = input.state.prompt;
  if (p !== null) {
    const label = p.kind === 'filter' ? 'Filter: ' : p.kind === 'delay' ? 'Delay(sec): ' : ':';
    const err = p.error ? `   ${p.error}` : '';
    const room = Math.max(2, cols - label.length);
    const at = promptCursor(p);
    if (at >= p.text.length) {
      // A line longer than the screen scrolls as a shell's does: the end, where the cursor is, stays.
      const typed = `${sanitize(p.text)}_`;
      const shown = typed.length > room ? `<${typed.slice(typed.length - room + 1)}` : typed;
      return { key: 'bar', text: `${label}${shown}${err}`.slice(0, cols) };
    }
    // The cursor inside the line: the character under it in reverse video, and the part of a long line around it.
    const text = sanitize(p.text);
    const col = sanitize(p.text.slice(0, at)).length;
    const from = text.length > room ? Math.max(0, Math.min(text.length - room + 1, col - Math.floor(room / 2))) : 0;
    const shown = from > 0 ? `<${text.slice(from + 1, from + room)}` : text.slice(0, room);
    return { key: 'bar', text: `${label}${shown}${err}`.slice(0, cols), cursor: label.length + col - from };
  }
  const inConsole = input.state.focus === 'console';
  const table = inConsole ? CONSOLE_KEYMAP : KEYMAP;
  const warn = input.warnings > 0 ? `${input.warnings} config problem(s) on stderr at exit  ` : '';
  const filter = input.state.filter !== '' ? `filter "${sanitize(input.state.filter)}" (Esc clears)  ` : '';
  // Cut to leave the way out (help, quit) in view.
  const noticeRoom = Math.max(10, cols - fitKeys(table, 0).length - 2);
  const noticeText = input.state.notice !== null ? sanitize(input.state.notice) : '';
  const notice = noticeText === '' ? '' : `${noticeText.length > noticeRoom ? `${noticeText.slice(0, noticeRoom - 1)}…` : noticeText}  `;
  const lead = notice + filter + warn + (inConsole ? 'typing goes to the guest  ' : '');
  return { key: 'bar', text: (lead + fitKeys(table, cols - lead.length)).slice(0, cols).padEnd(cols), inverse: true };
}

/**
 * The key bar's entries that fit in `width`, whole: help and quit always (the way out must show at
 * any width), then the others in the table's order while they fit, as htop's and k9s's bars do.
 */
export function fitKeys(table: readonly { readonly label: string; readonly bar: string | null; readonly command: string }[], width: number): string {
  const entries = table.filter((b) => b.bar !== null).map((b) => ({ text: `${b.label} ${b.bar}`, always: b.command === 'help' || b.command === 'quit' || b.command === 'leave' }));
  const sep = 2;
  let room = width - entries.filter((e) => e.always).reduce((n, e) => n + e.text.length + sep, 0) + sep;
  const keep = new Set<number>();
  entries.forEach((e, i) => {
    if (e.always) keep.add(i);
    else if (e.text.length + sep <= room) {
      keep.add(i);
      room -= e.text.length + sep;
    } else room = -1; // keep the table's order: no later, shorter entry jumps the queue
  });
  return entries
    .filter((_, i) => keep.has(i))
    .map((e) => e.text)
    .join('  ');
}

/**
 * The xenoprof idea, from the model's own accounting: for each domain, the share of one pCPU spent
 * in its user code, its kernel, the hypervisor on its behalf (hypercalls, VM exits) and Domain-0
 * on its behalf (split-driver backends, QEMU device emulation), over the last interval.
 */
function profileScreen(input: LayoutInput, out: Line[], rows: readonly DomainRow[], budget: number): Line[] {
  const { history, cols } = input;
  const cur = history[history.length - 1]!;
  const prev = history.length > 1 ? history[history.length - 2]! : null;
  const dt = prev ? cur.sample.tNs - prev.sample.tNs : 0;
  const title = cols >= 88 ? ' profile: where CPU time went, % of one pCPU over the last interval   (P or Esc: back)' : ' profile: where CPU time went, % of one pCPU   (P or Esc: back)';
  out.push({ key: 'pt', text: title.padEnd(cols).slice(0, cols), inverse: true });
  const notes = [
    ...wrapText('SPIN: spinning on locks held by its preempted vCPUs. XEN: VM exits, hypercalls on its vCPUs.', cols),
    ...wrapText('DOM0-EMU: backend and QEMU device-model work Domain-0 did for it. OVERHEAD: the last three over USER+KERNEL.', cols),
  ];
  out.push({ key: 'ph', text: `${'NAME'.padEnd(12)} ${'MODE'.padEnd(5)} ${'USER'.padStart(6)} ${'KERNEL'.padStart(7)} ${'SPIN'.padStart(6)} ${'XEN'.padStart(6)} ${'DOM0-EMU'.padStart(8)} ${'OVERHEAD'.padStart(8)}` });
  const pct = (ns: number): string => (dt > 0 ? ((ns / dt) * 100).toFixed(1) : '-');
  for (const r of rows) {
    const pr = prev?.row(r.sample.id)?.sample;
    const p = pr?.prof;
    const c = r.sample.prof;
    if (p === undefined) {
      out.push({ key: `pr${r.sample.id}`, text: `${sanitize(r.sample.name).slice(0, 12).padEnd(12)} ${r.sample.modeLabel.padEnd(5)}      -` });
      continue;
    }
    const u = c.userNs - p.userNs;
    const spin = r.sample.spinNs - (pr?.spinNs ?? r.sample.spinNs);
    const k = c.kernelNs - p.kernelNs - spin;
    const x = c.hvNs - p.hvNs;
    const e = r.sample.id === 0 ? 0 : c.dom0Ns - p.dom0Ns;
    const useful = u + k;
    const over = useful > 0 ? `${(((x + e + spin) / useful) * 100).toFixed(0)}%` : '-';
    out.push({
      key: `pr${r.sample.id}`,
      text: `${sanitize(r.sample.name).slice(0, 12).padEnd(12)} ${r.sample.modeLabel.padEnd(5)} ${pct(u).padStart(6)} ${pct(k).padStart(7)} ${pct(spin).padStart(6)} ${pct(x).padStart(6)} ${pct(e).padStart(8)} ${over.padStart(8)}`.slice(0, cols),
    });
    if (out.length >= budget - 2) break;
  }
  // The notes explain the columns when there is room; the figures come first.
  if (out.length + 1 + notes.length <= budget - 1) {
    out.push({ key: 'pn', text: '' });
    notes.forEach((text, i) => out.push({ key: `pnote${i}`, text }));
  }
  while (out.length < budget - 1) out.push({ key: `pp${out.length}`, text: '' });
  out.push(bottomLine(input, cols));
  return out;
}

interface CompareMetric {
  readonly label: string;
  readonly value: (r: DomainRow) => number | null;
  readonly fmt: (v: number) => string;
  readonly max: number;
}

const COMPARE_METRICS: readonly CompareMetric[] = [
  { label: 'guest: busy (us+sy) %', value: (r) => (r.rates ? r.rates.vmstat.us + r.rates.vmstat.sy : null), fmt: (v) => v.toFixed(0), max: 100 },
  { label: 'guest: steal (st) %', value: (r) => (r.rates ? (r.rates.guestStPct === null ? NaN : r.rates.guestStPct) : null), fmt: (v) => (Number.isNaN(v) ? '– cannot see' : v.toFixed(1)), max: 100 },
  { label: 'Xen: CPU % of a pCPU', value: (r) => r.rates?.cpuPct ?? null, fmt: (v) => v.toFixed(1), max: 100 },
  { label: 'Xen: waiting for a pCPU %', value: (r) => r.rates?.waitPct ?? null, fmt: (v) => v.toFixed(1), max: 100 },
  { label: 'interrupts / s', value: (r) => r.rates?.vmstat.in ?? null, fmt: (v) => v.toFixed(0), max: 1000 },
  { label: 'guest clock - host, ms', value: (r) => r.sample.clockOffsetNs / 1e6, fmt: (v) => v.toFixed(1), max: 1000 },
  { label: 'memory / target, MiB', value: (r) => r.sample.memKiB / 1024, fmt: (v) => v.toFixed(0), max: 4096 },
  { label: 'OPS/s', value: (r) => r.rates?.opsPerSec ?? null, fmt: (v) => v.toFixed(0), max: 5000 },
  { label: 'throughput % of native', value: (r) => r.rates?.nativePct ?? null, fmt: (v) => v.toFixed(1), max: 100 },
];

/**
 * Two or three guests in columns, the guest's own view against the hypervisor's: the point of seed
 * 003 ("both think they use 100 % of a CPU") at a glance, each figure with a sparkline.
 */
function compareScreen(input: LayoutInput, out: Line[], ids: readonly number[], budget: number): Line[] {
  const { history, cols } = input;
  const view = history[history.length - 1]!;
  const rows = ids.map((id) => view.row(id)).filter((r): r is DomainRow => r !== undefined);
  const labelW = 30;
  const colW = Math.min(40, Math.max(16, Math.floor((cols - labelW) / Math.max(1, rows.length))));
  out.push({ key: 'ct', text: ' compare: the guest\'s own view against Xen\'s   (x marks guests, c or Esc: back)'.padEnd(cols).slice(0, cols), inverse: true });
  out.push({ key: 'ch', text: (''.padEnd(labelW) + rows.map((r) => `${sanitize(r.sample.name)} (${r.sample.modeLabel})`.slice(0, colW - 1).padEnd(colW)).join('')).slice(0, cols) });
  for (const r of rows) {
    const busy = r.rates ? r.rates.vmstat.us + r.rates.vmstat.sy : null;
    if (busy !== null && r.rates) {
      const name = sanitize(r.sample.name);
      const cpu = r.rates.cpuPct.toFixed(0);
      const st = r.rates.guestStPct?.toFixed(0);
      // Both sides in one unit, % of one CPU (as xentop's CPU%): vmstat's us+sy is a share of all
      // the guest's CPUs, so a 4-vCPU guest 20 % busy used 80 % of a CPU, which is what Xen gave it.
      const n = Math.max(1, r.sample.vcpusOnline);
      const used = busy * n;
      const of = n > 1 ? ` (${busy}% busy on ${n} vCPUs)` : '';
      const long = `${name} thinks it used ${used}% of a CPU${of}; Xen gave it ${cpu}% of a pCPU${r.sample.seesSteal ? ` and it knows ${st}% was stolen` : ' and it cannot see the rest was stolen'}`;
      const short = `${name} thinks it used ${used}% of a CPU, got ${cpu}%, ${r.sample.seesSteal ? `knows ${st}% stolen` : 'cannot see steal'}`;
      // The same form for every guest on the screen: the sentence (wrapped) from 100 columns, the short one below.
      const says = cols >= 100 ? long : short;
      wrapText(says, cols, '  ', '    ').forEach((text, i) => out.push({ key: `cs${r.sample.id}.${i}`, text }));
    }
  }
  const spark = Math.max(4, Math.min(10, colW - 10));
  for (const m of COMPARE_METRICS) {
    let line = `  ${m.label}`.padEnd(labelW);
    for (const r of rows) {
      const v = m.value(r);
      const hist = recent(history, r.sample.id, spark, (rr) => {
        const x = m.value(rr);
        return x === null || Number.isNaN(x) ? null : Math.abs(x);
      });
      const cell = v === null ? '-' : m.fmt(v) + (m.label.startsWith('memory') ? ` / ${(r.sample.targetKiB / 1024).toFixed(0)}` : '');
      // The figure first; the sparkline takes what is left of the column (none if under 2 cells),
      // and a space always parts it from the next column.
      const sw = Math.min(spark, colW - cell.length - 2);
      line += (sw >= 2 ? `${cell.padEnd(colW - sw - 1)}${sparkline(hist, sw, m.max)}` : cell).slice(0, colW - 1).padEnd(colW);
    }
    out.push({ key: `cm${m.label}`, text: line.slice(0, cols) });
  }
  while (out.length < budget - 1) out.push({ key: `cf${out.length}`, text: '' });
  out.push(bottomLine(input, cols));
  return out.slice(0, budget);
}

export function layout(input: LayoutInput): Line[] {
  const { history, state, cols, rows, color } = input;
  if (cols < MIN_COLS || rows < MIN_ROWS) return tooSmall(cols, rows);
  const budget = rows - 1;
  if (state.help) return helpScreen(budget, cols, state.helpTop);

  const view = history[history.length - 1]!;
  const prevView = history.length > 1 ? history[history.length - 2]! : null;
  const out: Line[] = [];
  const speed = SPEEDS[state.speedIdx]!;
  summaryLines(view, state.paused, speed, cols).forEach((text, i) => out.push({ key: `s${i}`, text: text.slice(0, cols) }));
  if (input.live === false) {
    out[0] = { key: 's0', text: ` HISTORY ${clockText(view.sample.tNs)}   (←/→ move, Esc: live)   kept ${clockText(input.historyFrom ?? 0)}–${clockText(input.historyTo ?? 0)}`.padEnd(cols).slice(0, cols), inverse: true, ...(color ? { color: 'yellow' } : {}) };
  } else if (state.overlay && state.lastKey !== null) {
    const k = ` [${state.lastKey.key}] ${sanitize(state.lastKey.did)} `;
    const base = out[0]!.text;
    out[0] = { key: 's0', text: (base.slice(0, Math.max(0, cols - k.length - 1)).padEnd(Math.max(0, cols - k.length)) + k).slice(0, cols) };
  }
  const sc = input.scenario;
  if (sc !== null && sc !== undefined) {
    const lead = sc.paused !== null ? `PAUSED: ${sc.paused}` : sc.caption !== '' ? sc.caption : sc.title;
    out.push({ key: 'cap', text: ` ${sanitize(lead)}`.padEnd(cols).slice(0, cols), inverse: true, ...(color ? { color: 'cyan' } : {}) });
    const next = sc.next !== null ? `next ${sanitize(describeStep(sc.next))}` : 'timeline done';
    const fails = sc.failed > 0 ? `   ${sc.failed} expectation(s) FAILED` : '';
    out.push({ key: 'capn', text: ` step ${sc.step}/${sc.steps}   ${next}${fails}`.slice(0, cols) });
  }
  meterLine(view, cols)
    .split('\n')
    .forEach((text, i) => out.push({ key: `m${i}`, text: text.slice(0, cols), ...(color ? { color: 'green' } : {}) }));

  const sorted = visibleRows(view, state);
  const colsShown = listColumns(cols, longestName(view), state.columnGroups);
  const sortHead = COLUMNS[state.sortIdx]!.head;
  const tableWidth = colsShown.reduce((n, c) => n + c.width + 1, 0);
  const spark = Math.max(SPARK, Math.min(SPARK_MAX, cols - tableWidth));
  out.push({ key: 'head', text: headerLine(colsShown, sortHead, state.reverse, 'CPU'.padEnd(spark)).slice(0, cols).padEnd(cols), inverse: true });

  const blocks = listBlocks(state);
  const listRows = listHeight(rows, blocks === null ? sorted.length : blockLineCount(sorted, blocks, rows));
  const selIdx = selectedIndex(sorted, state);
  const selRow = sorted[selIdx];
  const row = (r: DomainRow): Line => ({
    key: `d${r.sample.id}`,
    text: `${rowLine(colsShown, r)} ${sparkline(recentCpu(history, r.sample.id, spark), spark)}`.slice(0, cols),
    inverse: r === selRow && state.focus === 'list',
  });
  if (blocks === null) {
    const first = Math.max(0, Math.min(selIdx - Math.floor(listRows / 2), sorted.length - listRows));
    for (const r of sorted.slice(first, first + listRows)) out.push(row(r));
  } else {
    // Each domain is a block of lines (xentop's top(): the header again if repeated, the row, its vCPU lines).
    const head = out[out.length - 1]!;
    const end = out.length + listRows;
    const first = firstBlock(sorted, blocks, selIdx, listRows);
    for (let i = first; i < sorted.length && out.length < end; i++) {
      const r = sorted[i]!;
      if (blocks.repeatHeader && i > first) out.push({ ...head, key: `h${r.sample.id}` });
      if (out.length < end) out.push(row(r));
      if (blocks.vcpuLines) vcpuSecLines(r.sample).forEach((text, k) => out.length < end && out.push({ key: `v${r.sample.id}.${k}`, text: text.slice(0, cols) }));
    }
    // Blocks are not cut at the top, so the last ones can leave a line or two: kept blank, so the panes below do not move.
    while (out.length < end) out.push({ key: `lpad${out.length}`, text: '' });
  }
  for (let i = sorted.length; i < Math.min(listRows, 3); i++) out.push({ key: `empty${i}`, text: i === 0 ? '  (no domain matches the filter)' : '' });

  if (selRow === undefined) {
    while (out.length < budget - 1) out.push({ key: `fill${out.length}`, text: '' });
    out.push(bottomLine(input, cols));
    return out;
  }

  if (state.screen === 'profile') return profileScreen(input, out, sorted, budget);
  if (state.screen === 'compare') return compareScreen(input, out, state.compare.length > 0 ? state.compare : [selRow.sample.id], budget);
  if (state.message !== null) {
    const m = state.message;
    const room = Math.max(1, budget - out.length - 2);
    const all = messageLines(m, cols);
    // Taller than its pane (xl list with hundreds of guests, help on 24 rows): the moving keys scroll it, as the help screen's do.
    const from = Math.max(0, Math.min(state.messageTop, all.length - room));
    const lines = all.slice(from, from + room);
    const more = all.length > room ? `   lines ${from + 1}-${from + lines.length} of ${all.length}   ↑/↓ PgUp/PgDn Home/End scroll, Esc closes` : '   (Esc closes)';
    out.push({ key: 'msgt', text: ` ${sanitize(m.title)}${more}`.padEnd(cols).slice(0, cols), inverse: true });
    lines.forEach((l, i) => out.push({ key: `msg${i}`, text: l.slice(0, cols), ...(m.error && color ? { color: 'red' } : {}) }));
    while (out.length < budget - 1) out.push({ key: `mp${out.length}`, text: '' });
    out.push(bottomLine(input, cols));
    return out;
  }

  const s = selRow.sample;
  out.push({ key: 'pane', text: ` ${sanitize(s.name)}  ${s.modeLabel}  ${s.workload}  domid ${s.id}`.padEnd(cols).slice(0, cols), inverse: true });
  const prevDom = prevView?.row(s.id)?.sample;
  const dt = prevView ? view.sample.tNs - prevView.sample.tNs : 0;
  const full: string[] = ["the hypervisor's view", ...vcpuLines(s, prevDom, dt)];
  // vmstat's numbers outgrow their fields (a guest with gigabytes free pushes the line past 80
  // columns, as the real vmstat's does). When the KiB lines do not fit, beside the hypervisor's
  // view or at all, the memory columns are shown in MiB, as `vmstat -S M` would.
  // At least one column past the header: an idle second's `id` of 100 overflows its field, and
  // the layout should not flip between side by side and stacked each time a guest goes idle.
  const widest = (ls: readonly string[]): number => Math.max(VMSTAT_HEADER_1.length + 1, VMSTAT_HEADER_2.length + 1, ...ls.map((l) => l.length));
  const vmLines = (unit: 'K' | 'M', maxWidth = Infinity): string[] => recent(history, s.id, 8, (r) => (r.rates ? vmstatLine(r.rates.vmstat, unit, maxWidth) : null));
  const vmK = vmLines('K');
  const vmM = vmLines('M');
  // Decided on what the numbers can reach (free and cache up to the guest's memory), not on this
  // second's values, so the units do not flip back and forth as free memory crosses a digit.
  const memDigits = String(Math.max(s.mem.totalKiB, s.mem.swapTotalKiB)).length;
  const wK = Math.max(widest(vmK), VMSTAT_HEADER_2.length + 1 + 2 * Math.max(0, memDigits - 6));
  const wM = widest(vmM);
  // Side by side with the full vCPU table when it fits, else with the compact one (120 columns),
  // else stacked. Widths are the tables' widest, so the layout does not flip as labels change.
  const compact = cols < wM + 1 + VCPU_TABLE_W && cols >= wM + 1 + VCPU_COMPACT_W;
  const right = compact ? ["the hypervisor's view, %", ...vcpuLinesCompact(s, prevDom, dt)] : full;
  const rightW = compact ? VCPU_COMPACT_W : VCPU_TABLE_W;
  const sideBySide = cols >= wM + 1 + rightW;
  const inMiB = sideBySide ? cols < wK + 1 + rightW : cols < wK;
  // Stacked, a MiB line that still overflows is squeezed into the width (side by side it has room).
  const vm = !inMiB ? vmK : sideBySide ? vmM : vmLines('M', cols);
  const offsetMs = s.clockOffsetNs / 1e6;
  const title = `inside the guest (vmstat ${inMiB ? '-S M ' : ''}1${s.seesSteal ? '' : ': cannot see steal'})${offsetMs !== 0 ? `  clock ${offsetMs > 0 ? '+' : ''}${offsetMs.toFixed(1)} ms` : ''}`;
  const left = [title, VMSTAT_HEADER_1, VMSTAT_HEADER_2, ...vm];
  const leftW = inMiB ? wM : wK;
  const used = out.length + 2;
  const paneWant = sideBySide ? Math.max(left.length, right.length) : left.length + right.length;
  const paneRows = Math.max(6, Math.min(paneWant, Math.floor((budget - used) * 0.6)));
  const pane: string[] = [];
  if (sideBySide) {
    for (let i = 0; i < paneRows; i++) pane.push(`${(left[i] ?? '').padEnd(leftW)} ${right[i] ?? ''}`.slice(0, cols));
  } else {
    const rightShare = Math.min(right.length, Math.max(2, Math.floor(paneRows / 3)));
    const leftShare = paneRows - rightShare;
    // When tight, the vCPU table's own header says what it is: drop its title.
    if (rightShare < right.length) right.shift();
    // When tight, drop vmstat's group header line and keep the newest data lines.
    const head = leftShare >= 6 ? left.slice(0, 3) : [left[0]!, left[2]!];
    const data = left.slice(3).slice(-Math.max(0, leftShare - head.length));
    pane.push(...[...head, ...data].slice(0, leftShare).map((l) => l.slice(0, cols)));
    pane.push(...right.slice(0, rightShare).map((l) => l.slice(0, cols)));
  }
  pane.forEach((text, i) => out.push({ key: `p${i}`, text }));

  const conRows = Math.max(1, budget - out.length - 2);
  const focused = state.focus === 'console';
  // Following, the last row is the terminal's cursor line (the shell's prompt and what is typed).
  const con = input.console(s.id, conRows, state.consoleBack);
  const cursorRow = state.consoleBack === 0 && con.input !== undefined && con.input !== null;
  const shownLines = cursorRow ? con.lines.slice(con.lines.length >= conRows ? 1 : 0) : con.lines;
  const where = state.consoleBack > 0 ? `scrolled back ${state.consoleBack} of ${con.total} lines (End: follow)` : 'following';
  const conTitle = con.sac === true
    ? focused
      ? `[SAC: typing goes to ${sanitize(s.name)}; Ctrl+] leaves]`
      : '(Tab: SAC, type here)'
    : con.noShell !== undefined
    ? focused
      ? `[${sanitize(s.name)} runs ${con.noShell}: no login shell here; Ctrl+] leaves]`
      : `(${con.noShell}: no login shell)`
    : focused
      ? `[terminal: typing goes to ${sanitize(s.name)}; Ctrl+] leaves]`
      : '(Tab: log in / type here)';
  out.push({ key: 'con', text: ` console ${con.device}   ${conTitle}   ${where}`.padEnd(cols).slice(0, cols), inverse: true });
  const lineRows = cursorRow ? conRows - 1 : conRows;
  const wrapped = lineRows > 0 ? consoleLines(shownLines, cols).slice(-lineRows) : [];
  wrapped.forEach((text, i) => out.push({ key: `c${i}`, text }));
  if (cursorRow) {
    const input = con.input!;
    const at = con.inputCursor ?? input.length;
    // At the end of the line the cursor is a block after it; inside, the character under it in reverse video.
    if (!focused || at >= input.length) {
      const line = sanitize(input) + (focused ? '█' : '');
      out.push({ key: 'cin', text: line.length > cols ? line.slice(line.length - cols) : line });
    } else {
      const line = sanitize(input);
      const col = sanitize(input.slice(0, at)).length;
      // A line wider than the pane shows the part with the cursor in it.
      const from = Math.max(0, Math.min(line.length - cols, col - cols + 1));
      out.push({ key: 'cin', text: line.slice(from, from + cols), cursor: col - from });
    }
  }
  while (out.length < budget - 1) out.push({ key: `cp${out.length}`, text: '' });
  out.push(bottomLine(input, cols));
  return out.slice(0, budget);
}
