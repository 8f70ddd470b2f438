/**
 * `--format json`: one JSON object per sample per line (JSONL). The names are a contract for
 * scripts (README "JSON output"); rates are null on the first sample.
 */
import { NS_PER_S } from '../model/clock.js';
import type { DomainRow, HostView } from '../view/rates.js';
import { VMSTAT_FIELDS, stateName } from '../view/rates.js';

const r1 = (x: number): number => Math.round(x * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;

function domainJson(row: DomainRow): Record<string, unknown> {
  const d = row.sample;
  const r = row.rates;
  return {
    id: d.id,
    name: d.name,
    mode: d.mode,
    state: stateName(d),
    workload: d.workload,
    cpuPct: r ? r1(r.cpuPct) : null,
    cpuSec: r2(d.cpuNs / NS_PER_S),
    weight: d.weight,
    cap: d.cap,
    vcpus: { online: d.vcpusOnline, max: d.vcpusMax },
    memKiB: Math.round(d.memKiB),
    targetKiB: Math.round(d.targetKiB),
    maxmemKiB: Math.round(d.maxmemKiB),
    runstatePct: r
      ? { running: r1(r.runstatePct.running), runnable: r1(r.runstatePct.runnable), blocked: r1(r.runstatePct.blocked), offline: r1(r.runstatePct.offline) }
      : null,
    stPct: r && r.guestStPct !== null ? r1(r.guestStPct) : null,
    vmstat: r ? Object.fromEntries(VMSTAT_FIELDS.map((k) => [k, r.vmstat[k]])) : null,
    opsPerSec: r && r.opsPerSec !== null ? r1(r.opsPerSec) : null,
    nativePct: r && r.nativePct !== null ? r1(r.nativePct) : null,
    clockOffsetMs: r2(d.clockOffsetNs / 1e6),
  };
}

export function jsonSample(v: HostView): string {
  const s = v.sample;
  const obj = {
    t: r2(s.tNs / NS_PER_S),
    host: {
      pcpus: s.pcpus.length,
      memKiB: s.memKiB,
      freeKiB: s.freeKiB,
      xenVersion: s.xenVersion,
      scheduler: s.scheduler,
    },
    domains: v.rows.map(domainJson),
  };
  return JSON.stringify(obj) + '\n';
}
