/**
 * What each guest OS shows on its console besides its boot log (boot-log.ts), in one table: the
 * kernel asks its entry and decides nothing by the OS's name.
 */
import type { GuestOs } from '../guest-spec.js';
import { STOP_CRITICAL_PROCESS_DIED, STOP_MANUALLY_INITIATED_CRASH, sacBugcheck } from './boot-log.js';

/** A console line: its text, and true when a program writes it to the terminal rather than the kernel to its log (dmesg). */
export type ConsoleLine = readonly [text: string, tty: boolean];

export interface OsConsole {
  /** getty and a login shell run on the console (see shell.ts). */
  readonly loginShell: boolean;
  /** The kernel's log messages (the model's OOM kills, hotplug, clocksource) reach the console. */
  readonly kernelLog: boolean;
  /** What getty writes once boot is done: /etc/issue around blank lines (the shell draws the prompt). */
  getty(hostname: string, device: string): readonly string[];
  /** What an orderly shutdown prints. */
  shutdown(reboot: boolean): readonly ConsoleLine[];
  /** What the OS logs when the (ACPI) power button is pressed, before it shuts down. */
  readonly powerButton: readonly ConsoleLine[];
  /** What an NMI nobody claims makes it print (xl trigger nmi): `reason` is the NMI status port's byte, in hex. */
  nmi(cpu: number, reason: string): readonly ConsoleLine[];
  /** What the console shows as the kernel gives up (a panic; on Windows a bug check). */
  panic(why: string): readonly ConsoleLine[];
  /** Its PV drivers watch xenstore's control/sysrq and hand the key to the kernel's magic SysRq (Linux's do). */
  readonly sysrq: boolean;
  /** EMS's Special Administration Console answers on the serial console (sac.ts), as Windows' does. */
  readonly sac: boolean;
  /** What the OS calls a process the model names as on Linux (init, the workloads' programs). */
  processName(linuxName: string): string;
}

const log = (text: string): ConsoleLine => [text, false];
const tty = (text: string): ConsoleLine => [text, true];

const LINUX: OsConsole = {
  loginShell: true,
  kernelLog: true,
  getty: (hostname, device) => ['', `Debian GNU/Linux 12 ${hostname} ${device}`, ''],
  shutdown: (reboot) =>
    ['systemd[1]: Stopping user sessions...', 'systemd[1]: Reached target System Shutdown.', 'systemd-shutdown[1]: Syncing filesystems and block devices.', reboot ? 'reboot: Restarting system' : 'reboot: Power down'].map(log),
  panic: (why) => [log(`Kernel panic - not syncing: ${why}`)],
  powerButton: [log('ACPI: button: Power Button [PWRF]'), log('systemd-logind[412]: Power key pressed short.'), log('systemd-logind[412]: Powering off...')],
  // arch/x86/kernel/nmi.c, unknown_nmi_error(): the NMI goes on, with kernel.panic_on_unrecovered_nmi unset.
  nmi: (cpu, reason) => [log(`Uhhuh. NMI received for unknown reason ${reason} on CPU ${cpu}.`), log('Dazed and confused, but trying to continue')],
  sysrq: true,
  sac: false,
  processName: (name) => name,
};

/**
 * The Windows programs that do a workload's work, for the model's Linux names: init is the System
 * process, a web server is IIS's worker, a database SQL Server, a build the C compiler, the idle
 * guest's periodic job the task scheduler's host, a CPU hog Sysinternals' CPU stress tool. A file
 * server's SMB data path runs in the kernel (srv2.sys, under System); its user-mode part is the
 * LanmanServer service, in a svchost.exe.
 */
const WINDOWS_PROCESSES: Readonly<Record<string, string>> = {
  systemd: 'System',
  nginx: 'w3wp.exe',
  postgres: 'sqlservr.exe',
  cc1: 'cl.exe',
  crond: 'taskhostw.exe',
  cpuhog: 'cpustres.exe',
  smbd: 'svchost.exe',
};

export const OS_CONSOLE: Readonly<Record<GuestOs, OsConsole>> = {
  linux: LINUX,
  /**
   * COM1 carries EMS's SAC, not a kernel log (Windows keeps its events in the Event Log), so the
   * model's Linux messages do not reach it; a crash is SAC's bug-check report.
   */
  windows: {
    loginShell: false,
    kernelLog: false,
    getty: () => [],
    shutdown: () => [tty('Windows is shutting down.')],
    powerButton: [],
    // Windows logs an NMI in the Event Log, not on SAC's console (a bug check only with CrashOnNMI set).
    nmi: () => [],
    panic: (why) => sacBugcheck(why === STOP_MANUALLY_INITIATED_CRASH ? 0xe2 : STOP_CRITICAL_PROCESS_DIED).map(tty),
    // Windows' PV drivers take control/shutdown, not control/sysrq: a key written there goes unread.
    sysrq: false,
    sac: true,
    processName: (name) => WINDOWS_PROCESSES[name] ?? name,
  },
  /** No FreeBSD personality yet: the Linux kernel's messages, and no login on the console. */
  bsd: { ...LINUX, loginShell: false, getty: () => [], sysrq: false },
};
