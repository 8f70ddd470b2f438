/**
 * The guest's console: a bounded ring of kernel log lines stamped with guest uptime, as dmesg shows
 * them ("[    1.234567] text"). Older lines fall off the front; `seq` keeps counting so readers can
 * tell how many lines they missed.
 */
import { grown } from '../arrays.js';

export interface ConsoleLine {
  readonly seq: number;
  /** Guest uptime when it was printed, ns. */
  readonly uptimeNs: number;
  readonly text: string;
  /** Written by a program on the terminal (getty, a shell), not by the kernel: not in dmesg. */
  readonly tty: boolean;
}

export const CONSOLE_CAPACITY = 1000;
const INITIAL_SLOTS = 64;

/**
 * Kept by column: the texts, their uptimes in a Float64Array and the tty flags in a Uint8Array,
 * with ConsoleLine objects made only when the lines are read (and kept until the next line).
 * With 1,000 guests the rings are most of the model's memory: guests in an OOM-kill loop fill
 * theirs in minutes, and an object and a boxed uptime per line cost more than the line's own text.
 */
export class ConsoleRing {
  private readonly texts: string[] = [];
  private uptimes = new Float64Array(INITIAL_SLOTS);
  private ttys = new Uint8Array(INITIAL_SLOTS);
  /** Lines held; once `capacity`, a new line overwrites the oldest, at `head`. */
  private count = 0;
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
    // A line made by concatenation is a tree of its pieces (a template literal with eight values:
    // ~315 bytes for a 150-character line); reading a character makes V8 flatten it in place, and
    // the next GC keeps only the flat string (~180 bytes).
    text.charCodeAt(0);
    let i: number;
    if (this.count < this.capacity) {
      i = this.count++;
      if (i === this.uptimes.length) {
        const n = Math.min(this.capacity, 2 * this.uptimes.length);
        this.uptimes = grown(this.uptimes, n);
        this.ttys = grown(this.ttys, n);
      }
      this.texts.push(text);
    } else {
      i = this.head;
      this.head = i + 1 === this.capacity ? 0 : i + 1;
      this.texts[i] = text;
    }
    this.uptimes[i] = uptimeNs;
    this.ttys[i] = tty ? 1 : 0;
    this.nextSeq++;
    this.ordered = null;
  }

  get total(): number {
    return this.nextSeq;
  }

  /** Forgets the lines kept (`xl dmesg -c`); numbering goes on from where it was. */
  clear(): void {
    this.count = 0;
    this.head = 0;
    this.texts.length = 0;
    this.ordered = null;
  }

  /** The lines kept, oldest first. */
  all(): readonly ConsoleLine[] {
    this.ordered ??= this.lines(this.count);
    return this.ordered;
  }

  tail(n: number): readonly ConsoleLine[] {
    return this.ordered !== null ? this.ordered.slice(Math.max(0, this.count - n)) : this.lines(Math.min(n, this.count));
  }

  /** The newest `n` lines, oldest first. */
  private lines(n: number): ConsoleLine[] {
    const out: ConsoleLine[] = [];
    const firstSeq = this.nextSeq - n;
    let i = this.head + this.count - n;
    if (i >= this.count) i -= this.count;
    for (let k = 0; k < n; k++) {
      out.push({ seq: firstSeq + k, uptimeNs: this.uptimes[i]!, text: this.texts[i]!, tty: this.ttys[i] === 1 });
      if (++i === this.count) i = 0;
    }
    return out;
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
