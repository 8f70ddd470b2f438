/**
 * The guest's console: a bounded ring of kernel log lines stamped with guest uptime, as dmesg shows
 * them ("[    1.234567] text"). Older lines fall off the front; `seq` keeps counting so readers can
 * tell how many lines they missed.
 */
export interface ConsoleLine {
  readonly seq: number;
  /** Guest uptime when it was printed, ns. */
  readonly uptimeNs: number;
  readonly text: string;
  /** Written by a program on the terminal (getty, a shell), not by the kernel: not in dmesg. */
  readonly tty: boolean;
}

export const CONSOLE_CAPACITY = 1000;

export class ConsoleRing {
  private readonly lines: ConsoleLine[] = [];
  private nextSeq = 0;

  constructor(private readonly capacity = CONSOLE_CAPACITY) {}

  push(uptimeNs: number, text: string, tty = false): void {
    this.lines.push({ seq: this.nextSeq++, uptimeNs, text, tty });
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  get total(): number {
    return this.nextSeq;
  }

  all(): readonly ConsoleLine[] {
    return this.lines;
  }

  tail(n: number): readonly ConsoleLine[] {
    return this.lines.slice(Math.max(0, this.lines.length - n));
  }
}

/** A line as the console terminal shows it: kernel messages with their timestamp, program output as written. */
export function formatConsole(line: ConsoleLine): string {
  return line.tty ? line.text : formatDmesg(line);
}

export function formatDmesg(line: ConsoleLine): string {
  const us = Math.floor(line.uptimeNs / 1000);
  const s = Math.floor(us / 1_000_000);
  const frac = String(us % 1_000_000).padStart(6, '0');
  return `[${String(s).padStart(5, ' ')}.${frac}] ${line.text}`;
}
