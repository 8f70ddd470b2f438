/**
 * `--format csv`: a header row once, then one row per domain per sample. Empty cells where a rate
 * has no previous sample. Fields are quoted when they contain a comma, quote or newline.
 */
import { NS_PER_S } from '../model/clock.js';
import type { DomainRow, HostView } from '../view/rates.js';
import { stateName } from '../view/rates.js';
import { sanitize } from './sanitize.js';

const COLUMNS: readonly [string, (r: DomainRow, v: HostView) => string | number | null][] = [
  ['t', (_r, v) => (v.sample.tNs / NS_PER_S).toFixed(2)],
  ['id', (r) => r.sample.id],
  // A guest's name is its config's: shown escaped, as everywhere, so it cannot drive a terminal the CSV is printed on.
  ['name', (r) => sanitize(r.sample.name)],
  ['mode', (r) => r.sample.mode],
  ['state', (r) => stateName(r.sample)],
  ['workload', (r) => r.sample.workload],
  ['cpuPct', (r) => (r.rates ? r.rates.cpuPct.toFixed(1) : null)],
  ['stPct', (r) => (r.rates && r.rates.guestStPct !== null ? r.rates.guestStPct.toFixed(1) : null)],
  ['runnablePct', (r) => (r.rates ? r.rates.runstatePct.runnable.toFixed(1) : null)],
  ['weight', (r) => r.sample.weight],
  ['cap', (r) => r.sample.cap],
  ['vcpusOnline', (r) => r.sample.vcpusOnline],
  ['vcpusMax', (r) => r.sample.vcpusMax],
  ['memKiB', (r) => Math.round(r.sample.memKiB)],
  ['targetKiB', (r) => Math.round(r.sample.targetKiB)],
  ['maxmemKiB', (r) => Math.round(r.sample.maxmemKiB)],
  ['us', (r) => r.rates?.vmstat.us ?? null],
  ['sy', (r) => r.rates?.vmstat.sy ?? null],
  ['idle', (r) => r.rates?.vmstat.id ?? null],
  ['wa', (r) => r.rates?.vmstat.wa ?? null],
  ['st', (r) => r.rates?.vmstat.st ?? null],
  ['in', (r) => r.rates?.vmstat.in ?? null],
  ['cs', (r) => r.rates?.vmstat.cs ?? null],
  ['opsPerSec', (r) => (r.rates && r.rates.opsPerSec !== null ? r.rates.opsPerSec.toFixed(1) : null)],
  ['nativePct', (r) => (r.rates && r.rates.nativePct !== null ? r.rates.nativePct.toFixed(1) : null)],
];

const quote = (x: string | number | null): string => {
  if (x === null) return '';
  const s = String(x);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function csvHeader(): string {
  return COLUMNS.map(([h]) => h).join(',') + '\n';
}

export function csvSample(v: HostView): string {
  return v.rows.map((r) => COLUMNS.map(([, f]) => quote(f(r, v))).join(',') + '\n').join('');
}
