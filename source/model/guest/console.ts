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
  /** Up to `capacity` lines; once full, a new line overwrites the oldest, at `head`. */
  private readonly ring: ConsoleLine[] = [];
  private head = 0;
  /** The lines oldest first, made when asked for and dropped at the next line. */
  private ordered: ConsoleLine[] | null = null;
  private nextSeq = 0;

  constructor(private readonly capacity = CONSOLE_CAPACITY) {}

  /**
   * O(1): a full ring overwrites its oldest line. (Dropping the oldest with splice moved the whole
   * ring on every line, 5-9 us a line at 1,000 lines on these machines, and guests in an OOM-kill
   * loop print hundreds a second.)
   */
  push(uptimeNs: number, text: string, tty = false): void {
    const line = { seq: this.nextSeq++, uptimeNs, text, tty };
    if (this.ring.length < this.capacity) this.ring.push(line);
    else {
      this.ring[this.head] = line;
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    }
    this.ordered = null;
  }

  get total(): number {
    return this.nextSeq;
  }

  /** The lines kept, oldest first. */
  all(): readonly ConsoleLine[] {
    if (this.head === 0) return this.ring;
    this.ordered ??= this.ring.slice(this.head).concat(this.ring.slice(0, this.head));
    return this.ordered;
  }

  tail(n: number): readonly ConsoleLine[] {
    const a = this.all();
    return a.slice(Math.max(0, a.length - n));
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
