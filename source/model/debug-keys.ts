/**
 * Xen's debug keys (`xl debug-keys`, or Ctrl+A three times on a serial console): each key's
 * handler writes to the hypervisor's console, which `xl dmesg` reads. Modelled: 'h' (the key
 * table) and 'r' (the run queues: cpupool.c's dump_runq, core.c's schedule_dump, then the
 * scheduler's own dump). The other keys in keyhandler.c's table are recognised but not modelled.
 */
import type { Host } from './host.js';
import { XEN_VERSION_LINE } from './host.js';
import type { PCpu } from './pcpu.js';
import { cpuList, cpuTag } from './cpumask.js';

/** keyhandler.c's own key table (others register theirs elsewhere), by key, with each one's description. */
export const DEBUG_KEYS: ReadonlyMap<string, string> = new Map([
  ['*', 'print all diagnostics'],
  ['0', 'dump Dom0 registers'],
  ['A', 'toggle alternative key handling'],
  ['R', 'reboot machine'],
  ['d', 'dump registers'],
  ['h', 'show this message'],
  ['q', 'dump domain (and guest debug) info'],
  ['r', 'dump run queues'],
  ['t', 'display multi-cpu clock info'],
]);

/** What a key did: its handler ran, it has a handler paratop does not model, or Xen has none for it. */
export type DebugKeyOutcome = 'ran' | 'unmodelled' | 'no-handler';

/** %pv: a vCPU as d<domid>v<vcpu>; a pCPU's idle vCPU as d[IDLE]v<cpu>. */
function currentOf(p: PCpu): string {
  return p.curr === null ? `d[IDLE]v${p.id}` : `d${p.curr.dom.id}v${p.curr.id}`;
}

function dumpRunq(host: Host): string[] {
  const ids = host.pcpus.map((p) => p.id);
  const s = host.scheduler;
  const out = [
    'sched_smt_power_savings: disabled',
    `NOW=${Math.round(host.queue.now)}`,
    `Online Cpus: ${cpuList(ids)}`,
    'Cpupool 0:',
    `Cpus: ${cpuList(ids)}`,
    'Scheduling granularity: cpu, 1 CPU per sched-resource',
    `Scheduler: ${s.name} (${s.opt})`,
    ...s.dumpSettings(),
    'CPUs info:',
  ];
  for (const p of host.pcpus) {
    const cur = currentOf(p);
    out.push(`${cpuTag(p.id)} current=${cur}, curr=${cur}, prev=NULL`, ...s.dumpCpu(p));
  }
  return out;
}

function showHandlers(): string[] {
  const keys = [...DEBUG_KEYS].sort(([a], [b]) => a.charCodeAt(0) - b.charCodeAt(0));
  return ["'h' pressed -> showing installed handlers", XEN_VERSION_LINE, ...keys.map(([k, desc]) => ` key '${k}' (ascii '${k.charCodeAt(0).toString(16).padStart(2, '0')}') => ${desc}`)];
}

/** Presses debug key `key` (one character): what its handler prints goes to Xen's console. */
export function debugKey(host: Host, key: string): DebugKeyOutcome {
  if (!DEBUG_KEYS.has(key)) return 'no-handler';
  const lines = key === 'r' ? dumpRunq(host) : key === 'h' ? showHandlers() : null;
  if (lines === null) return 'unmodelled';
  for (const l of lines) host.xenLog(l);
  return 'ran';
}
