/**
 * The three ways a guest can run, and what each basic operation costs in each of them.
 *
 * Costs are microseconds of CPU per operation, split by who spends them: the guest in user mode,
 * the guest kernel, the hypervisor on the guest's vCPU (VM exits, hypercalls), and Domain-0 on the
 * guest's behalf (split-driver backends, QEMU device emulation). Sources, all in xen-facts.md §1c:
 * `native` is the lmbench L-UP row, `pv` the Xen row, `full` the VMW row (trap-and-emulate, emulated
 * devices); `hybrid` is hardware-assisted CPU and MMU (L-UP plus a two-dimensional page-walk
 * surcharge on MMU-heavy operations) with PV drivers and PV timers. Network per-packet totals come
 * from ttcp at MTU 500 (Table 6): 602 / 516 / 101 Mb/s for Linux / Xen / VMW = 6.6 / 7.75 / 39.6 µs.
 */

export type Mode = 'pv' | 'hybrid' | 'full';
export const MODES: readonly Mode[] = ['pv', 'hybrid', 'full'];

/** What xentop-minded users call each mode. */
export const MODE_LABEL: Record<Mode, string> = { pv: 'PV', hybrid: 'PVHVM', full: 'HVM' };

export type OpKind =
  | 'compute'
  | 'syscall'
  | 'ctxsw'
  | 'pageFault'
  | 'fork'
  | 'exec'
  | 'diskIo'
  | 'netPkt';

export interface OpCost {
  readonly userUs: number;
  readonly kernelUs: number;
  readonly hvUs: number;
  readonly dom0Us: number;
}

const k = (kernelUs: number, hvUs = 0, dom0Us = 0): OpCost => ({ userUs: 0, kernelUs, hvUs, dom0Us });
const u = (userUs: number): OpCost => ({ userUs, kernelUs: 0, hvUs: 0, dom0Us: 0 });

export type CostTable = Record<OpKind, OpCost>;

export const NATIVE_COSTS: CostTable = {
  compute: u(1),
  syscall: k(0.45),
  ctxsw: k(0.91),
  pageFault: k(1.42),
  fork: k(110),
  exec: k(530),
  diskIo: k(10),
  netPkt: k(6.6),
};

export const MODE_COSTS: Record<Mode, CostTable> = {
  pv: {
    compute: u(1.005),
    syscall: k(0.46),
    ctxsw: k(1.0, 1.22), // page-table base switch is a hypercall
    pageFault: k(1.5, 1.23),
    fork: k(120, 78),
    exec: k(560, 208),
    diskIo: k(6, 2, 8), // blkfront, event channel + grant, blkback
    netPkt: k(4.0, 0.75, 3.0), // netfront, event channel, netback
  },
  hybrid: {
    compute: u(1.01),
    syscall: k(0.46),
    ctxsw: k(0.95, 0.25),
    pageFault: k(1.5, 0.28), // nested page walk
    fork: k(115, 12),
    exec: k(545, 40),
    diskIo: k(6, 3, 8),
    netPkt: k(4.0, 1.0, 3.0),
  },
  full: {
    compute: u(1.03),
    syscall: k(0.5, 0.23),
    ctxsw: k(1.5, 16.1),
    pageFault: k(2.0, 10.4),
    fork: k(160, 714),
    exec: k(700, 1600),
    diskIo: k(10, 20, 45), // emulated IDE: port I/O exits, QEMU in Domain-0
    netPkt: k(8.0, 10, 21.6), // emulated rtl8139
  },
};

export interface ModeTraits {
  /** Guest reads its runstate area and reports steal (VCPUOP_register_runstate_memory_area). */
  readonly seesSteal: boolean;
  /** Idle vCPUs stop their tick and use single-shot timers. */
  readonly tickless: boolean;
  /** Has a balloon driver (xen:balloon). */
  readonly balloon: boolean;
  /**
   * Has xenbus frontends: it watches xenstore's control/shutdown (the PV control interface xl
   * shutdown asks through) and connects netfront and blkfront to Domain-0's backends.
   */
  readonly pvDrivers: boolean;
  /** Waiters block on an event channel instead of spinning. */
  readonly pvSpinlocks: boolean;
  /** The guest kernel hears about vCPU removal (PV xenbus cpu watch). */
  readonly hotUnplug: boolean;
  readonly console: 'hvc0' | 'ttyS0';
  readonly clocksource: 'xen' | 'tsc';
  /** Cost of one timer interrupt, guest kernel and hypervisor parts (µs). */
  readonly tickCost: OpCost;
  /** Cost of halting and being woken again (µs). */
  readonly haltWakeCost: OpCost;
  /** Extra device round-trip latency of the I/O path (µs). */
  readonly ioLatencyExtraUs: number;
}

export const MODE_TRAITS: Record<Mode, ModeTraits> = {
  pv: {
    seesSteal: true,
    tickless: true,
    balloon: true,
    pvDrivers: true,
    pvSpinlocks: true,
    hotUnplug: true,
    console: 'hvc0',
    clocksource: 'xen',
    tickCost: k(1.5, 1.0),
    haltWakeCost: k(0.5, 1.0),
    ioLatencyExtraUs: 15,
  },
  hybrid: {
    seesSteal: true,
    tickless: true,
    balloon: true,
    pvDrivers: true,
    pvSpinlocks: true,
    hotUnplug: false,
    console: 'ttyS0',
    clocksource: 'xen',
    tickCost: k(1.5, 1.5),
    haltWakeCost: k(0.5, 2.0),
    ioLatencyExtraUs: 15,
  },
  full: {
    seesSteal: false,
    tickless: false,
    balloon: false,
    pvDrivers: false,
    pvSpinlocks: false,
    hotUnplug: false,
    console: 'ttyS0',
    clocksource: 'tsc',
    tickCost: k(2.0, 6.0), // vLAPIC timer: VM exit, injection, EOI exit
    haltWakeCost: k(0.5, 2.5),
    ioLatencyExtraUs: 60,
  },
};

export function totalUs(c: OpCost): number {
  return c.userUs + c.kernelUs + c.hvUs;
}
