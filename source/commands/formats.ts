/**
 * xl's output formats (tools/xl/xl_info.c, xl_vcpu.c, xl_sched.c), byte for byte where the format
 * is fixed, computed from a snapshot of the host.
 */
import { NS_PER_S } from '../model/clock.js';
import type { Domain, ShutdownReason } from '../model/domain.js';
import type { GuestSpec } from '../model/guest-spec.js';
import { domainUuid, vifDevids } from '../model/guest-spec.js';
import type { Host } from '../model/host.js';
import type { DomainSample, HostSample } from '../model/sample.js';
import { LINUX_BUILD, LINUX_RELEASE } from '../model/guest/boot-log.js';
import { Runstate } from '../model/vcpu.js';
import { cpuList } from '../model/cpumask.js';

/** The host's one CPU pool, as Xen names the pool it boots with (paratop has no cpupool-create). */
export const CPUPOOL = 'Pool-0';

const REASON_LETTERS: Record<string, string> = { poweroff: '-', reboot: 'r', suspend: 's', crash: 'c', watchdog: 'w', soft_reset: 'S' };

/** xl list state: r b p s <reason> d. */
function listState(d: DomainSample): string {
  const f = d.flags;
  const reason = f.shutdown || f.crashed ? (REASON_LETTERS[f.crashed ? 'crash' : 'poweroff'] ?? '-') : '-';
  return (f.running ? 'r' : '-') + (f.blocked ? 'b' : '-') + (f.paused ? 'p' : '-') + (f.shutdown || f.crashed ? 's' : '-') + reason + (f.dying ? 'd' : '-');
}

const f1 = (x: number): string => x.toFixed(1);

/** xl list's columns beyond the default: -v (UUID, shutdown reason, security label), -Z (label), -c (cpupool), -n (NUMA node affinity). */
export interface ListColumns {
  readonly verbose?: boolean;
  readonly context?: boolean;
  readonly cpupool?: boolean;
  readonly numa?: boolean;
}

/** libxl's shutdown reason codes (xen/include/public/sched.h SHUTDOWN_*), as xl list -v and xl shutdown -w print them. */
export const REASON_CODES: Readonly<Record<ShutdownReason, number>> = { poweroff: 0, reboot: 1, suspend: 2, crash: 3, watchdog: 4, soft_reset: 5 };

/** xl list (list_domains in xl_list.c), with the columns its options add. */
export function xlList(s: HostSample, only?: number, cols: ListColumns = {}, uuidOf: (id: number) => string = () => '-'): string[] {
  let head = 'Name                                        ID   Mem VCPUs\tState\tTime(s)';
  if (cols.verbose) head += '   UUID                            Reason-Code\tSecurity Label';
  if (cols.context && !cols.verbose) head += '   Security Label';
  if (cols.cpupool) head += '         Cpupool';
  if (cols.numa) head += ' NODE Affinity';
  const out = [head];
  for (const d of s.domains) {
    if (only !== undefined && d.id !== only) continue;
    let row = `${d.name.padEnd(40)} ${String(d.id).padStart(5)} ${String(Math.floor(d.memKiB / 1024)).padStart(5)} ${String(d.vcpusOnline).padStart(5)}     ${listState(d)}  ${f1(d.cpuNs / NS_PER_S).padStart(8)}`;
    if (cols.verbose) {
      const f = d.flags;
      row += ` ${uuidOf(d.id)}${f.shutdown || f.crashed ? REASON_CODES[f.crashed ? 'crash' : 'poweroff'].toString(16).padStart(9) : '-'.padStart(9)}`;
    }
    // No XSM policy is loaded: no domain has a security label.
    if (cols.verbose || cols.context) row += ` ${'-'.padStart(16)}`;
    if (cols.cpupool) row += CPUPOOL.padStart(16);
    if (cols.numa) row += ' all';
    out.push(row);
  }
  return out;
}

/** b_info's affinity list, as libxl keeps it: one per vCPU when the config gave a list, else one for all; none when unset. */
function affinityJson(key: string, all: readonly number[] | null, perVcpu: readonly (readonly number[] | null)[] | null | undefined): object {
  if (perVcpu != null) return { [key]: perVcpu.map((c) => c ?? 'all') };
  return all !== null ? { [key]: [all] } : {};
}

/** The domain config as libxl's JSON has it (libxl_domain_config_to_json), the part paratop models. */
export function domainConfig(spec: GuestSpec, domid: number | null): object {
  const type = spec.type;
  const devids = vifDevids(spec);
  return {
    c_info: { type, name: spec.name, ...(domid !== null || spec.uuid !== undefined ? { uuid: domainUuid(spec, domid) } : {}) },
    b_info: {
      max_vcpus: spec.maxvcpus,
      avail_vcpus: Array.from({ length: spec.vcpus }, (_, i) => i),
      max_memkb: spec.maxmemMiB * 1024,
      target_memkb: spec.memoryMiB * 1024,
      sched_params: { weight: spec.weight, cap: spec.cap },
      ...affinityJson('vcpu_hard_affinity', spec.cpus, spec.vcpuCpus),
      ...affinityJson('vcpu_soft_affinity', spec.cpusSoft ?? null, spec.vcpuCpusSoft),
      [`type.${type}`]: type === 'hvm' ? { timer_mode: spec.timerMode, xen_platform_pci: spec.mode === 'hybrid' ? 'True' : 'False' } : {},
    },
    disks: spec.disks.map((d) => ({ spec: d })),
    nics: spec.vifs.map((v, i) => ({ devid: devids[i]!, spec: v })),
    on_poweroff: spec.onPoweroff ?? 'destroy',
    on_reboot: spec.onReboot ?? 'restart',
    on_crash: spec.onCrash,
  };
}

/** xl list -l: each domain's ID and config, as one JSON array (4-space indents, as yajl's). */
export function xlListLong(doms: readonly Domain[]): string[] {
  return JSON.stringify(
    doms.map((d) => ({ domid: d.id, config: domainConfig(d.spec, d.id) })),
    null,
    4,
  ).split('\n');
}

/** Affinity as xl prints a cpumap: "all", or ranges such as "0-1,3". */
export function cpuMap(cpus: readonly number[] | null, pcpus: number): string {
  if (cpus === null) return 'all';
  const set = [...new Set(cpus.filter((c) => c < pcpus))].sort((a, b) => a - b);
  if (set.length === pcpus) return 'all';
  return cpuList(set);
}

/** `softOf(domid, vcpu)`: its soft affinity (null: all), which samples do not carry. */
export function xlVcpuList(s: HostSample, only?: number, softOf: (domid: number, vcpu: number) => readonly number[] | null = () => null): string[] {
  const out = [`${'Name'.padEnd(32)} ${'ID'.padStart(5)} ${'VCPU'.padStart(5)} ${'CPU'.padStart(5)} ${'State'.padStart(5)} ${'Time(s)'.padStart(9)} Affinity (Hard / Soft)`];
  const n = s.pcpus.length;
  for (const d of s.domains) {
    if (only !== undefined && d.id !== only) continue;
    for (const v of d.vcpus) {
      const state = !v.up ? '--p' : v.state === Runstate.Running ? 'r--' : v.state === Runstate.Blocked ? '-b-' : v.state === Runstate.Offline ? '--p' : '---';
      const cpu = v.up ? String(v.processor) : '-';
      out.push(
        `${d.name.padEnd(32)} ${String(d.id).padStart(5)} ${String(v.id).padStart(5)} ${cpu.padStart(5)} ${state.padStart(5)} ${f1(v.runstateNs[0] / NS_PER_S).padStart(9)}  ${cpuMap(v.affinity, n)} / ${cpuMap(softOf(d.id, v.id), n)}`,
      );
    }
  }
  return out;
}

export function xlSchedCredit(host: Host, s: HostSample, only?: number): string[] {
  const sc = host.scheduler;
  const out = [`Cpupool ${CPUPOOL}: tslice=${sc.tsliceMs}ms ratelimit=${sc.ratelimitUs}us migration-delay=0us`, `${'Name'.padEnd(33)} ${'ID'.padStart(4)} ${'Weight'.padStart(6)} ${'Cap'.padStart(4)}`];
  for (const d of s.domains) {
    if (only !== undefined && d.id !== only) continue;
    out.push(`${d.name.padEnd(33)} ${String(d.id).padStart(4)} ${String(d.weight).padStart(6)} ${String(d.cap).padStart(4)}`);
  }
  return out;
}

export function xlInfo(host: Host, s: HostSample, numa = false): string[] {
  const [major, minor, ...extra] = host.xenVersion.split('.');
  const kv: [string, string][] = [
    ['host', 'paratop'],
    ['release', LINUX_RELEASE],
    ['version', LINUX_BUILD],
    ['machine', 'x86_64'],
    ['nr_cpus', String(s.pcpus.length)],
    ['max_cpu_id', String(s.pcpus.length - 1)],
    ['nr_nodes', '1'],
    ['cores_per_socket', String(s.pcpus.length)],
    ['threads_per_core', '1'],
    ['cpu_mhz', host.cpuMhz.toFixed(3)],
    ['virt_caps', 'pv hvm hap shadow'],
    ['total_memory', String(Math.floor(s.memKiB / 1024))],
    ['free_memory', String(Math.floor(s.freeKiB / 1024))],
    ['sharing_freed_memory', '0'],
    ['sharing_used_memory', '0'],
    ['outstanding_claims', '0'],
    ['free_cpus', '0'],
  ];
  const xen: [string, string][] = [
    ['xen_major', major ?? ''],
    ['xen_minor', minor ?? ''],
    ['xen_extra', extra.length > 0 ? `.${extra.join('.')}` : ''],
    ['xen_version', host.xenVersion],
    ['xen_caps', 'xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64'],
    ['xen_scheduler', host.scheduler.opt],
    ['xen_pagesize', '4096'],
    ['platform_params', 'virt_start=0xffff800000000000'],
    ['xen_commandline', `dom0_mem=${Math.floor(host.dom0.memKiB / 1024)}M,max:${Math.floor(host.dom0.maxmemKiB / 1024)}M sched=credit`],
    ['cc_compiler', 'gcc (Debian 12.2.0-14) 12.2.0'],
    ['xend_config_format', '4'],
  ];
  const line = ([k, v]: [string, string]): string => `${k.padEnd(23)}: ${v}`;
  // -n: output_topologyinfo and output_numainfo, between the physical and the Xen part. One
  // socket and one node: the modelled host has no NUMA.
  const topology = numa
    ? [
        'cpu_topology           :',
        'cpu:    core    socket     node',
        ...s.pcpus.map((p) => `${String(p.id).padStart(3)}:    ${String(p.id).padStart(4)}     ${'0'.padStart(4)}     ${'0'.padStart(4)}`),
        'device topology        :',
        'device           node',
        'numa_info              :',
        'node:    memsize    memfree    distances',
        `${'0'.padStart(4)}:    ${String(Math.floor(s.memKiB / 1024)).padStart(6)}     ${String(Math.floor(s.freeKiB / 1024)).padStart(6)}      10`,
      ]
    : [];
  return [...kv.map(line), ...topology, ...xen.map(line)];
}

/** xl's uptime_to_string: "[N day(s), ]H:MM:SS", or without the seconds in the short form. */
export function xlUptimeText(seconds: number, short: boolean): string {
  let t = Math.floor(seconds);
  const day = Math.floor(t / 86400);
  t -= day * 86400;
  const hour = Math.floor(t / 3600);
  t -= hour * 3600;
  const min = Math.floor(t / 60);
  const sec = t - min * 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  const clock = short ? `${String(hour).padStart(2)}:${two(min)}` : `${String(hour).padStart(2)}:${two(min)}:${two(sec)}`;
  return day > 1 ? `${day} days, ${clock}` : day === 1 ? `${day} day, ${clock}` : clock;
}

/**
 * `xl uptime [-s] [dom...]` (xl_info.c): Domain-0's uptime is its kernel's, a guest's is the time
 * since its domain was created. -s prints uptime(1)'s short line per domain, with the host's time of day.
 */
export function xlUptime(host: Host, short: boolean, ids: readonly number[] | null, timeOfDay: string): string[] {
  const out: string[] = short ? [] : [`${'Name'.padEnd(33)} ${'ID'.padStart(4)} Uptime`];
  const doms = ids === null ? host.domains() : ids.map((id) => host.domain(id)!);
  for (const d of doms) {
    const up = (host.now - (d.id === 0 ? d.kernel.bootNs : d.createdNs)) / NS_PER_S;
    out.push(short ? ` ${timeOfDay} up ${xlUptimeText(up, true)}, ${d.name} (${d.id})` : `${d.name.padEnd(33)} ${String(d.id).padStart(4)} ${xlUptimeText(up, false)}`);
  }
  return out;
}
