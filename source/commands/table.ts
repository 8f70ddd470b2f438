/**
 * xl's commands as a table of {name, usage, help, run}, after tools/xl/xl_cmdtable.c. Each run
 * either changes the host and says so, or refuses with xl's (and libxl's) own wording and changes
 * nothing. Sizes take xl's suffixes b, k, m, g, t; a bare number is MiB, as xl's code reads it.
 */
import { parseSizeKiB } from '../cli/size.js';
import { parseCpuList } from '../config/cpu-list.js';
import { formatProblem, loadGuestFile } from '../config/load.js';
import { formatConsole } from '../model/guest/console.js';
import { WORKLOAD_NAMES, isWorkloadName } from '../model/guest/workloads.js';
import type { Domain } from '../model/domain.js';
import type { Host } from '../model/host.js';
import type { Mode } from '../model/modes.js';
import { MODE_LABEL } from '../model/modes.js';
import { sampleHost } from '../model/sample.js';
import { xlInfo, xlList, xlSchedCredit, xlUptime, xlVcpuList } from './formats.js';
import { hostClockS } from '../shell/procfs.js';
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
}

export interface CommandDef {
  readonly name: string;
  readonly usage: string;
  /** One line, as xl's command table has it (`help` lists them). */
  readonly help: string;
  /** What `help CMD` adds after the usage and the line above (xl's option text). */
  readonly notes?: readonly string[];
  readonly minArgs: number;
  readonly run: (args: readonly string[], host: Host) => CommandResult;
}

const ok = (out: string[] = [], err: string[] = []): CommandResult => ({ ok: true, out, err });
const fail = (...err: string[]): CommandResult => ({ ok: false, out: [], err });

/** Domain by name or ID, as xl's find_domain; null with xl's message otherwise. */
export function findDomain(host: Host, arg: string): Domain | string {
  const byId = /^\d+$/.test(arg) ? host.domain(Number(arg)) : undefined;
  const d = byId ?? host.domains().find((x) => x.name === arg);
  return d ?? `${arg} is an invalid domain identifier (rc=-6)`;
}

function withDomain(host: Host, arg: string, f: (d: Domain) => CommandResult): CommandResult {
  const d = findDomain(host, arg);
  return typeof d === 'string' ? fail(d) : f(d);
}

const LIBXL = 'libxl: error: ';

const SCHED_CREDIT_USAGE = 'sched-credit [-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT]]';

export const COMMANDS: readonly CommandDef[] = [
  {
    name: 'list',
    usage: 'list [Domain]',
    help: 'List information about all or a given domain',
    minArgs: 0,
    run: (a, host) => {
      if (a[0] === undefined) return ok(xlList(sampleHost(host)));
      return withDomain(host, a[0], (d) => ok(xlList(sampleHost(host), d.id)));
    },
  },
  {
    name: 'info',
    usage: 'info',
    help: 'Get information about Xen host',
    minArgs: 0,
    run: (_a, host) => ok(xlInfo(host, sampleHost(host))),
  },
  {
    name: 'vcpu-list',
    usage: 'vcpu-list [Domain]',
    help: 'List the VCPUs for all/some domains',
    minArgs: 0,
    run: (a, host) => {
      if (a[0] === undefined) return ok(xlVcpuList(sampleHost(host)));
      return withDomain(host, a[0], (d) => ok(xlVcpuList(sampleHost(host), d.id)));
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
    minArgs: 2,
    run: (a, host) => {
      const ignoreHost = a[0] === '-i' || a[0] === '--ignore-host';
      const rest = ignoreHost ? a.slice(1) : a;
      if (rest.length < 2) return fail(`'xl vcpu-set' requires at least 2 arguments.`, '', 'Usage: xl vcpu-set [-i|--ignore-host] <Domain> <vCPUs>');
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
    usage: 'vcpu-pin <Domain> <VCPU|all> <Hard affinity|-|all> [Soft affinity|-|all]',
    help: 'Set which CPUs a VCPU can use',
    minArgs: 3,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        const which = a[1] === 'all' ? 'all' : /^\d+$/.test(a[1]!) ? Number(a[1]) : NaN;
        if (which !== 'all' && (Number.isNaN(which) || which >= d.vcpus.length)) return fail(`Invalid VCPU: ${a[1]}`, 'Error: Invalid argument.');
        const hard = a[2]!;
        if (hard === '-') return ok();
        const cpus = parseCpuList(hard);
        if (typeof cpus === 'string' || (cpus !== null && cpus.every((c) => c >= host.pcpus.length))) return fail(`Invalid cpu specification: ${hard}`, 'Error: Invalid argument.');
        host.vcpuPin(d, which, cpus);
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
    ],
    minArgs: 0,
    run: (a, host) => {
      let dom: string | undefined;
      let weight: number | undefined;
      let cap: number | undefined;
      let schedparam = false;
      let tslice: number | undefined;
      let ratelimit: number | undefined;
      for (let i = 0; i < a.length; i++) {
        const [flag, inline] = a[i]!.split('=') as [string, string | undefined];
        const val = (): string | undefined => inline ?? a[++i];
        if (flag === '-d' || flag === '--domain') dom = val();
        else if (flag === '-w' || flag === '--weight') weight = Number(val());
        else if (flag === '-c' || flag === '--cap') cap = Number(val());
        else if (flag === '-s' || flag === '--schedparam') schedparam = true;
        else if (flag === '-t' || flag === '--tslice_ms') tslice = Number(val());
        else if (flag === '-r' || flag === '--ratelimit_us') ratelimit = Number(val());
        else if (flag === '-m' || flag === '--migration_delay_us') return fail('sched-credit: paratop does not model the vCPU migration delay (it stays 0us)');
        else return fail(`sched-credit: unknown option ${a[i]}`, `Usage: xl ${SCHED_CREDIT_USAGE}`);
      }
      if (schedparam && (dom !== undefined || weight !== undefined || cap !== undefined)) return fail('Specifying a cpupool or schedparam is not allowed with domain options.');
      if (dom === undefined && (weight !== undefined || cap !== undefined)) return fail('Must specify a domain.');
      if (!schedparam && (tslice !== undefined || ratelimit !== undefined)) return fail('Must specify schedparam to set schedule parameter values.');
      const sc = host.scheduler;
      if (schedparam) {
        const pool = `Cpupool Pool-0: tslice=${sc.tsliceMs}ms ratelimit=${sc.ratelimitUs}us migration-delay=0us`;
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
          return fail(`${LIBXL}libxl_sched.c:233:sched_credit_domain_set: Domain ${d.id}:Cpupool Pool-0:weight out of range`, 'libxl_domain_sched_params_set failed.');
        }
        if (cap !== undefined && (!Number.isInteger(cap) || cap < 0 || cap > 100 * d.vcpus.length)) {
          return fail(`${LIBXL}libxl_sched.c:239:sched_credit_domain_set: Domain ${d.id}:Cpupool Pool-0:cap out of range`, 'libxl_domain_sched_params_set failed.');
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
  {
    name: 'shutdown',
    usage: 'shutdown <Domain>',
    help: 'Issue a shutdown signal to a domain',
    minArgs: 1,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        if (d.id === 0) return fail('Shutting down Domain-0 would shut down the host; paratop does not allow it.');
        host.shutdown(d, false);
        return ok([`Shutting down domain ${d.id}`]);
      }),
  },
  {
    name: 'reboot',
    usage: 'reboot <Domain>',
    help: 'Issue a reboot signal to a domain',
    minArgs: 1,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        if (d.id === 0) return fail('Rebooting Domain-0 would reboot the host; paratop does not allow it.');
        host.shutdown(d, true);
        return ok([`Rebooting domain ${d.id}`]);
      }),
  },
  {
    name: 'destroy',
    usage: 'destroy <Domain>',
    help: 'Terminate a domain immediately',
    minArgs: 1,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => {
        if (d.id === 0) return fail(`${LIBXL}libxl_domain.c:1421:libxl__destroy_domid: Domain 0:Cannot destroy privileged domain`, 'destroy failed (rc=-3)');
        host.destroy(d);
        return ok();
      }),
  },
  {
    name: 'create',
    usage: 'create <ConfigFile>',
    help: 'Create a domain from a config file (xl.cfg syntax)',
    minArgs: 1,
    run: (a, host) => {
      const r = loadGuestFile(a[0]!);
      if (!r.ok) return fail(formatProblem(r.problem), `Failed to parse config: ${a[0]}`);
      const made = host.create(r.spec);
      if (!made.ok) return fail(`Parsing config from ${a[0]}`, made.error);
      return ok([], [`Parsing config from ${a[0]}`]);
    },
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
    minArgs: 0,
    run: (a, host) => {
      const short = a.includes('-s');
      const bad = a.find((x) => x.startsWith('-') && x !== '-s');
      if (bad !== undefined) return fail(`xl uptime: invalid option -- '${bad.slice(1)}'`);
      const ids: number[] = [];
      for (const x of a.filter((y) => !y.startsWith('-'))) {
        const d = findDomain(host, x);
        if (typeof d === 'string') return fail(d);
        ids.push(d.id);
      }
      return ok(xlUptime(host, short, ids.length > 0 ? ids : null, timeOfDay(hostClockS(host))));
    },
  },
  {
    name: 'dmesg',
    usage: 'dmesg',
    help: "Read Xen's message buffer",
    minArgs: 0,
    run: (_a, host) => ok(host.xenConsole.all().map((l) => l.text)),
  },
  {
    name: 'console',
    usage: 'console <Domain>',
    help: "Attach to domain's console",
    notes: ['In the dashboard the console pane takes focus (Ctrl+] leaves); in batch mode its lines are printed.'],
    minArgs: 1,
    run: (a, host) =>
      withDomain(host, a[0]!, (d) => ({ ok: true, out: d.kernel.console.tail(20).map(formatConsole), err: [], focus: d.id })),
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
  const cmd = COMMANDS.find((c) => c.name === command);
  if (cmd === undefined) return fail(`command "${command}" not implemented`);
  return { ...ok(commandUsage(cmd)), prose: true };
}

/** A command's usage, what it does and its notes, as `help CMD` and a call with too few arguments print them. */
export function commandUsage(cmd: CommandDef): string[] {
  return [`Usage: xl ${cmd.usage}`, '', `${cmd.help}.`, ...(cmd.notes !== undefined ? ['', ...cmd.notes] : [])];
}
