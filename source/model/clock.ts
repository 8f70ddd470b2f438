/**
 * Virtual time and the event queue.
 *
 * Guarantees: time is an integer count of nanoseconds that never goes backwards; events run in the
 * total order (time, priority, sequence), so two runs that schedule the same events in the same
 * order run them in the same order. Cancelling is O(1) (the event is skipped when it surfaces).
 * No wall-clock time is read anywhere in the model: pacing against real time is the caller's job.
 */

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

/** Lower numbers run first among events at the same instant. */
export const enum EventPriority {
  Timer = 0,
  Scheduler = 1,
  Guest = 2,
  Accounting = 3,
}

/**
 * A scheduled event. Event objects are recycled once popped from the queue, so a holder must drop
 * its reference when the event runs or when it cancels it (every holder in the model does).
 */
export interface SimEvent {
  timeNs: number;
  priority: number;
  seq: number;
  cancelled: boolean;
  run: () => void;
}

const NOOP = (): void => {};
const POOL_MAX = 4096;

export class EventQueue {
  private heap: SimEvent[] = [];
  private readonly pool: SimEvent[] = [];
  private seqCounter = 0;
  private nowNs = 0;

  get now(): number {
    return this.nowNs;
  }

  get size(): number {
    return this.heap.length;
  }

  schedule(timeNs: number, priority: number, run: () => void): SimEvent {
    const t = Math.ceil(timeNs);
    const at = t < this.nowNs ? this.nowNs : t;
    const seq = this.seqCounter++;
    let event = this.pool.pop();
    if (event === undefined) {
      event = { timeNs: at, priority, seq, cancelled: false, run };
    } else {
      event.timeNs = at;
      event.priority = priority;
      event.seq = seq;
      event.cancelled = false;
      event.run = run;
    }
    this.push(event);
    return event;
  }

  private recycle(ev: SimEvent): void {
    if (this.pool.length < POOL_MAX) {
      ev.run = NOOP;
      ev.cancelled = true;
      this.pool.push(ev);
    }
  }

  /** Time of the next live event, or Infinity. Drops cancelled events from the top. */
  peekTime(): number {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (!top.cancelled) return top.timeNs;
      this.pop();
      this.recycle(top);
    }
    return Infinity;
  }

  /** Runs every event due at or before `untilNs`, then sets the clock to `untilNs`. */
  runUntil(untilNs: number): void {
    untilNs = Math.floor(untilNs);
    const h = this.heap;
    while (h.length > 0) {
      const top = h[0]!;
      if (top.cancelled) {
        this.pop();
        this.recycle(top);
        continue;
      }
      if (top.timeNs > untilNs) break;
      this.pop();
      this.nowNs = top.timeNs;
      top.run();
      this.recycle(top);
    }
    if (untilNs > this.nowNs) this.nowNs = untilNs;
  }

  private less(a: SimEvent, b: SimEvent): boolean {
    if (a.timeNs !== b.timeNs) return a.timeNs < b.timeNs;
    if (a.priority !== b.priority) return a.priority < b.priority;
    return a.seq < b.seq;
  }

  private push(ev: SimEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!this.less(ev, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = ev;
  }

  private pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(h[r]!, h[l]!) ? r : l;
      if (!this.less(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
