/**
 * `paratop -b` text: xentop -b's columns, widths and formats (tools/xentop/xentop.c), with MODE and
 * ST(%) appended so scripts that read xentop's columns by position keep working. The header is
 * printed before each iteration's rows, with no blank line between iterations, as xentop does.
 * A rate with no previous sample prints "-" where xentop prints 0.0.
 */
import { NS_PER_S } from '../model/clock.js';
import type { DomainSample } from '../model/sample.js';
import type { DomainRow, HostView } from '../view/rates.js';
import { stateLetters } from '../view/rates.js';
import { sanitize } from './sanitize.js';

interface Col {
  readonly head: string;
  readonly width: number;
  readonly cell: (r: DomainRow, v: HostView) => string;
}

const f1 = (x: number): string => x.toFixed(1);
const int = (x: number): string => String(Math.floor(x));

export const TEXT_COLUMNS: readonly Col[] = [
  { head: 'NAME', width: 10, cell: (r) => sanitize(r.sample.name).slice(0, 10) },
  { head: 'STATE', width: 6, cell: (r) => stateLetters(r.sample) },
  { head: 'CPU(sec)', width: 10, cell: (r) => int(r.sample.cpuNs / NS_PER_S) },
  { head: 'CPU(%)', width: 6, cell: (r) => (r.rates ? f1(r.rates.cpuPct) : '-') },
  { head: 'MEM(k)', width: 10, cell: (r) => int(r.sample.memKiB) },
  { head: 'MEM(%)', width: 6, cell: (r, v) => f1((r.sample.memKiB / v.sample.memKiB) * 100) },
  { head: 'MAXMEM(k)', width: 10, cell: (r) => (r.sample.id === 0 ? 'no limit' : int(r.sample.maxmemKiB)) },
  { head: 'MAXMEM(%)', width: 9, cell: (r, v) => (r.sample.id === 0 ? 'n/a' : f1((r.sample.maxmemKiB / v.sample.memKiB) * 100)) },
  { head: 'VCPUS', width: 5, cell: (r) => String(r.sample.vcpusOnline) },
  { head: 'NETS', width: 4, cell: (r) => String(r.sample.nets) },
  { head: 'NETTX(k)', width: 8, cell: (r) => int(r.sample.netTxKiB) },
  { head: 'NETRX(k)', width: 8, cell: (r) => int(r.sample.netRxKiB) },
  { head: 'VBDS', width: 4, cell: (r) => String(r.sample.vbds) },
  { head: 'VBD_OO', width: 8, cell: () => '0' },
  { head: 'VBD_RD', width: 8, cell: (r) => int(r.sample.vbdRdReqs) },
  { head: 'VBD_WR', width: 8, cell: (r) => int(r.sample.vbdWrReqs) },
  { head: 'VBD_RSECT', width: 10, cell: (r) => int(r.sample.biKiB * 2) },
  { head: 'VBD_WSECT', width: 10, cell: (r) => int(r.sample.boKiB * 2) },
  { head: 'SSID', width: 4, cell: () => '0' },
  { head: 'MODE', width: 6, cell: (r) => r.sample.modeLabel },
  { head: 'ST(%)', width: 6, cell: (r) => (r.rates && r.rates.guestStPct !== null ? f1(r.rates.guestStPct) : '-') },
];

export function textHeader(): string {
  return TEXT_COLUMNS.map((c) => c.head.padStart(c.width)).join(' ');
}

/** xentop's batch flags that change its text: -f, -v, -r. */
export interface TextOptions {
  /** -f: "%10s" (a longer name pushes the row right) for its "%10.10s". */
  readonly fullName?: boolean;
  /** -v: each domain's vCPU seconds under its row. */
  readonly vcpus?: boolean;
  /** -r: the header before every domain, not only the first. */
  readonly repeatHeader?: boolean;
}

/** xentop's do_vcpu starts a new line before vCPU 5, 10, ... (by number, as it counts them). */
const startsLine = (id: number): boolean => id !== 0 && id % 5 === 0;

/**
 * xentop's do_vcpu: `VCPUs(sec):` and each online vCPU's CPU seconds, a new line before vCPU 5,
 * 10, ..., indented 8.
 */
export function vcpuSecLines(d: DomainSample): string[] {
  let text = 'VCPUs(sec): ';
  for (const v of d.vcpus) {
    if (!v.up) continue;
    if (startsLine(v.id)) text += '\n        ';
    text += ` ${String(v.id).padStart(2)}: ${String(Math.floor(v.runstateNs[0] / NS_PER_S)).padStart(10)}s`;
  }
  return text.split('\n');
}

/** How many lines vcpuSecLines(d) makes, without making them (the list's layout counts them for every block it places). */
export function vcpuSecLineCount(d: DomainSample): number {
  let n = 1;
  for (const v of d.vcpus) if (v.up && startsLine(v.id)) n++;
  return n;
}

/** One iteration, as xentop's top() prints it: the header, then a row per domain (and what -v and -r add). */
export function textSample(v: HostView, o: TextOptions = {}): string {
  const lines: string[] = [];
  v.rows.forEach((r, i) => {
    if (i === 0 || o.repeatHeader === true) lines.push(textHeader());
    lines.push(TEXT_COLUMNS.map((c, k) => (k === 0 && o.fullName === true ? sanitize(r.sample.name) : c.cell(r, v)).padStart(c.width)).join(' '));
    if (o.vcpus === true) lines.push(...vcpuSecLines(r.sample));
  });
  if (lines.length === 0) lines.push(textHeader());
  return lines.join('\n') + '\n';
}
