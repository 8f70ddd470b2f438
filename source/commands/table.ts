/**
 * xl's commands as a table of {name, usage, help, run}, after tools/xl/xl_cmdtable.c. Each run
 * either changes the host and says so, or refuses with xl's (and libxl's) own wording and changes
 * nothing. Sizes take xl's suffixes b, k, m, g, t; a bare number is MiB, as xl's code reads it.
 */
import { parseSizeKiB } from '../cli/size.js';
import { parseCpuList } from '../config/cpu-list.js';
import { formatProblem, loadGuestFile } from '../config/load.js';
import type { ConfigProblem } from '../config/load.js';
import { formatConsole } from '../model/guest/console.js';
import { WORKLOAD_NAMES, isWorkloadName } from '../model/guest/workloads.js';
import { domainUuid, vifDevids } from '../model/guest-spec.js';
import { sysrqModelled } from '../model/guest/sysrq.js';
import { DEBUG_KEYS, debugKey } from '../model/debug-keys.js';
import type { Domain } from '../model/domain.js';
import type { Host } from '../model/host.js';
import type { Mode } from '../model/modes.js';
import { MODE_LABEL, MODE_TRAITS } from '../model/modes.js';
import { sampleHost } from '../model/sample.js';
import { diskVdev, vdevNumber, vifMac, xlBlockList, xlNetworkList } from './devices.js';
import { CPUPOOL, domainConfig, xlInfo, xlList, xlListLong, xlSchedCredit, xlUptime, xlVcpuList } from './formats.js';
import { hostClockS } from '../shell/procfs.js';
import { DomainWait } from './wait.js';
import { timeOfDay } from '../shell/procps.js';

export interface CommandResult {
  readonly ok: boolean;
  /** What xl prints on stdout. */
  readonly out: readonly string[];
  /** What xl and libxl print on stderr. */
  readonly err: readonly string[];
  /** The output is prose (help text), to be wrapped at the screen's width rather than cut as a table is. */
  readonly prose?: boolean;
  /** `console DOM`: the domain whose console should take focus. */
  readonly focus?: number;
  /** -w: the domains to wait for; the runner asks it for xl's lines as time goes on. */
  readonly wait?: DomainWait;
}

export interface CommandDef {
  readonly name: string;
  readonly usage: string;
  /** One line, as xl's command table has it (`help` lists them). */
  readonly help: string;
  /** What `help CMD` adds after the usage and the line above (xl's option text). */
  readonly notes?: readonly string[];
  /** Its options, as getopt's optstring (a letter, then ':' if it takes a value); -h is every command's. */
  readonly options?: string;
  /** Long option names and the letter each stands for. */
  readonly longOptions?: Readonly<Record<string, string>>;
  /** Operands needed (after the options). */
  readonly minArgs: number;
  readonly run: (args: readonly string[], host: Host, opts: ReadonlyMap<string, string | true>) => CommandResult;
}

const ok = (out: string[] = [], err: string[] = []): CommandResult => ({ ok: true, out, err });
const fail = (...err: string[]): CommandResult => ({ ok: false, out: [], err });

/** Domain by name or ID, as xl's find_domain; null with xl's message otherwise. */
export function findDomain(host: Host, arg: string): Domain | string {
  const byId = /^\d+$/.test(arg) ? host.domain(Number(arg)) : undefined;
  const d = byId ?? host.domains().find((x) => x.name === arg);
  return d ?? `${arg} is an invalid domain identifier (rc=-6)`;
}

/** Every domain `args` name, in order, or xl's message for the first that names none. */
function findDomains(host: Host, args: readonly string[]): Domain[] | string {
  const doms: Domain[] = [];
  for (const x of args) {
    const d = findDomain(host, x);
    if (typeof d === 'string') return d;
    doms.push(d);
  }
  return doms;
}

function withDomain(host: Host, arg: string, f: (d: Domain) => CommandResult): CommandResult {
  const d = findDomain(host, arg);
  return typeof d === 'string' ? fail(d) : f(d);
}

const LIBXL = 'libxl: error: ';

/**
 * The config file and the key=value settings after it, as xl's create and config-update read them:
 * `-f FILE` names the file, else the first operand does; the operands after it are settings.
 */
function configArgs(a: readonly string[], o: ReadonlyMap<string, string | true>): { file: string | undefined; vars: readonly string[] } {
  const f = o.get('f');
  return typeof f === 'string' ? { file: f, vars: a } : { file: a[0], vars: a.slice(1) };
}

/** A config that did not parse: where and why, then xl's line. */
const parseFailure = (file: string, problem: ConfigProblem): string[] => [formatProblem(problem), `Failed to parse config: ${file}`];

/** Which of `d`'s disks is at vdev number `n` (51712 for xvda), or -1. */
function diskIndex(d: Domain, n: number): number {
  return d.spec.disks.findIndex((s) => {
    const v = diskVdev(s);
    return v !== null && vdevNumber(v) === n;
  });
}

/** xl shutdown and reboot, as xl_cmdtable.c has them: the same options, one word apart. */
function shutdownCommand(reboot: boolean): CommandDef {
  const what = reboot ? 'reboot' : 'shutdown';
  return {
    name: what,
    usage: `${what} [options] <-a|Domain>`,
    help: `Issue a ${what} signal to a domain`,
    notes: [
      'Options:',
      '',
      `-a, --all               ${reboot ? 'Reboot' : 'Shutdown'} all guest domains.`,
      '-h                      Print this help.',
      `-F                      Fallback to ACPI ${reboot ? 'reset' : 'power'} event for HVM guests with`,
      '                        no PV drivers.',
      `-w, --wait              Wait for guest(s) ${what}.`,
    ],
    options: 'awF',
    longOptions: { all: 'a', wait: 'w' },
    minArgs: 0,
    run: (a, host, o) => shutdownOrReboot(host, a, o, reboot),
  };
}

/**
 * xl shutdown / reboot (main_shutdown_or_reboot). A guest is asked through its PV control
 * interface (xenstore's control/shutdown, which its PV drivers watch): a fully virtualized guest
 * has none, so libxl refuses (ERROR_NOPARAVIRT) unless -F sends the ACPI power button (or reset)
 * instead, as a physical machine would get it. -w returns the wait (see wait.ts).
 */
function shutdownOrReboot(host: Host, a: readonly string[], o: ReadonlyMap<string, string | true>, reboot: boolean): CommandResult {
  const what = reboot ? 'reboot' : 'shutdown';
  const doing = reboot ? 'Rebooting' : 'Shutting down';
  const button = reboot ? 'reset' : 'power';
  if (a[0] === undefined && !o.has('a')) return fail('You must specify -a or a domain id.', '');
  let targets: Domain[];
  if (o.has('a')) targets = host.domains().filter((d) => d.id !== 0);
  else {
    const d = findDomain(host, a[0]!);
    if (typeof d === 'string') return fail(d);
    if (d.id === 0) return fail(`${doing} Domain-0 would ${reboot ? 'reboot' : 'shut down'} the host; paratop does not allow it.`);
    targets = [d];
  }
  // Every target is checked before any is told, so a refusal changes nothing (xl would have
  // shut down the domains before the one it stopped at).
  const noPv = targets.find((d) => !MODE_TRAITS[d.mode].pvDrivers);
  if (noPv !== undefined && !o.has('F')) {
    return fail(
      `${doing} domain ${noPv.id}`,
      `PV control interface not available: external graceful ${what} not possible.`,
      `Use "-F" to fallback to ACPI ${button} event.`,
      `${what} failed (rc=-10)`,
      `paratop: ${noPv.name} is fully virtualized: no PV drivers watch xenstore's control/shutdown. The guest can still ${reboot ? 'reboot itself' : 'power itself off'} (on its console: ${reboot ? 'reboot' : 'poweroff'}).`,
    );
  }
  const err: string[] = [];
  for (const d of targets) {
    err.push(`${doing} domain ${d.id}`);
    if (!MODE_TRAITS[d.mode].pvDrivers) {
      err.push(`PV control interface not available: sending ACPI ${button} button event.`);
      host.shutdown(d, reboot, undefined, reboot ? 'now' : 'acpi');
    } else host.shutdown(d, reboot);
  }
  if (!o.has('w')) return ok([], err);
  err.push(`Waiting for ${targets.length} domains`);
  return { ...ok([], err), wait: new DomainWait(host, targets) };
}

const SCHED_CREDIT_USAGE = 'sched-credit [-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT]]';

export const COMMANDS: readonly CommandDef[] = [
  {
    name: 'list',
    usage: 'list [options] [Domain]',
    help: 'List information about all or a given domain',
    notes: [
      'Options:',
      '',
      '-l, --long              Output all VM details (the domain config, as JSON)',
      '-v, --verbose           Prints out UUIDs and security context',
      '-Z, --context           Prints out security context',
      '-c, --cpupool           Prints the cpupool the domain is in',
      '-n, --numa              Prints out NUMA node affinity',
    ],
    options: 'lvZcn',
    longOptions: { long: 'l', verbose: 'v', context: 'Z', cpupool: 'c', numa: 'n' },
    minArgs: 0,
    run: (a, host, o) => {
      const only = a[0] === undefined ? null : findDomain(host, a[0]);
      if (typeof only === 'string') return fail(only);
      if (o.has('l')) return ok(xlListLong(only === null ? host.domains() : [only]));
      const uuid = (id: number): string => {
        const d = host.domain(id);
        return d === undefined ? '-' : domainUuid(d.spec, id);
      };
      return ok(xlList(sampleHost(host), only?.id, { verbose: o.has('v'), context: o.has('Z'), cpupool: o.has('c'), numa: o.has('n') }, uuid));
    },
  },
  {
    name: 'network-list',
    usage: 'network-list <Domain(s)>',
    help: 'List virtual network interfaces for a domain',
    notes: ["From each domain's vif lines. With PV drivers (pv, hybrid) netfront and netback are connected (state 4); a fully virtualized guest has no frontend: the backend waits (2) with no event channel or rings (-1), and the guest's traffic goes through the device model's emulated NIC."],
    minArgs: 1,
    run: (a, host) => {
      const doms = findDomains(host, a);
      return typeof doms === 'string' ? fail(doms) : ok(xlNetworkList(doms));
    },
  },
  {
    name: 'block-list',
    usage: 'block-list <Domain(s)>',
    help: 'List virtual block devices for a domain',
    notes: ["From each domain's disk lines, numbered as Xen numbers vdevs (xvda 51712, hda 768). With PV drivers blkfront and blkback are connected (state 4); a fully virtualized guest's backend waits (2) while it uses the emulated IDE disk."],
    minArgs: 1,
    run: (a, host) => {
      const doms: Domain[] = [];
      const err: string[] = [];
      for (const x of a) {
        const d = findDomain(host, x);
        // xl block-list names a domain it cannot find and goes on with the rest.
        if (typeof d === 'string') err.push(`${x} is an invalid domain identifier`);
        else doms.push(d);
      }
      return ok(xlBlockList(doms), err);
    },
  },
  {
    name: 'network-attach',
    usage: 'network-attach <Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] [ip=<ip>] [script=<script>] [backend=<BackDomain>] [vifname=<name>] [rate=<rate>] [model=<model>]',
    help: 'Create a new virtual network device',
    notes: ['The settings as a config\'s vif line has them; the vif gets the device ID after the highest and stays across a reboot, as libxl keeps it.'],
    minArgs: 1,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        if (d.id === 0) return fail("paratop: Domain-0's network is the host's; attach to a guest", 'libxl_device_nic_add failed.');
        host.networkAttach(d, a.slice(1).join(','));
        return ok();
      }),
  },
  {
    name: 'network-detach',
    usage: 'network-detach <Domain> <DevId|mac>',
    help: 'Destroy a domain\'s virtual network device',
    minArgs: 2,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const which = a[1]!;
        const ids = vifDevids(d.spec);
        // xl reads a device ID with atoi, and anything with a ':' as a MAC.
        const k = which.includes(':') ? d.spec.vifs.findIndex((v, i) => vifMac(v, d.name, ids[i]!) === which.toLowerCase()) : ids.indexOf(Number.parseInt(which, 10) || 0);
        if (k < 0) return fail(`Unknown device ${which}.`);
        host.networkDetach(d, ids[k]!);
        return ok();
      }),
  },
  {
    name: 'block-attach',
    usage: 'block-attach <Domain> <disk-spec-component(s)>...',
    help: 'Create a new virtual block device',
    notes: ['The disk spec as a config\'s disk line has it (vdev=xvdb,target=/dev/vg0/data or /dev/vg0/data,raw,xvdb,rw); kept across a reboot, as libxl keeps it.'],
    minArgs: 2,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const spec = a.slice(1).join(',');
        const vdev = diskVdev(spec);
        const refuse = (why: string): CommandResult => fail(`paratop: ${why}`, 'libxl_device_disk_add failed.');
        const n = vdev === null ? null : vdevNumber(vdev);
        if (vdev === null || n === null) return refuse(`the disk spec "${spec}" names no vdev (xvdb, hdc, sdb: vdev=xvdb or a field of its own)`);
        if (d.id === 0) return refuse("Domain-0's disks are the host's; attach to a guest");
        if (diskIndex(d, n) >= 0) return refuse(`${d.name} already has a disk at ${vdev}`);
        host.blockAttach(d, spec, vdev);
        return ok();
      }),
  },
  {
    name: 'block-detach',
    usage: 'block-detach [-f] <Domain> <DevId>',
    help: 'Destroy a domain\'s virtual block device',
    notes: ['<DevId> may be the vdev (xvdb) or its number (51728).', '-f, --force        Forcefully detach the device (the guest is not asked)'],
    options: 'f',
    longOptions: { force: 'f' },
    minArgs: 2,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const id = a[1]!;
        const n = /^\d+$/.test(id) ? Number(id) : vdevNumber(id);
        const i = n === null ? -1 : diskIndex(d, n);
        if (i < 0) return fail(`Error: Device ${id} not connected.`);
        host.blockDetach(d, i);
        return ok();
      }),
  },
  {
    name: 'vm-list',
    usage: 'vm-list',
    help: 'List guest domains, excluding dom0, stubdoms, etc.',
    minArgs: 0,
    run: (_a, host) => ok(['UUID                                  ID    name', ...host.domains().filter((d) => d.id !== 0).map((d) => `${domainUuid(d.spec, d.id)}  ${d.id}    ${d.name.padEnd(30)}`)]),
  },
  {
    name: 'domid',
    usage: 'domid <DomainName>',
    help: 'Convert a domain name to domain id',
    minArgs: 1,
    run: (a, host) => {
      const d = host.domains().find((x) => x.name === a[0]);
      return d === undefined ? fail(`Can't get domid of domain name '${a[0]}', maybe this domain does not exist.`) : ok([String(d.id)]);
    },
  },
  {
    name: 'domname',
    usage: 'domname <DomainId>',
    help: 'Convert a domain id to domain name',
    minArgs: 1,
    run: (a, host) => {
      const d = /^\d+$/.test(a[0]!) ? host.domain(Number(a[0])) : undefined;
      return d === undefined ? fail(`Can't get domain name of domain id '${a[0]}', maybe this domain does not exist.`) : ok([d.name]);
    },
  },
  {
    name: 'rename',
    usage: 'rename <Domain> <NewDomainName>',
    help: 'Rename a domain',
    minArgs: 2,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const name = a[1]!;
        // libxl writes any name, an empty one too; paratop's screens and its configs need one.
        if (name.length === 0) return fail(`paratop: a domain needs a name; "" would leave ${d.name} without one`, `Can't rename domain '${a[0]}'.`);
        const why = host.rename(d, name);
        return why === null ? ok() : fail(`${LIBXL}libxl_domain.c:81:libxl__domain_rename: Domain ${d.id}:${why}`, `Can't rename domain '${a[0]}'.`);
      }),
  },
  {
    name: 'cpupool-list',
    usage: 'cpupool-list [-c|--cpus] [<CPU Pool>]',
    help: 'List CPU pools on host',
    notes: ['-c, --cpus                     Output list of CPUs used by a pool'],
    options: 'c',
    longOptions: { cpus: 'c' },
    minArgs: 0,
    run: (a, host, o) => {
      // One pool, as a host has until cpupool-create: every pCPU, the credit scheduler, every domain.
      if (a[0] !== undefined && a[0] !== CPUPOOL) return fail(`Pool '${a[0]}' does not exist`);
      const n = host.pcpus.length;
      if (o.has('c')) return ok([`${'Name'.padEnd(19)}CPU list`, `${CPUPOOL.padEnd(19)}${host.pcpus.map((p) => p.id).join(',')}`]);
      return ok([`${'Name'.padEnd(19)}CPUs   Sched     Active   Domain count`, `${CPUPOOL.padEnd(19)}${String(n).padStart(3)} ${'credit'.padStart(9)}       y       ${String(host.domains().length).padStart(4)}`]);
    },
  },
  {
    name: 'info',
    usage: 'info [-n]',
    help: 'Get information about Xen host',
    notes: ['-n, --numa              List host NUMA topology information'],
    options: 'n',
    longOptions: { numa: 'n' },
    minArgs: 0,
    run: (_a, host, o) => ok(xlInfo(host, sampleHost(host), o.has('n'))),
  },
  {
    name: 'vcpu-list',
    usage: 'vcpu-list [Domain]',
    help: 'List the VCPUs for all/some domains',
    minArgs: 0,
    run: (a, host) => {
      const soft = (domid: number, vcpu: number): readonly number[] | null => host.domain(domid)?.vcpus[vcpu]?.softAffinity ?? null;
      if (a[0] === undefined) return ok(xlVcpuList(sampleHost(host), undefined, soft));
      return withDomain(host, a[0], (d) => ok(xlVcpuList(sampleHost(host), d.id, soft)));
    },
  },
  {
    name: 'mem-set',
    usage: 'mem-set <Domain> <Mem>',
    help: 'Set the current memory usage for a domain',
    notes: ['<Mem> is in MiB unless suffixed b, k, m, g or t. The guest\'s balloon driver frees or takes back pages until it reaches the target, as fast as the guest can spare them.'],
    minArgs: 2,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const kib = parseSizeKiB(a[1]!);
        if (kib === null) return fail(`invalid memory size: ${a[1]}`);
        const e = host.memSet(d, kib);
        if (e !== null) return fail(`${LIBXL}libxl_mem.c:232:libxl_set_memory_target: Domain ${d.id}:${e}`, `cannot set domid ${d.id} dynamic max memory to : ${a[1]}`);
        const note = d.kernel.balloon === null && d.id !== 0 ? [`note: ${d.name} is fully virtualized and has no balloon driver: its memory stays at ${Math.round(d.memKiB / 1024)} MiB, the target is not met`] : [];
        return ok(note);
      }),
  },
  {
    name: 'mem-max',
    usage: 'mem-max <Domain> <Mem>',
    help: 'Set the maximum amount reservation for a domain',
    notes: ['<Mem> is in MiB unless suffixed b, k, m, g or t.'],
    minArgs: 2,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const kib = parseSizeKiB(a[1]!);
        if (kib === null) return fail(`invalid memory size: ${a[1]}`);
        const e = host.memMax(d, kib);
        if (e !== null) return fail(`${LIBXL}libxl_mem.c:175:libxl_domain_setmaxmem: Domain ${d.id}:${e}`, `cannot set domid ${d.id} static max memory to : ${a[1]}`);
        return ok();
      }),
  },
  {
    name: 'vcpu-set',
    usage: 'vcpu-set [-i|--ignore-host] <Domain> <vCPUs>',
    help: 'Set the number of active VCPUs allowed for the domain',
    options: 'i',
    longOptions: { 'ignore-host': 'i' },
    minArgs: 2,
    run: (rest, host, o) => {
      const ignoreHost = o.has('i');
      return withDomain(host, rest[0]!, (d) => {
        if (!/^\d+$/.test(rest[1]!)) return fail('Error: Invalid argument.');
        const n = Number(rest[1]);
        const pcpus = host.pcpus.length;
        if (!ignoreHost && n > pcpus) {
          return fail(`You are overcommmitting! You have ${pcpus} physical CPUs and want ${n} vCPUs! Aborting, use --ignore-host to continue`);
        }
        const r = host.vcpuSet(d, n);
        if (r.error !== null) return fail(`${LIBXL}libxl_domain.c:2153:libxl_set_vcpuonline: Domain ${d.id}:${r.error}`, `libxl_set_vcpuonline failed domid=${d.id} max_vcpus=${n}, rc: -3`);
        return ok(r.note !== null ? [`note: ${r.note}`] : []);
      });
    },
  },
  {
    name: 'vcpu-pin',
    usage: 'vcpu-pin [option] <Domain> <VCPU|all> <Hard affinity|-|all> [Soft affinity|-|all]',
    help: 'Set which CPUs a VCPU can use',
    notes: ['-f, --force        undo an override pinning done by the kernel'],
    options: 'f',
    longOptions: { force: 'f' },
    minArgs: 3,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const which = a[1] === 'all' ? 'all' : /^\d+$/.test(a[1]!) ? Number(a[1]) : NaN;
        if (which !== 'all' && (Number.isNaN(which) || which >= d.vcpus.length)) return fail(`Invalid VCPU: ${a[1]}`, 'Error: Invalid argument.');
        // Each of hard and soft: '-' leaves it as it is, 'all' is every pCPU, else an xl cpu list.
        const parse = (x: string | undefined): readonly number[] | null | undefined | string => {
          if (x === undefined || x === '-') return undefined;
          const cpus = parseCpuList(x);
          return typeof cpus === 'string' || (cpus !== null && cpus.every((c) => c >= host.pcpus.length)) ? `Invalid cpu specification: ${x}` : cpus;
        };
        const hard = parse(a[2]);
        if (typeof hard === 'string') return fail(hard, 'Error: Invalid argument.');
        const soft = parse(a[3]);
        if (typeof soft === 'string') return fail(soft, 'Error: Invalid argument.');
        host.vcpuPin(d, which, hard, soft);
        return ok();
      }),
  },
  {
    name: 'sched-credit',
    usage: SCHED_CREDIT_USAGE,
    help: 'Get/set credit scheduler parameters',
    notes: [
      '-d DOMAIN, --domain=DOMAIN        Domain to modify',
      '-w WEIGHT, --weight=WEIGHT        Weight (int, 1-65535; default 256)',
      '-c CAP,    --cap=CAP              Cap (int, % of one pCPU; 0 = no cap)',
      '-s         --schedparam           Query / modify scheduler parameters',
      '-t TSLICE, --tslice_ms=TSLICE     Set the timeslice, in milliseconds (1-1000; default 30)',
      '-r RLIMIT, --ratelimit_us=RLIMIT  Set the scheduling rate limit, in microseconds (100-500000, 0 = off; default 1000)',
      `-p CPUPOOL, --cpupool=CPUPOOL     Restrict output to CPUPOOL (paratop has one: ${CPUPOOL})`,
    ],
    options: 'd:w:c:p:t:r:m:s',
    longOptions: { domain: 'd', weight: 'w', cap: 'c', cpupool: 'p', tslice_ms: 't', ratelimit_us: 'r', migration_delay_us: 'm', schedparam: 's' },
    minArgs: 0,
    run: (_a, host, o) => {
      const str = (c: string): string | undefined => {
        const v = o.get(c);
        return typeof v === 'string' ? v : undefined;
      };
      // xl reads the numbers with strtol: what is not a number is out of range below.
      const num = (c: string): number | undefined => (str(c) === undefined ? undefined : Number(str(c)));
      const dom = str('d');
      const weight = num('w');
      const cap = num('c');
      const schedparam = o.has('s');
      const tslice = num('t');
      const ratelimit = num('r');
      const pool = str('p');
      if (pool !== undefined && pool !== CPUPOOL) return fail(`unknown cpupool '${pool}'`);
      if (o.has('m')) return fail('sched-credit: paratop does not model the vCPU migration delay (it stays 0us)');
      if (schedparam && (dom !== undefined || weight !== undefined || cap !== undefined)) return fail('Specifying a cpupool or schedparam is not allowed with domain options.');
      if (dom === undefined && (weight !== undefined || cap !== undefined)) return fail('Must specify a domain.');
      if (!schedparam && (tslice !== undefined || ratelimit !== undefined)) return fail('Must specify schedparam to set schedule parameter values.');
      const sc = host.scheduler;
      if (schedparam) {
        const pool = `Cpupool ${CPUPOOL}: tslice=${sc.tsliceMs}ms ratelimit=${sc.ratelimitUs}us migration-delay=0us`;
        if (tslice === undefined && ratelimit === undefined) return ok([pool]);
        // libxl_sched_credit_params_set's checks, in its order; a refusal changes nothing.
        const t = tslice ?? sc.tsliceMs;
        const r = ratelimit ?? sc.ratelimitUs;
        const failed = (why: string): CommandResult => fail(`${LIBXL}libxl_sched.c:455:libxl_sched_credit_params_set: ${why}`, 'libxl_sched_credit_params_set failed.');
        if (!Number.isInteger(t) || t < 1 || t > 1000) return failed('Time slice out of range, valid range is from 1 to 1000');
        if (!Number.isInteger(r) || (r !== 0 && (r < 100 || r > 500_000))) return failed('Ratelimit out of range, valid range is from 100 to 500000');
        if (r > t * 1000) return failed('Ratelimit cannot be greater than timeslice');
        host.setSchedTiming(t, r);
        return ok();
      }
      if (dom === undefined) return ok(xlSchedCredit(host, sampleHost(host)));
      return withDomain(host, dom, (d) => {
        if (weight === undefined && cap === undefined) return ok(xlSchedCredit(host, sampleHost(host), d.id));
        if (weight !== undefined && (!Number.isInteger(weight) || weight < 1 || weight > 65535)) {
          return fail(`${LIBXL}libxl_sched.c:233:sched_credit_domain_set: Domain ${d.id}:Cpupool ${CPUPOOL}:weight out of range`, 'libxl_domain_sched_params_set failed.');
        }
        if (cap !== undefined && (!Number.isInteger(cap) || cap < 0 || cap > 100 * d.vcpus.length)) {
          return fail(`${LIBXL}libxl_sched.c:239:sched_credit_domain_set: Domain ${d.id}:Cpupool ${CPUPOOL}:cap out of range`, 'libxl_domain_sched_params_set failed.');
        }
        host.setSchedParams(d, weight ?? d.weight, cap ?? d.cap);
        return ok();
      });
    },
  },
  {
    name: 'pause',
    usage: 'pause <Domain>',
    help: 'Pause execution of a domain',
    minArgs: 1,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        if (d.id === 0) return fail('Pausing Domain-0 would stop the toolstack itself; paratop does not allow it.');
        host.pause(d);
        return ok();
      }),
  },
  {
    name: 'unpause',
    usage: 'unpause <Domain>',
    help: 'Unpause a paused domain',
    minArgs: 1,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        host.unpause(d);
        return ok();
      }),
  },
  shutdownCommand(false),
  shutdownCommand(true),
  {
    name: 'trigger',
    usage: 'trigger <Domain> <nmi|reset|init|power|sleep|s3resume> [<VCPU>]',
    help: 'Send a trigger to a domain',
    notes: ['A trigger is a virtual machine\'s hardware event: the ACPI power and reset buttons, an NMI. Only HVM guests have the hardware; a PV or PVH guest gets libxl\'s "Invalid argument". paratop models power, reset and nmi.'],
    minArgs: 2,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const trigger = a[1]!;
        if (!['nmi', 'reset', 'init', 'power', 'sleep', 's3resume'].includes(trigger)) return fail(`Invalid trigger "${trigger}"`);
        const numeric = a[2] === undefined || /^\d+$/.test(a[2]);
        const vcpu = a[2] !== undefined && numeric ? Number(a[2]) : 0;
        const note = numeric ? [] : ['Invalid vcpuid, using default vcpuid=0.', ''];
        // XEN_DOMCTL_sendtrigger is for an HVM domain's vCPUs; xl reports libxl's error and exits 0.
        if (d.id === 0 || d.spec.type !== 'hvm' || vcpu >= d.vcpus.length) {
          return ok([], [...note, `${LIBXL}libxl_domain.c:1825:libxl_send_trigger: Domain ${d.id}:Send trigger '${trigger}' failed: Invalid argument`]);
        }
        if (trigger === 'power') host.shutdown(d, false, undefined, 'acpi');
        else if (trigger === 'reset') host.shutdown(d, true, undefined, 'now');
        else if (trigger === 'nmi') d.kernel.unknownNmi(vcpu);
        else return fail(`paratop: trigger ${trigger} is not modelled (power, reset and nmi are)`);
        return ok([], note);
      }),
  },
  {
    name: 'sysrq',
    usage: 'sysrq <Domain> <letter>',
    help: 'Send a sysrq to a domain',
    minArgs: 2,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const key = a[1]!;
        if (key.length !== 1) return fail('Invalid sysrq.', '', ...commandUsage(findCommand('sysrq')!));
        if (d.id === 0) return fail("Domain-0's SysRq is the host's (its b, c and o would take the host down); paratop does not send it.");
        // libxl only writes xenstore's control/sysrq: xl says nothing, whether anyone reads it or not.
        if (!host.sysrq(d, key)) {
          const why = !MODE_TRAITS[d.mode].pvDrivers ? 'is fully virtualized: no PV drivers watch control/sysrq' : `runs ${d.spec.guestOs === 'windows' ? 'Windows, whose PV drivers' : 'an OS whose PV drivers'} do not watch control/sysrq`;
          return ok([], [`paratop: ${d.name} ${why}, so the key goes unread.`]);
        }
        return sysrqModelled(key) ? ok() : ok([], [`paratop: ${d.name} logs the key's line (its console, dmesg); what the key then does is not modelled.`]);
      }),
  },
  {
    name: 'debug-keys',
    usage: 'debug-keys <Keys>',
    help: 'Send debug keys to Xen',
    notes: ["Each key's handler writes to Xen's console (xl dmesg). paratop models h (the key table) and r (the scheduler's run queues and credits)."],
    minArgs: 1,
    run: (a, host) => {
      // libxl_send_debug_keys hands Xen the string; Xen runs each key's handler, and xl says nothing.
      const notes: string[] = [];
      for (const key of a.join(' ')) {
        const outcome = debugKey(host, key);
        if (outcome === 'unmodelled') notes.push(`paratop: debug key '${key}' (${DEBUG_KEYS.get(key)}) is not modelled.`);
        else if (outcome === 'no-handler') notes.push(`paratop: Xen has no handler for debug key '${key}' and ignores it (debug-keys h lists them).`);
      }
      return ok([], notes);
    },
  },
  {
    name: 'destroy',
    usage: 'destroy [-f] <Domain>',
    help: 'Terminate a domain immediately',
    notes: ['-f                      Permit destroying domain 0, which will only succeed when run from disaggregated toolstack domain with a hardware domain distinct from domain 0.'],
    options: 'f',
    minArgs: 1,
    run: (a, host, o) =>
      withDomain(host, a[0]!, (d) => {
        if (d.id === 0 && !o.has('f')) return fail('Not destroying domain 0; use -f to force.', 'This can only be done when using a disaggregated hardware domain and toolstack.');
        if (d.id === 0) return fail(`${LIBXL}libxl_domain.c:1421:libxl__destroy_domid: Domain 0:Cannot destroy privileged domain`, 'destroy failed (rc=-3)');
        host.destroy(d);
        return ok();
      }),
  },
  {
    name: 'create',
    usage: 'create [options] <ConfigFile> [options] [vars]',
    help: 'Create a domain from a config file (xl.cfg syntax)',
    notes: [
      'Options:',
      '',
      '-f FILE, --defconfig=FILE',
      '                     Use the given configuration file.',
      '-p                   Leave the domain paused after it is created.',
      '-c                   Connect to the console after the domain is created.',
      '-n, --dryrun         Dry run - prints the resulting configuration',
      '                      (deprecated in favour of global -N option).',
      '-q, --quiet          Quiet.',
      '[vars]               key=value lines, read after the file\'s (memory=512 overrides it).',
    ],
    options: 'Fnqf:pcdeV',
    longOptions: { dryrun: 'n', quiet: 'q', defconfig: 'f', vncviewer: 'V' },
    minArgs: 0,
    run: (a, host, o) => {
      const { file, vars } = configArgs(a, o);
      if (file === undefined) return fail(`'xl create' requires at least 1 argument.`);
      const parsing = o.has('q') ? [] : [`Parsing config from ${file}`];
      const r = loadGuestFile(file, vars);
      if (!r.ok) return fail(...parsing, ...parseFailure(file, r.problem));
      if (o.has('n')) return ok(JSON.stringify(domainConfig(r.spec, null), null, 4).split('\n'), parsing);
      const made = host.create(r.spec);
      if (!made.ok) return fail(...parsing, made.error);
      if (o.has('p')) host.pause(made.domain);
      return { ok: true, out: [], err: parsing, ...(o.has('c') ? { focus: made.domain.id } : {}) };
    },
  },
  {
    name: 'config-update',
    usage: 'config-update <Domain> <ConfigFile> [options] [vars]',
    help: 'Update a running domain\'s saved configuration',
    notes: [
      'Used when rebuilding the domain after reboot.',
      '',
      '-f FILE, --defconfig=FILE',
      '                     Use the given configuration file.',
      "[vars]               key=value lines, read after the file's.",
    ],
    options: 'f:d',
    longOptions: { defconfig: 'f' },
    minArgs: 1,
    run: (a, host, o) =>
      withDomain(host, a[0]!, (d) => {
        const { file, vars } = configArgs(a.slice(1), o);
        const warning = 'WARNING: xl now has better capability to manage domain configuration, avoid using this command when possible';
        if (file === undefined) return fail(warning, 'paratop: config-update needs a config file (xl would read one from stdin).');
        if (d.id === 0) return fail(warning, "paratop: Domain-0 is not rebuilt from a config; it has none to update.");
        const r = loadGuestFile(file, vars);
        if (!r.ok) return fail(warning, ...parseFailure(file, r.problem));
        d.updatedSpec = r.spec;
        return ok([], [warning]);
      }),
  },
  {
    name: 'top',
    usage: 'top',
    help: 'Monitor a host and the domains in real time',
    notes: ['xl top runs xentop. In paratop that is the dashboard itself; paratop -b prints what xentop -b does.'],
    minArgs: 0,
    run: () => ok(['xl top runs xentop: the dashboard is paratop\'s xentop (paratop -b for xentop -b)']),
  },
  {
    name: 'uptime',
    usage: 'uptime [-s] [Domain]',
    help: 'Print uptime for all/some domains',
    notes: ['-s  Uptime in short format, as uptime(1) prints it'],
    options: 's',
    minArgs: 0,
    run: (a, host, o) => {
      const doms = findDomains(host, a);
      if (typeof doms === 'string') return fail(doms);
      return ok(xlUptime(host, o.has('s'), doms.length > 0 ? doms.map((d) => d.id) : null, timeOfDay(hostClockS(host))));
    },
  },
  {
    name: 'dmesg',
    usage: 'dmesg [-c]',
    help: "Read Xen's message buffer",
    notes: ['-c                        Clear dmesg buffer as well as printing it'],
    options: 'c',
    minArgs: 0,
    run: (_a, host, o) => {
      const lines = host.xenConsole.all().map((l) => l.text);
      if (o.has('c')) host.xenConsole.clear();
      return ok(lines);
    },
  },
  {
    name: 'console',
    usage: 'console [options] <Domain>',
    help: "Attach to domain's console",
    notes: [
      '-t <type>       console type, pv, serial or vuart',
      '-n <number>     console number',
      'In the dashboard the console pane takes focus (Ctrl+] leaves); in batch mode its lines are printed. A guest has one console: hvc0 if PV, ttyS0 if HVM.',
    ],
    options: 't:n:e:',
    minArgs: 1,
    run: (a, host, o) => {
      const t = o.get('t');
      if (typeof t === 'string' && t !== 'pv' && t !== 'serial' && t !== 'vuart') return fail('console type supported are: pv, serial, vuart');
      return withDomain(host, a[0]!, (d) => ({ ok: true, out: d.kernel.console.tail(20).map(formatConsole), err: [], focus: d.id }));
    },
  },
  {
    name: 'mode',
    usage: 'mode <Domain> pv|hybrid|full',
    help: 'paratop: switch a guest to pv, hybrid or full',
    notes: ['pv is paravirtualized (PV), hybrid is PVHVM, full is HVM. The guest shuts down and is created again in the new mode. An unmodified OS (guest_os = "windows") cannot run pv.'],
    minArgs: 2,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const m = a[1];
        if (m !== 'pv' && m !== 'hybrid' && m !== 'full') return fail(`unknown mode "${m}" (pv, hybrid or full)`);
        const e = host.switchMode(d, m as Mode);
        if (e !== null) return fail(e);
        return ok([`${d.name} (domain ${d.id}) shuts down and boots again as ${MODE_LABEL[m as Mode]}, with a new domain ID`]);
      }),
  },
  {
    name: 'workload',
    usage: `workload <Domain> ${WORKLOAD_NAMES.join('|')}`,
    help: 'paratop: change what runs inside a guest',
    minArgs: 2,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const w = a[1]!;
        if (!isWorkloadName(w)) return fail(`unknown workload "${w}" (one of ${WORKLOAD_NAMES.join(', ')})`);
        if (d.id === 0) return fail('Domain-0 runs the backends; its workload cannot be changed');
        d.kernel.setWorkload(w);
        return ok();
      }),
  },
];

/**
 * `help` as xl prints it (xl.c's help()): each command's name in a 19-column field and what it
 * does; a name too long for the field gets a line of its own. `help CMD` gives that command's usage.
 */
export function xlHelp(command?: string): CommandResult {
  if (command === undefined || command === 'help') {
    return ok([
      'Usage xl <subcommand> [args]',
      '',
      'xl full list of subcommands (sizes in MiB unless suffixed b, k, m, g, t):',
      '',
      ...COMMANDS.flatMap((c) => (c.name.length > 19 ? [` ${c.name}`, ` ${''.padEnd(19)} ${c.help}`] : [` ${c.name.padEnd(19)} ${c.help}`])),
      '',
      "'help <subcommand>' shows its usage.",
    ]);
  }
  const cmd = findCommand(command);
  if (cmd === undefined) return fail(`command "${command}" not implemented`);
  return { ...ok(commandUsage(cmd)), prose: true };
}

/** The command named `name`, as xl's cmdtable_lookup finds it (exactly). */
export function findCommand(name: string): CommandDef | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** A command's usage, what it does and its notes, as `help CMD` and a call with too few arguments print them. */
export function commandUsage(cmd: CommandDef): string[] {
  return [`Usage: xl ${cmd.usage}`, '', `${cmd.help}.`, ...(cmd.notes !== undefined ? ['', ...cmd.notes] : [])];
}
