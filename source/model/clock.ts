/**
 * Virtual time and the event queue.
 *
 * Guarantees: time is an integer count of nanoseconds that never goes backwards; events run in the
 * total order (time, priority, sequence), so two runs that schedule the same events in the same
 * order run them in the same order. Cancelling is O(1) (the event is skipped when it surfaces).
 * No wall-clock time is read anywhere in the model: pacing against real time is the caller's job.
 */
import { objectArray } from './arrays.js';

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
  /** The next event in the same wheel bucket (the queue's own link). */
  next: SimEvent | null;
}

const NOOP = (): void => {};
const POOL_MAX = 4096;

/** (time, priority, seq) order: true if `a` runs before `b`. */
function before(a: SimEvent, b: SimEvent): boolean {
  if (a.timeNs !== b.timeNs) return a.timeNs < b.timeNs;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

function heapPush(h: SimEvent[], ev: SimEvent): void {
  let i = h.length;
  h.push(ev);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = h[parent]!;
    if (!before(ev, p)) break;
    h[i] = p;
    i = parent;
  }
  h[i] = ev;
}

/** Removes the first event of heap `h` (the caller has read it as h[0]). */
function heapPop(h: SimEvent[]): void {
  const last = h.pop()!;
  const n = h.length;
  if (n === 0) return;
  siftDown(h, 0, last);
}

function siftDown(h: SimEvent[], from: number, ev: SimEvent): void {
  const n = h.length;
  let i = from;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && before(h[r]!, h[l]!) ? r : l;
    if (!before(h[c]!, ev)) break;
    h[i] = h[c]!;
    i = c;
  }
  h[i] = ev;
}

/**
 * Inserts `ev` into `a`, which is kept latest first, so the next event to run is the last element
 * (taken with pop). A bucket holds a handful of events, so insertion beats a heap here.
 */
function sortedInsert(a: SimEvent[], ev: SimEvent): void {
  let j = a.length;
  a.push(ev);
  while (j > 0 && before(a[j - 1]!, ev)) {
    a[j] = a[j - 1]!;
    j--;
  }
  a[j] = ev;
}

/** Bucket width of the timing wheel (2^18 ns, about 0.26 ms) and its number of buckets (about 1 s). */
const BUCKET_NS = 2 ** 18;
/** Multiplying by a power of two's reciprocal is exact, and cheaper than dividing. */
const PER_BUCKET = 1 / BUCKET_NS;
const BUCKETS = 4096;
const MASK = BUCKETS - 1;

/**
 * A timing wheel in front of a heap. Most events are due within a second, so they go into the
 * wheel's ~0.26 ms buckets (an O(1) append); only the bucket being run is kept sorted, when the
 * clock reaches it. Events further out wait in an overflow heap and move into the wheel as it
 * turns. The order events run in is exactly (time, priority, seq).
 */
export class EventQueue {
  /** Each bucket is a singly linked list (appending allocates nothing); null when empty. */
  private readonly wheel: (SimEvent | null)[] = new Array<SimEvent | null>(BUCKETS).fill(null);
  /** The bucket being run, latest first (see sortedInsert); `currentBucket` is its absolute number. */
  private readonly current: SimEvent[] = objectArray<SimEvent>();
  private base = 0;
  private currentBucket = -1;
  /** Events in the wheel's lists and the current bucket, live or cancelled. */
  private inWheel = 0;
  private readonly overflow: SimEvent[] = objectArray<SimEvent>();
  /** First bucket number of the overflow heap's top (Infinity when empty): the wheel checks it as it turns. */
  private overflowBucket = Infinity;
  private readonly pool: SimEvent[] = objectArray<SimEvent>();
  private seqCounter = 0;
  private nowNs = 0;

  get now(): number {
    return this.nowNs;
  }

  get size(): number {
    return this.inWheel + this.overflow.length;
  }

  schedule(timeNs: number, priority: number, run: () => void): SimEvent {
    const t = Math.ceil(timeNs);
    const at = t < this.nowNs ? this.nowNs : t;
    const seq = this.seqCounter++;
    let event = this.pool.pop();
    if (event === undefined) {
      event = { timeNs: at, priority, seq, cancelled: false, run, next: null };
    } else {
      event.timeNs = at;
      event.priority = priority;
      event.seq = seq;
      event.cancelled = false;
      event.run = run;
    }
    this.insert(event);
    return event;
  }

  private insert(ev: SimEvent): void {
    const bn = Math.floor(ev.timeNs * PER_BUCKET);
    if (bn >= this.base + BUCKETS) {
      heapPush(this.overflow, ev);
      this.overflowBucket = Math.floor(this.overflow[0]!.timeNs * PER_BUCKET);
      return;
    }
    this.inWheel++;
    if (bn === this.currentBucket) {
      sortedInsert(this.current, ev);
      return;
    }
    const i = bn & MASK;
    ev.next = this.wheel[i]!;
    this.wheel[i] = ev;
  }

  private recycle(ev: SimEvent): void {
    if (this.pool.length < POOL_MAX) {
      ev.run = NOOP;
      ev.cancelled = true;
      ev.next = null;
      this.pool.push(ev);
    }
  }

  /** Runs every event due at or before `untilNs`, then sets the clock to `untilNs`. */
  runUntil(untilNs: number): void {
    untilNs = Math.floor(untilNs);
    const lastBucket = Math.floor(untilNs * PER_BUCKET);
    const h = this.current;
    for (;;) {
      if (this.currentBucket !== this.base) {
        // Entering a bucket: its list becomes the sorted current bucket.
        const i = this.base & MASK;
        let ev = this.wheel[i]!;
        this.wheel[i] = null;
        while (ev !== null) {
          const next = ev.next;
          ev.next = null;
          sortedInsert(h, ev);
          ev = next!;
        }
        this.currentBucket = this.base;
      }
      while (h.length > 0) {
        const top = h[h.length - 1]!;
        if (!top.cancelled) {
          if (top.timeNs > untilNs) {
            if (untilNs > this.nowNs) this.nowNs = untilNs;
            return;
          }
          h.pop();
          this.inWheel--;
          this.nowNs = top.timeNs;
          top.run();
        } else {
          h.pop();
          this.inWheel--;
        }
        this.recycle(top);
      }
      if (this.base >= lastBucket) break;
      // Turn the wheel: to the next bucket, or straight to the next event if the wheel is empty.
      let next = this.base + 1;
      const o = this.overflow;
      if (this.inWheel === 0) {
        if (o.length === 0) next = lastBucket;
        else next = Math.max(next, Math.min(lastBucket, this.overflowBucket));
      }
      this.base = next;
      if (this.overflowBucket < next + BUCKETS) this.migrate(next);
    }
    if (untilNs > this.nowNs) this.nowNs = untilNs;
  }

  /** Moves overflow events that are now within the wheel's reach into their buckets. */
  private migrate(base: number): void {
    const o = this.overflow;
    while (o.length > 0) {
      const ev = o[0]!;
      const bn = Math.floor(ev.timeNs * PER_BUCKET);
      if (bn >= base + BUCKETS) break;
      heapPop(o);
      if (ev.cancelled) {
        this.recycle(ev);
        continue;
      }
      this.inWheel++;
      const i = bn & MASK;
      ev.next = this.wheel[i]!;
      this.wheel[i] = ev;
    }
    this.overflowBucket = o.length > 0 ? Math.floor(o[0]!.timeNs * PER_BUCKET) : Infinity;
  }
}
