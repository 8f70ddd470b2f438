/**
 * A stand-in stdout for Ink (run with `debug: true`, Ink writes each whole frame to it as plain
 * text) that sends only what changed to the real terminal. Frames arriving together are coalesced
 * and updates are spaced at least MIN_FRAME_MS apart, each wrapped in synchronized output
 * (ESC[?2026h … ESC[?2026l) so terminals that support it never show half a frame.
 */
import { EventEmitter } from 'node:events';
import { diffGrids, parseFrame } from './screen-diff.js';
import type { Grid } from './screen-diff.js';

const BSU = '\x1b[?2026h';
/** At most 20 updates a second reach the terminal; frames in between are replaced by newer ones. */
export const MIN_FRAME_MS = 50;
const ESU = '\x1b[?2026l';

export interface Sink {
  write(s: string): unknown;
}

export class FrameWriter extends EventEmitter {
  readonly isTTY = true;
  columns: number;
  rows: number;
  bytesWritten = 0;
  frames = 0;
  private pending: string | null = null;
  /** The last frame Ink wrote, for a repaint. */
  private last: string | null = null;
  private shown: Grid | null = null;
  private scheduled = false;
  private closed = false;
  /** Suspended (Ctrl+Z): the terminal is the shell's until resume; frames wait. */
  private held = false;
  private lastFlushMs = -Infinity;

  /** Called after each update has been written (for frame statistics). */
  onFlushed: () => void = () => {};

  constructor(
    private readonly sink: Sink,
    columns: number,
    rows: number,
  ) {
    super();
    this.columns = columns;
    this.rows = rows;
  }

  /** Ink calls this with each full frame. */
  write(frame: string): boolean {
    if (this.closed) return true;
    // Ink also writes bare control sequences (cursor show/hide): they are not frames, and the
    // program manages the cursor itself.
    if (/^(?:\x1b\[[?0-9;]*[A-Za-z])+$/.test(frame)) return true;
    this.pending = frame;
    this.last = frame;
    // The first frame goes out at once: start-up is when a user waits for the screen.
    if (this.shown === null && this.frames === 0) {
      this.flush();
      return true;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      const wait = this.lastFlushMs + MIN_FRAME_MS - performance.now();
      if (wait > 0) setTimeout(() => this.flush(), wait);
      else setImmediate(() => this.flush());
    }
    return true;
  }

  /** The real terminal changed size: repaint everything at the new size. */
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.shown = null;
    this.emit('resize');
  }

  /** Ctrl+L: clear the terminal and draw the whole frame again (what is on it may be garbled). */
  repaint(): void {
    if (this.closed || this.last === null) return;
    this.shown = null;
    // The frame goes out as any other does (paced by write); a newer one already waiting will do.
    if (this.pending === null) this.write(this.last);
  }

  /** The terminal is lent to the shell (Ctrl+Z): frames wait until resume. */
  suspend(): void {
    this.held = true;
  }

  /** Back from the shell: what it left on the screen is unknown, so the newest frame is drawn whole. */
  resume(): void {
    if (!this.held) return;
    this.held = false;
    this.shown = null;
    const frame = this.pending ?? this.last;
    this.pending = null;
    if (frame !== null && !this.closed) this.write(frame);
  }

  /** Nothing more reaches the terminal (it is being handed back to the shell). */
  close(): void {
    this.closed = true;
    this.pending = null;
  }

  flush(): void {
    this.scheduled = false;
    if (this.closed || this.held) return;
    const frame = this.pending;
    if (frame === null) return;
    this.pending = null;
    this.lastFlushMs = performance.now();
    const next = parseFrame(frame.replace(/\n$/, ''), this.columns, this.rows);
    const bytes = diffGrids(this.shown, next);
    this.shown = next;
    if (bytes !== '') {
      const out = BSU + bytes + ESU;
      this.bytesWritten += Buffer.byteLength(out);
      this.frames++;
      this.sink.write(out);
    }
    this.onFlushed();
  }
}
