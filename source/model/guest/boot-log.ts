/**
 * The kernel log a guest prints while it boots, by mode, from the real lines in xen-facts.md §7.
 * Each entry is [uptime in µs, text]; the kernel prints them as its boot reaches that point.
 */
import type { Mode } from '../modes.js';
import type { GuestSpec } from '../guest-spec.js';

/** The Linux guests' kernel (Debian 12's): its banner, /proc/version, uname and xl info all say so. */
export const LINUX_RELEASE = '6.1.0-27-amd64';
export const LINUX_BUILD = '#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1';
export const LINUX_BUILD_DATE = '2024-11-01';
const LINUX_BUILT_BY = '(debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0';

export interface BootContext {
  readonly spec: GuestSpec;
  readonly mode: Mode;
  readonly xenVersion: string;
  readonly cpuMhz: number;
  readonly online: number;
  readonly memKiB: number;
  /** What systemd sets the hostname to (the domain's name; Domain-0's is its host's). */
  readonly hostname: string;
}

/** [uptime µs, text], and true when it is a program's output on the terminal rather than the kernel's log (dmesg). */
type Line = readonly [number, string, boolean?];

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function kernelBanner(): string {
  return `Linux version ${LINUX_RELEASE} ${LINUX_BUILT_BY}) ${LINUX_BUILD}`;
}

function smpLines(c: BootContext, at: number): Line[] {
  const lines: Line[] = [[at, 'smp: Bringing up secondary CPUs ...']];
  if (c.online > 1) {
    lines.push([at + 10, 'x86: Booting SMP configuration:']);
    const ids = Array.from({ length: c.online - 1 }, (_, i) => `#${i + 1}`).join('  ');
    lines.push([at + 20, `.... node  #0, CPUs:        ${ids}`]);
  }
  const bogo = ((c.cpuMhz * 2 * c.online) / 1).toFixed(2);
  lines.push([at + 900, `smp: Brought up 1 node, ${c.online} CPU${c.online === 1 ? '' : 's'}`]);
  lines.push([at + 910, `smpboot: Total of ${c.online} processors activated (${bogo} BogoMIPS)`]);
  return lines;
}

function pvLines(c: BootContext): Line[] {
  const memTop = c.memKiB * 1024 - 1;
  const lines: Line[] = [
    [0, kernelBanner()],
    [0, 'Command line: root=/dev/xvda1 ro console=hvc0'],
    [0, 'ACPI in unprivileged domain disabled'],
    [0, 'Released 0 page(s)'],
    [0, `Xen: [mem 0x0000000000000000-0x${hex(memTop, 16)}] usable`],
    [10, 'Booting paravirtualized kernel on Xen'],
    [10, `Xen version: ${c.xenVersion} (preserve-AD)`],
    [40, `setup_percpu: NR_CPUS:64 nr_cpumask_bits:64 nr_cpu_ids:${c.spec.maxvcpus} nr_node_ids:1`],
    [60, 'xen: PV spinlocks enabled'],
    [60, 'PV qspinlock hash table entries: 256 (order: 0, 4096 bytes)'],
    [80, 'Kernel command line: root=/dev/xvda1 ro console=hvc0'],
    [900, 'xen:events: Using FIFO-based ABI'],
    [1500, 'clocksource: xen: mask: 0xffffffffffffffff max_cycles: 0x1cd42e4dffb, max_idle_ns: 881590591483 ns'],
    [1600, 'installing Xen timer for CPU 0'],
    [2000, 'cpu 0 spinlock event irq 5'],
    [2100, 'Performance Events: PMU not available due to virtualization, using software events only.'],
  ];
  for (const l of smpLines(c, 2200)) lines.push(l);
  for (let i = 1; i < c.online; i++) {
    lines.push([2300 + i * 50, `installing Xen timer for CPU ${i}`]);
    lines.push([2310 + i * 50, `cpu ${i} spinlock event irq ${5 + i * 6}`]);
  }
  lines.push(
    [9000, 'xen:grant_table: Grant tables using version 1 layout'],
    [9010, 'Grant table initialized'],
    [12000, 'PCI: setting up Xen PCI frontend stub'],
    [30000, 'xen:balloon: Initialising balloon driver'],
    [52000, 'clocksource: Switched to clocksource xen'],
    [80000, 'xen:xen_evtchn: Event-channel device installed'],
    [120000, 'xen_netfront: Initialising Xen virtual ethernet driver'],
    [180000, 'blkfront: xvda: flush diskcache: enabled; persistent grants: enabled; indirect descriptors: enabled;'],
    [181000, ' xvda: xvda1 xvda2 < xvda5 >'],
  );
  return lines;
}

function hvmFirmware(c: BootContext): Line[] {
  const major = c.xenVersion.split('.').slice(0, 2).join('.');
  return [
    [0, kernelBanner()],
    [0, `Command line: root=/dev/sda1 ro console=ttyS0,115200`],
    [0, `DMI: Xen HVM domU, BIOS ${major} 08/24/2006`],
    [0, 'Hypervisor detected: Xen HVM'],
  ];
}

function hvmAcpi(c: BootContext, at: number): Line[] {
  const lines: Line[] = [
    [at, 'ACPI: RSDP 0x00000000000EA020 000024 (v02 Xen   )'],
    [at, 'ACPI: XSDT 0x00000000FC00C780 000054 (v01 Xen    HVM      00000000 HVML 00000000)'],
  ];
  if (c.spec.maxvcpus > c.online) {
    const hot = c.spec.maxvcpus - c.online;
    lines.push([at + 30, `smpboot: Allowing ${c.spec.maxvcpus} CPUs, ${hot} hotplug CPU${hot === 1 ? '' : 's'}`]);
  }
  return lines;
}

function fullLines(c: BootContext): Line[] {
  const lines: Line[] = [...hvmFirmware(c), ...hvmAcpi(c, 20)];
  lines.push(
    [900, `tsc: Detected ${c.cpuMhz.toFixed(3)} MHz processor`],
    [1500, 'clocksource: tsc: mask: 0xffffffffffffffff max_cycles: 0x159647815e3, max_idle_ns: 440795269835 ns'],
  );
  for (const l of smpLines(c, 2200)) lines.push(l);
  lines.push(
    [60000, 'clocksource: Switched to clocksource tsc'],
    [150000, 'ata_piix 0000:00:01.1: version 2.13'],
    [150500, 'scsi host0: ata_piix'],
    [151000, 'ata1: PATA max MWDMA2 cmd 0x1f0 ctl 0x3f6 bmdma 0xc100 irq 14'],
    [310000, 'ata1.00: ATA-7: QEMU HARDDISK, 2.5+, max UDMA/100'],
    [320000, 'ata2.00: ATAPI: QEMU DVD-ROM, 1.3.0, max UDMA/100'],
    [320500, 'ata2.00: configured for MWDMA2'],
    [400000, '8139cp 0000:00:04.0 eth0: RTL-8139C+ at 0xffffc90000a6a000, 00:16:3e:5e:6c:0d, IRQ 28'],
  );
  return lines;
}

function hybridLines(c: BootContext): Line[] {
  const major = c.xenVersion.split('.').slice(0, 2).join('.');
  const lines: Line[] = [...hvmFirmware(c)];
  lines.push(
    [0, `Xen version ${major}.`],
    [0, 'platform_pci_unplug: Netfront and the Xen platform PCI driver have been compiled for this kernel: unplug emulated NICs.'],
    [0, 'platform_pci_unplug: Blkfront and the Xen platform PCI driver have been compiled for this kernel: unplug emulated disks.'],
    ...hvmAcpi(c, 20),
    [40, 'Booting paravirtualized kernel on Xen HVM'],
    [60, 'xen: PV spinlocks enabled'],
    [900, 'xen:events: Using 2-level ABI'],
    [900, 'xen:events: Xen HVM callback vector for event delivery is enabled'],
    [1500, 'clocksource: xen: mask: 0xffffffffffffffff max_cycles: 0x1cd42e4dffb, max_idle_ns: 881590591483 ns'],
    [1500, 'Xen: using vcpuop timer interface'],
    [1600, 'installing Xen timer for CPU 0'],
  );
  for (const l of smpLines(c, 2200)) lines.push(l);
  lines.push(
    [9000, 'xen: --> pirq=16 -> irq=9 (gsi=9)'],
    [30000, 'xen:balloon: Initialising balloon driver'],
    [52000, 'clocksource: Switched to clocksource xen'],
    [53000, 'xen:grant_table: Grant tables using version 1 layout'],
    [120000, 'xen_netfront: Initialising Xen virtual ethernet driver'],
  );
  return lines;
}

/** Lines in boot order with the uptime (µs) at which they appear. */
/** /proc/version: the banner with the linker and the build date. */
export function procVersion(): string {
  return `Linux version ${LINUX_RELEASE} ${LINUX_BUILT_BY}, GNU ld (GNU Binutils for Debian) 2.40) ${LINUX_BUILD} (${LINUX_BUILD_DATE})`;
}

/**
 * What a Windows guest writes to its serial port (ttyS0, COM1): nothing of its boot, which goes to
 * the screen, but with Emergency Management Services on (bcdedit /ems on, as headless servers
 * are set up) the Special Administration Console starts on it and waits at its prompt. The
 * firmware's messages go to Xen's own log, not to the guest's COM1.
 */
function windowsSerialLines(): Line[] {
  const sac: readonly (readonly [number, string])[] = [
    [700000, 'Computer is booting, SAC started and initialized.'],
    [700010, ''],
    [700020, 'Use the "ch -?" command for information about using channels.'],
    [700030, 'Use the "?" command for general help.'],
    [700040, ''],
    [700050, 'SAC>'],
    // The prompt after it is the console's input line (shell.ts), where what is typed shows.
    [950000, 'EVENT: The CMD command is now available.'],
  ];
  return sac.map(([us, text]) => [us, text, true]);
}

/**
 * The model's one cause of a guest crash is memory it cannot free (see pressure.ts). Windows
 * has no panic for that; what stops it is a critical system process dying for want of memory:
 * bug check 0xEF, CRITICAL_PROCESS_DIED.
 */
export const STOP_CRITICAL_PROCESS_DIED = 0xef;

/** Why SAC's crashdump stops Windows: bug check 0xE2, MANUALLY_INITIATED_CRASH. */
export const STOP_MANUALLY_INITIATED_CRASH = 'MANUALLY_INITIATED_CRASH';

/**
 * What EMS's SAC writes to the serial port when Windows stops with a bug check: its in-band XML,
 * an INSTANCE of class BLUESCREEN carrying the stop code, for a program watching the port (the
 * blue screen itself is on the display). The parameters are left at zero.
 */
export function sacBugcheck(stopCode: number): string[] {
  const prop = (name: string, value: string): string => `<PROPERTY NAME="${name}" TYPE="string"><VALUE>"${value}"</VALUE></PROPERTY>`;
  return [
    '<?xml version="1.0"?>',
    '<INSTANCE CLASSNAME="BLUESCREEN">',
    prop('STOPCODE', `0x${stopCode.toString(16).toUpperCase()}`),
    ...[1, 2, 3, 4].map((i) => prop(`BUGCHECKPARAM${i}`, '0x0')),
    '</INSTANCE>',
  ];
}

export function bootLog(c: BootContext): Line[] {
  if (c.spec.guestOs === 'windows') return windowsSerialLines();
  const lines = c.mode === 'pv' ? pvLines(c) : c.mode === 'hybrid' ? hybridLines(c) : fullLines(c);
  if (c.spec.guestOs === 'linux') {
    lines.push(
      [900000, 'systemd[1]: Detected virtualization xen.'],
      [950000, `systemd[1]: Hostname set to <${c.hostname}>.`],
    );
  }
  if (c.spec.memoryMiB < c.spec.maxmemMiB && c.mode !== 'pv') {
    lines.push([960000, 'xen:balloon: Waiting for initial ballooning down having finished.']);
    lines.push([990000, 'xen:balloon: Initial ballooning down finished.']);
  }
  return lines.sort((a, b) => a[0] - b[0]);
}
