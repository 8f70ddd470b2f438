/**
 * What each guest OS shows on its console besides its boot log (boot-log.ts), in one table: the
 * kernel asks its entry and decides nothing by the OS's name.
 */
import type { GuestOs } from '../guest-spec.js';
import { STOP_CRITICAL_PROCESS_DIED, sacBugcheck } from './boot-log.js';

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
  /** What the console shows as the kernel gives up (a panic; on Windows a bug check). */
  panic(why: string): readonly ConsoleLine[];
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
    panic: () => sacBugcheck(STOP_CRITICAL_PROCESS_DIED).map(tty),
  },
  /** No FreeBSD personality yet: the Linux kernel's messages, and no login on the console. */
  bsd: { ...LINUX, loginShell: false, getty: () => [] },
};
