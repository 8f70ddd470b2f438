/**
 * From parsed xl.cfg settings to a validated GuestSpec. Every problem is reported with the line of
 * the setting at fault; unknown keys are kept and ignored, as xl does.
 */
import type { GuestOs, GuestSpec, GuestType, ShutdownAction, TimerMode } from '../model/guest-spec.js';
import { DEFAULT_TIMER_MODE, SHUTDOWN_ACTIONS, TIMER_MODES, unmodifiedOs } from '../model/guest-spec.js';
import type { Mode } from '../model/modes.js';
import { WORKLOAD_NAMES, isWorkloadName } from '../model/guest/workloads.js';
import type { WorkloadName } from '../model/guest/workloads.js';
import { CSCHED_DEFAULT_WEIGHT } from '../model/scheduler/credit.js';
import { parseCpuList } from './cpu-list.js';
import { ConfigError } from './lexer.js';
import type { Atom, ConfigValue, Setting } from './parser.js';

/** HVM_MAX_VCPUS (public/hvm/hvm_info_table.h); PV allows more, but 128 is plenty here. */
export const MAX_VCPUS = 128;
export const HZ_DEFAULT: Record<GuestOs, number> = { linux: 250, windows: 64, bsd: 100 };

export const PROJECT_KEYS = ['workload', 'guest_os', 'hz'] as const;

function at(s: Setting, why: string): ConfigError {
  return new ConfigError(s.line, s.col, why);
}

function str(s: Setting): string {
  if (Array.isArray(s.value)) throw at(s, `"${s.key}" takes a single value, not a list`);
  return String(s.value as Atom);
}

function int(s: Setting, min: number, max: number): number {
  if (Array.isArray(s.value)) throw at(s, `"${s.key}" takes a number, not a list`);
  const raw = s.value as Atom;
  const n = typeof raw === 'number' ? raw : /^\s*(0x[0-9a-f]+|\d+)\s*$/i.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n)) throw at(s, `"${s.key}" must be a whole number, got ${JSON.stringify(raw)}`);
  if (n < min || n > max) throw at(s, `"${s.key}" must be between ${min} and ${max}, got ${n}`);
  return n;
}

function list(s: Setting | undefined): string[] {
  if (s === undefined) return [];
  const v: ConfigValue = s.value;
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

export function buildSpec(settings: Map<string, Setting>, source: string): GuestSpec {
  const get = (k: string): Setting | undefined => settings.get(k);
  const nameS = get('name');
  if (nameS === undefined) throw new ConfigError(0, 0, 'Domain name must be specified.');
  const name = str(nameS);
  if (name.length === 0) throw at(nameS, 'Domain name must be specified.');
  if (/^\d+$/.test(name)) throw at(nameS, `domain name "${name}" is all digits and would be taken for a domain ID`);
  if (name.length > 64) throw at(nameS, `domain name is ${name.length} characters long; the limit is 64`);

  let type: GuestType = 'pv';
  const typeS = get('type');
  const builderS = get('builder');
  // As xl_parse.c: the deprecated builder ("hvm" or "generic", matched as a prefix by strncmp),
  // or type, read as libxl reads its enums (strcasecmp: "PV" is pv), but not both.
  if (builderS !== undefined) {
    const b = str(builderS);
    if ('hvm'.startsWith(b)) type = 'hvm';
    else if ('generic'.startsWith(b)) type = 'pv';
    else throw at(builderS, `Invalid domain type ${b}.`);
  }
  if (typeS !== undefined) {
    if (builderS !== undefined) throw at(typeS, 'Can\'t specify both "type" and "builder" options.');
    const t = str(typeS).toLowerCase();
    if (t !== 'pv' && t !== 'pvh' && t !== 'hvm') throw at(typeS, `Invalid domain type ${str(typeS)}.`);
    type = t;
  }

  const osS = get('guest_os');
  let guestOs: GuestOs = 'linux';
  if (osS !== undefined) {
    const o = str(osS).toLowerCase();
    if (o !== 'linux' && o !== 'windows' && o !== 'bsd') throw at(osS, `"guest_os" must be linux, windows or bsd, got "${o}"`);
    guestOs = o;
  }
  if (unmodifiedOs(guestOs) && type !== 'hvm') {
    throw at(typeS ?? osS!, `guest_os = "${guestOs}" is an unmodified OS: it cannot run paravirtualized (type = "${type}"); use type = "hvm"`);
  }

  const pciS = get('xen_platform_pci');
  const platformPci = pciS === undefined ? 1 : int(pciS, 0, 1);
  const mode: Mode = type === 'pv' ? 'pv' : type === 'pvh' ? 'hybrid' : platformPci === 0 ? 'full' : 'hybrid';

  const memS = get('memory');
  const memoryMiB = memS === undefined ? 128 : int(memS, 1, 16 * 1024 * 1024);
  const maxS = get('maxmem');
  const maxmemMiB = maxS === undefined ? memoryMiB : int(maxS, 1, 16 * 1024 * 1024);
  if (maxmemMiB < memoryMiB) throw at(maxS!, `maxmem (${maxmemMiB}) must be greater than or equal to memory (${memoryMiB})`);

  const vS = get('vcpus');
  const vcpus = vS === undefined ? 1 : int(vS, 1, MAX_VCPUS);
  const mvS = get('maxvcpus');
  const maxvcpus = mvS === undefined ? vcpus : int(mvS, 1, MAX_VCPUS);
  if (vcpus > maxvcpus) throw at(vS!, `vcpus (${vcpus}) must not be more than maxvcpus (${maxvcpus})`);

  /** `cpus` (hard affinity) or `cpus_soft`: one set for every vCPU, or a list, one per vCPU (xl.cfg: cpus = ["2", "3"] puts vCPU 0 on pCPU 2 and vCPU 1 on 3). */
  const affinity = (key: 'cpus' | 'cpus_soft'): { all: number[] | null; perVcpu: (number[] | null)[] | null } => {
    const s = get(key);
    if (s === undefined) return { all: null, perVcpu: null };
    const one = (v: string | number): number[] | null => {
      const r = parseCpuList(v);
      if (typeof r === 'string') throw at(s, `"${key}": ${r}`);
      if (r !== null && r.length === 0) throw at(s, `"${key}" leaves no pCPU to run on`);
      return r;
    };
    if (!Array.isArray(s.value)) return { all: one(s.value as string | number), perVcpu: null };
    const items = s.value as readonly (string | number)[];
    if (items.length > maxvcpus) throw at(s, `"${key}" lists ${items.length} affinities for ${maxvcpus} vCPU${maxvcpus === 1 ? '' : 's'}`);
    return { all: null, perVcpu: items.map(one) };
  };
  const { all: cpus, perVcpu: vcpuCpus } = affinity('cpus');
  const { all: cpusSoft, perVcpu: vcpuCpusSoft } = affinity('cpus_soft');

  const uuidS = get('uuid');
  let uuid: string | undefined;
  if (uuidS !== undefined) {
    // libxl_uuid_from_string: 8-4-4-4-12 hex digits.
    const u = str(uuidS);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(u)) throw at(uuidS, `Failed to parse UUID: ${u}`);
    uuid = u.toLowerCase();
  }

  // xl.cfg's key is cpu_weight (xl_parse.c); `weight`, which paratop read before, still is.
  const wS = get('cpu_weight') ?? get('weight');
  const weight = wS === undefined ? CSCHED_DEFAULT_WEIGHT : int(wS, 1, 65535);
  const cS = get('cap');
  const cap = cS === undefined ? 0 : int(cS, 0, 100 * MAX_VCPUS);

  let timerMode: TimerMode = DEFAULT_TIMER_MODE;
  const tmS = get('timer_mode');
  if (tmS !== undefined) {
    const raw = Array.isArray(tmS.value) ? undefined : (tmS.value as Atom);
    if (typeof raw === 'number' && raw >= 0 && raw <= 3 && Number.isInteger(raw)) timerMode = TIMER_MODES[raw]!;
    else if (typeof raw === 'string' && (TIMER_MODES as readonly string[]).includes(raw.toLowerCase())) timerMode = raw.toLowerCase() as TimerMode;
    else throw at(tmS, `"timer_mode" must be one of ${TIMER_MODES.join(', ')} (or 0-3)`);
  }

  // on_poweroff, on_reboot and on_crash take the same actions (libxl_action_on_shutdown, any case).
  const action = (key: string, dflt: ShutdownAction): ShutdownAction => {
    const v0 = get(key);
    if (v0 === undefined) return dflt;
    const v = str(v0).toLowerCase();
    if (!(SHUTDOWN_ACTIONS as readonly string[]).includes(v)) throw at(v0, `"${key}" must be one of ${SHUTDOWN_ACTIONS.join(', ')}`);
    return v as ShutdownAction;
  };
  const onCrash = action('on_crash', 'destroy');
  const onPoweroff = action('on_poweroff', 'destroy');
  const onReboot = action('on_reboot', 'restart');

  let workload: WorkloadName = 'idle';
  const wlS = get('workload');
  if (wlS !== undefined) {
    const v = str(wlS);
    if (!isWorkloadName(v)) throw at(wlS, `unknown workload "${v}" (one of ${WORKLOAD_NAMES.join(', ')})`);
    workload = v;
  }

  const hzS = get('hz');
  const hz = hzS === undefined ? HZ_DEFAULT[guestOs] : int(hzS, 10, 1000);

  return {
    name,
    type,
    mode,
    memoryMiB,
    maxmemMiB,
    vcpus,
    maxvcpus,
    cpus,
    vcpuCpus,
    cpusSoft,
    vcpuCpusSoft,
    ...(uuid !== undefined ? { uuid } : {}),
    weight,
    cap,
    timerMode,
    onCrash,
    ...(onPoweroff !== 'destroy' ? { onPoweroff } : {}),
    ...(onReboot !== 'restart' ? { onReboot } : {}),
    vifs: list(get('vif')),
    disks: list(get('disk')),
    workload,
    guestOs,
    hz,
    source,
  };
}
