/**
 * A guest as its config file describes it, already validated (see source/config/guest-spec.ts).
 * Sizes in MiB as xl.cfg gives them; the model converts to KiB where Xen does.
 */
import type { Mode } from './modes.js';
import type { WorkloadName } from './guest/workloads.js';

export const TIMER_MODES = [
  'delay_for_missed_ticks',
  'no_delay_for_missed_ticks',
  'no_missed_ticks_pending',
  'one_missed_tick_pending',
] as const;
export type TimerMode = (typeof TIMER_MODES)[number];
/** libxl's default (libxl_create.c): HVMPTM_no_delay_for_missed_ticks. */
export const DEFAULT_TIMER_MODE: TimerMode = 'no_delay_for_missed_ticks';

export type GuestType = 'pv' | 'pvh' | 'hvm';
export type GuestOs = 'linux' | 'windows' | 'bsd';

/**
 * An OS whose kernel makes no hypercalls (Windows, unmodified): it runs only as HVM, fully
 * virtualized or with PV drivers. The config parser, domain creation and a mode switch all ask this.
 */
export const unmodifiedOs = (os: GuestOs): boolean => os === 'windows';

/** What xl does once a guest powers off, reboots or crashes (libxl_action_on_shutdown): on_poweroff, on_reboot, on_crash. */
export const SHUTDOWN_ACTIONS = [
  'destroy',
  'restart',
  'rename-restart',
  'preserve',
  'coredump-destroy',
  'coredump-restart',
  'soft-reset',
] as const;
export type ShutdownAction = (typeof SHUTDOWN_ACTIONS)[number];

export interface GuestSpec {
  readonly name: string;
  readonly type: GuestType;
  readonly mode: Mode;
  readonly memoryMiB: number;
  readonly maxmemMiB: number;
  readonly vcpus: number;
  readonly maxvcpus: number;
  /** Hard affinity, or null for all pCPUs. */
  readonly cpus: readonly number[] | null;
  /**
   * `cpus = ["2", "3"]`, a list: vCPU i's own hard affinity (null: all pCPUs); vCPUs past the
   * list's end take `cpus` (all pCPUs). Null when the config gives one list for every vCPU.
   */
  readonly vcpuCpus?: readonly (readonly number[] | null)[] | null;
  /**
   * Soft affinity (`cpus_soft`), the same way: where the scheduler would rather run each vCPU, among
   * the pCPUs its hard affinity allows (null: no preference).
   */
  readonly cpusSoft?: readonly number[] | null;
  readonly vcpuCpusSoft?: readonly (readonly number[] | null)[] | null;
  readonly weight: number;
  readonly cap: number;
  readonly timerMode: TimerMode;
  readonly onCrash: ShutdownAction;
  /** What xl does once the guest powers off (default destroy) or reboots (default restart): xl.cfg's on_poweroff, on_reboot. */
  readonly onPoweroff?: ShutdownAction;
  readonly onReboot?: ShutdownAction;
  readonly vifs: readonly string[];
  /** Each vif's device ID (its xenstore devid), when not its place in `vifs`: a network-detach leaves a gap, as libxl does. */
  readonly vifDevids?: readonly number[];
  readonly disks: readonly string[];
  readonly workload: WorkloadName;
  readonly guestOs: GuestOs;
  readonly hz: number;
  /** Its config's `uuid`, lower case; none: one is made from the name (xl list -v). */
  readonly uuid?: string;
  /** Where it came from, for messages. */
  readonly source: string;
}

/** The device ID of each of `spec`'s vifs (libxl numbers them 0, 1, ... as the config lists them, and a hot-plugged one after the highest). */
export function vifDevids(spec: Pick<GuestSpec, 'vifs' | 'vifDevids'>): readonly number[] {
  return spec.vifDevids ?? spec.vifs.map((_, i) => i);
}

/**
 * A domain's UUID (`domid` null: not created yet): its config's `uuid` if it gives one; Domain-0's is all zeros, as in Xen; else
 * one made from its name, as xl makes one from /dev/urandom when the config gives none (here from
 * the name, so runs repeat, and a guest keeps it across a reboot, as its config does under xl).
 */
export function domainUuid(spec: Pick<GuestSpec, 'name' | 'uuid'>, domid: number | null): string {
  if (spec.uuid !== undefined) return spec.uuid;
  if (domid === 0) return '00000000-0000-0000-0000-000000000000';
  let h = 0x811c9dc5;
  const bytes: number[] = [];
  const text = spec.name;
  for (let i = 0; i < 16; i++) {
    for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193) >>> 0;
    h = Math.imul(h ^ i, 0x01000193) >>> 0;
    bytes.push((h >>> 8) & 0xff);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
