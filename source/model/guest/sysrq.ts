/**
 * The magic SysRq key, as a Linux 6.1 guest handles it (drivers/tty/sysrq.c). xl sysrq writes the
 * key to xenstore's control/sysrq; the guest's PV drivers (drivers/xen/manage.c) hand it to
 * handle_sysrq, which checks it against kernel.sysrq, as a key typed on a keyboard is. Debian sets
 * that to 438: logging, keyboard, sync, remount, reboot and poweroff, and niceing RT tasks, but no
 * dumps, crash or signals, so `xl sysrq dom c` only logs "This sysrq operation is disabled." until
 * root sets it to 1 (`echo 1 > /proc/sys/kernel/sysrq`). /proc/sysrq-trigger skips the check.
 *
 * What each key does here: b and o stop the domain at once (no orderly shutdown), c panics it (its
 * on_crash then acts), f runs the OOM killer, s and u report done, t and w list tasks, m shows
 * memory; the rest log their line and do nothing more in this model.
 */
import type { GuestKernel } from './kernel.js';

/** Debian's default kernel.sysrq (/etc/sysctl.d: 438 = 2|4|16|32|128|256). */
export const DEBIAN_SYSRQ_MASK = 438;

const LOG = 2;
const KEYBOARD = 4;
const DUMP = 8;
const SYNC = 16;
const REMOUNT = 32;
const SIGNAL = 64;
const BOOT = 128;
const RTNICE = 256;

interface SysrqOp {
  readonly help: string;
  readonly action: string;
  readonly mask: number;
  readonly run?: (k: GuestKernel) => void;
}

const pad = (s: string, n: number): string => s.slice(0, n).padEnd(n);

/** sched_show_task's first line, as Show State and Show Blocked State print each task. */
function taskLines(k: GuestKernel, blockedOnly: boolean): void {
  for (const t of k.tasks) {
    if (t.exited || (blockedOnly && t.state !== 'D')) continue;
    k.printk(`task:${pad(t.name, 15)} state:${t.state} stack:0     pid:${String(t.pid).padEnd(5)} ppid:${String(t.ppid).padEnd(6)} flags:0x00000000`);
  }
}

/** Keys in sysrq_key_table's order (the HELP line lists them so); the arch-specific and debug ones a Debian x86 kernel lacks are left out. */
const OPS: ReadonlyMap<string, SysrqOp> = new Map<string, SysrqOp>([
  ['b', { help: 'reboot(b)', action: 'Resetting', mask: BOOT, run: (k) => k.hv.shutdownSelf(k.dom, true, true) }],
  ['c', { help: 'crash(c)', action: 'Trigger a crash', mask: DUMP, run: (k) => k.hv.crash(k.dom, 'sysrq triggered crash') }],
  ['e', { help: 'terminate-all-tasks(e)', action: 'Terminate All Tasks', mask: SIGNAL }],
  ['f', { help: 'memory-full-oom-kill(f)', action: 'Manual OOM execution', mask: SIGNAL, run: (k) => k.pressure.manualOom() }],
  ['i', { help: 'kill-all-tasks(i)', action: 'Kill All Tasks', mask: SIGNAL }],
  ['j', { help: 'thaw-filesystems(j)', action: 'Emergency Thaw of all frozen filesystems', mask: SIGNAL }],
  ['k', { help: 'sak(k)', action: 'SAK', mask: KEYBOARD }],
  ['l', { help: 'show-backtrace-all-active-cpus(l)', action: 'Show backtrace of all active CPUs', mask: DUMP }],
  [
    'm',
    {
      help: 'show-memory-usage(m)',
      action: 'Show Memory',
      mask: DUMP,
      run: (k) => {
        const m = k.memory;
        const pages = (kib: number): number => Math.max(0, Math.round(kib / 4));
        k.printk('Mem-Info:');
        k.printk(`active_anon:${pages(m.residentAnonKiB)} inactive_anon:0 isolated_anon:0`);
        k.printk(`active_file:${pages(m.cacheKiB / 2)} inactive_file:${pages(m.cacheKiB / 2)} isolated_file:0`);
        k.printk(`free:${pages(m.freeKiB)} free_pcp:0 free_cma:0`);
        k.printk(`${pages(m.totalKiB)} pages RAM`);
      },
    },
  ],
  ['n', { help: 'nice-all-RT-tasks(n)', action: 'Nice All RT Tasks', mask: RTNICE }],
  ['o', { help: 'poweroff(o)', action: 'Power Off', mask: BOOT, run: (k) => k.hv.shutdownSelf(k.dom, false, true) }],
  ['p', { help: 'show-registers(p)', action: 'Show Regs', mask: DUMP }],
  ['q', { help: 'show-all-timers(q)', action: 'Show clockevent devices & pending hrtimers (no others)', mask: DUMP }],
  ['r', { help: 'unraw(r)', action: 'Keyboard mode set to system default', mask: KEYBOARD }],
  ['s', { help: 'sync(s)', action: 'Emergency Sync', mask: SYNC, run: (k) => k.printk('Emergency Sync complete') }],
  ['t', { help: 'show-task-states(t)', action: 'Show State', mask: DUMP, run: (k) => taskLines(k, false) }],
  ['u', { help: 'unmount(u)', action: 'Emergency Remount R/O', mask: REMOUNT, run: (k) => k.printk('Emergency Remount complete') }],
  ['v', { help: 'force-fb(v)', action: 'Restore framebuffer console', mask: RTNICE }],
  ['w', { help: 'show-blocked-tasks(w)', action: 'Show Blocked State', mask: DUMP, run: (k) => taskLines(k, true) }],
  ['z', { help: 'dump-ftrace-buffer(z)', action: 'Dump ftrace buffer', mask: DUMP }],
]);

const HELP = `HELP : loglevel(0-9) ${[...OPS.values()].map((o) => o.help).join(' ')}`;

/** Whether `key` does anything in this model beyond logging its line (xl says so when it does not). */
export function sysrqModelled(key: string): boolean {
  return /^[0-9]$/.test(key) || !OPS.has(key) || OPS.get(key)!.run !== undefined;
}

/** __handle_sysrq: the key's line (or HELP for a key with no action), then what it does; `checkMask` as handle_sysrq, not as /proc/sysrq-trigger. */
export function handleSysrq(k: GuestKernel, key: string, checkMask: boolean): void {
  // handle_sysrq does nothing at all with kernel.sysrq = 0 (sysrq_on()).
  if (checkMask && k.sysrqMask === 0) return;
  const allowed = (mask: number): boolean => !checkMask || k.sysrqMask === 1 || (k.sysrqMask & mask) !== 0;
  if (/^[0-9]$/.test(key)) {
    if (!allowed(LOG)) return k.printk('sysrq: This sysrq operation is disabled.');
    k.printk('sysrq: Changing Loglevel');
    k.printk(`sysrq: Loglevel set to ${key}`);
    return;
  }
  const op = OPS.get(key);
  if (op === undefined) return k.printk(`sysrq: ${HELP}`);
  if (!allowed(op.mask)) return k.printk('sysrq: This sysrq operation is disabled.');
  k.printk(`sysrq: ${op.action}`);
  op.run?.(k);
}
