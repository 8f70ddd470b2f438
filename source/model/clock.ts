/**
 * Virtual time and the event queue.
 *
 * Guarantees: time is an integer count of nanoseconds that never goes backwards; events run in the
 * total order (time, priority, sequence), so two runs that schedule the same events in the same
 * order run them in the same order. Cancelling is O(1) (the event is skipped when it surfaces).
 * No wall-clock time is read anywhere in the model: pacing against real time is the caller's job.
 */
import { doubleFields, grown } from './arrays.js';

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

const NOOP = (): void => {};

/**
 * An object an event can be delivered to directly: the queue calls `fire(kind)` on it. The guest
 * kernel's per-event objects (a CPU's burst completion and idle tick, a task's wake-up: most of
 * the model's events) are their own targets, so running one touches that object and nothing
 * else; a closure per object would add its own closure and context to every event's memory path.
 */
export interface EventTarget {
  fire(kind: number): void;
}

/** Bucket width of the timing wheel (2^18 ns, about 0.26 ms) and its number of buckets (about 1 s). */
const BUCKET_NS = 2 ** 18;
/** Multiplying by a power of two's reciprocal is exact, and cheaper than dividing. */
const PER_BUCKET = 1 / BUCKET_NS;
const BUCKETS = 4096;
const MASK = BUCKETS - 1;
/** An event's order among events at the same instant: priority, then sequence (exact in a double below 2^53). */
const PRIORITY_UNIT = 2 ** 50;
const NONE = -1;

/**
 * A scheduled event, as its holder sees it: when it is due, and a flag to cancel it. The queue
 * keeps events' times and order in its own typed arrays (ordering them reads no object), and each
 * event slot has one of these handles for its life. Handles are recycled once their event has run
 * or been skipped, so a holder must drop its reference when the event runs or when it cancels it
 * (every holder in the model does).
 */
export class SimEvent {
  constructor(
    private readonly q: EventQueue,
    readonly id: number,
  ) {}

  get timeNs(): number {
    return this.q.timeOf(this.id);
  }

  get cancelled(): boolean {
    return this.q.isCancelled(this.id);
  }

  set cancelled(yes: boolean) {
    this.q.setCancelled(this.id, yes);
  }
}

/**
 * A timing wheel in front of a heap. Most events are due within a second, so they go into the
 * wheel's ~0.26 ms buckets (an O(1) append); only the bucket being run is kept sorted, when the
 * clock reaches it. Events further out wait in an overflow heap and move into the wheel as it
 * turns. The order events run in is exactly (time, priority, seq).
 *
 * Events are slots in a structure of arrays (time, order, list link, cancelled flag, kind,
 * handler), so with thousands of events pending, sorting a bucket and walking it touch a few
 * contiguous arrays rather than one scattered object per event.
 */
export class EventQueue {
  private timeNs = new Float64Array(1024);
  /** priority * PRIORITY_UNIT + seq. */
  private order = new Float64Array(1024);
  /** The next event in the same wheel bucket, or NONE. */
  private link = new Int32Array(1024);
  private dead = new Uint8Array(1024);
  /** What an event runs: a closure, or a target told its kind (see EventTarget). */
  private readonly runs: ((() => void) | EventTarget)[] = [];
  /** The kind a target is told (see scheduleFire). */
  private kinds = new Uint8Array(1024);
  private readonly handles: SimEvent[] = [];
  private readonly freeSlots: number[] = [];
  /** Each bucket is a singly linked list of slots (appending allocates nothing); NONE when empty. */
  private readonly wheel = new Int32Array(BUCKETS).fill(NONE);
  /** The bucket being run, latest first (see sortedInsert); `currentBucket` is its absolute number. */
  private readonly current: number[] = [];
  private base = 0;
  private currentBucket = -1;
  /** Events in the wheel's lists and the current bucket, live or cancelled. */
  private inWheel = 0;
  /** A heap of slots, earliest first. */
  private readonly overflow: number[] = [];
  /** First bucket number of the overflow heap's top (Infinity when empty): the wheel checks it as it turns. */
  private overflowBucket = Infinity;
  private seqCounter = 0;
  private nowNs = 0;

  constructor() {
    doubleFields(this, ['nowNs', 'seqCounter']);
  }

  get now(): number {
    return this.nowNs;
  }

  get size(): number {
    return this.inWheel + this.overflow.length;
  }

  /** Events scheduled since the queue was made (run, pending or cancelled): the model's activity, for the bench. */
  get scheduledTotal(): number {
    return this.seqCounter;
  }

  timeOf(id: number): number {
    return this.timeNs[id]!;
  }

  isCancelled(id: number): boolean {
    return this.dead[id] === 1;
  }

  setCancelled(id: number, yes: boolean): void {
    this.dead[id] = yes ? 1 : 0;
  }

  schedule(timeNs: number, priority: number, run: () => void): SimEvent {
    return this.add(timeNs, priority, run, 0);
  }

  /** As schedule, delivering the event to `target` as `target.fire(kind)` (kind 0-255). */
  scheduleFire(timeNs: number, priority: number, target: EventTarget, kind: number): SimEvent {
    return this.add(timeNs, priority, target, kind);
  }

  private add(timeNs: number, priority: number, run: (() => void) | EventTarget, kind: number): SimEvent {
    const t = Math.ceil(timeNs);
    const at = t < this.nowNs ? this.nowNs : t;
    let id = this.freeSlots.pop();
    if (id === undefined) id = this.newSlot();
    this.timeNs[id] = at;
    this.order[id] = priority * PRIORITY_UNIT + this.seqCounter++;
    this.dead[id] = 0;
    this.runs[id] = run;
    this.kinds[id] = kind;
    this.insert(id);
    return this.handles[id]!;
  }

  private newSlot(): number {
    const id = this.handles.length;
    if (id >= this.timeNs.length) {
      const n = 2 * this.timeNs.length;
      this.timeNs = grown(this.timeNs, n);
      this.order = grown(this.order, n);
      this.link = grown(this.link, n);
      this.dead = grown(this.dead, n);
      this.kinds = grown(this.kinds, n);
    }
    this.handles.push(new SimEvent(this, id));
    this.runs.push(NOOP);
    return id;
  }

  /** (time, priority, seq) order: true if slot `a` runs before slot `b`. */
  private before(a: number, b: number): boolean {
    const ta = this.timeNs[a]!;
    const tb = this.timeNs[b]!;
    if (ta !== tb) return ta < tb;
    return this.order[a]! < this.order[b]!;
  }

  /**
   * Inserts `id` into the current bucket, which is kept latest first, so the next event to run is
   * the last element (taken with pop). A bucket holds a handful of events, so insertion beats a heap here.
   */
  private sortedInsert(id: number): void {
    const a = this.current;
    let j = a.length;
    a.push(id);
    while (j > 0 && this.before(a[j - 1]!, id)) {
      a[j] = a[j - 1]!;
      j--;
    }
    a[j] = id;
  }

  private heapPush(id: number): void {
    const h = this.overflow;
    let i = h.length;
    h.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!this.before(id, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = id;
  }

  /** Removes the first slot of the overflow heap (the caller has read it as h[0]). */
  private heapPop(): void {
    const h = this.overflow;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(h[r]!, h[l]!) ? r : l;
      if (!this.before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }

  private insert(id: number): void {
    const bn = Math.floor(this.timeNs[id]! * PER_BUCKET);
    if (bn >= this.base + BUCKETS) {
      this.heapPush(id);
      this.overflowBucket = Math.floor(this.timeNs[this.overflow[0]!]! * PER_BUCKET);
      return;
    }
    this.inWheel++;
    if (bn === this.currentBucket) {
      this.sortedInsert(id);
      return;
    }
    const i = bn & MASK;
    this.link[id] = this.wheel[i]!;
    this.wheel[i] = id;
  }

  private recycle(id: number): void {
    this.runs[id] = NOOP;
    this.dead[id] = 1;
    this.freeSlots.push(id);
  }

  /** Runs every event due at or before `untilNs`, then sets the clock to `untilNs`. */
  runUntil(untilNs: number): void {
    untilNs = Math.floor(untilNs);
    const lastBucket = Math.floor(untilNs * PER_BUCKET);
    const h = this.current;
    // One way out of both loops, to the one tail below: an exit path that is rarely taken (the last
    // bucket holding nothing later than untilNs) would have no type feedback, and reaching it would
    // throw away this function's optimized code.
    turning: for (;;) {
      if (this.currentBucket !== this.base) {
        // Entering a bucket: its list becomes the sorted current bucket.
        const i = this.base & MASK;
        let id = this.wheel[i]!;
        this.wheel[i] = NONE;
        while (id !== NONE) {
          const next = this.link[id]!;
          this.sortedInsert(id);
          id = next;
        }
        this.currentBucket = this.base;
      }
      while (h.length > 0) {
        const top = h[h.length - 1]!;
        if (this.dead[top] === 0) {
          const t = this.timeNs[top]!;
          if (t > untilNs) break turning;
          h.pop();
          this.inWheel--;
          this.nowNs = t;
          const r = this.runs[top]!;
          if (typeof r === 'function') r();
          else r.fire(this.kinds[top]!);
          this.recycle(top);
        } else {
          h.pop();
          this.inWheel--;
          this.recycle(top);
        }
      }
      if (this.base >= lastBucket) break;
      // Turn the wheel: to the next bucket, or straight to the next event if the wheel is empty.
      let next = this.base + 1;
      if (this.inWheel === 0) {
        if (this.overflow.length === 0) next = lastBucket;
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
      const id = o[0]!;
      const bn = Math.floor(this.timeNs[id]! * PER_BUCKET);
      if (bn >= base + BUCKETS) break;
      this.heapPop();
      if (this.dead[id] === 1) {
        this.recycle(id);
        continue;
      }
      this.inWheel++;
      const i = bn & MASK;
      this.link[id] = this.wheel[i]!;
      this.wheel[i] = id;
    }
    this.overflowBucket = o.length > 0 ? Math.floor(this.timeNs[o[0]!]! * PER_BUCKET) : Infinity;
  }
}
