import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, NS_PER_MS, NS_PER_S } from '../../source/model/clock.js';
import type { SimEvent } from '../../source/model/clock.js';
import { TimeAccounting } from '../../source/model/guest/timekeeping.js';
import type { TimeParts } from '../../source/model/guest/timekeeping.js';

/**
 * The timing wheel must run events in exactly the (time, priority, seq) order a plain sorted list
 * gives, whatever the spread of times (same bucket, next bucket, beyond the wheel's horizon),
 * whatever is cancelled, and whatever handlers schedule while they run.
 */
describe('EventQueue', () => {
  it('runs events in (time, priority, seq) order, skips cancelled ones, and stops at the horizon', () => {
    // On and next to the wheel's bucket edges (2^18 ns), over more than one turn of it (~1.07 s).
    const edge = fc.integer({ min: 0, max: 12_000 }).map((k) => Math.max(0, k * 2 ** 18 + (k % 3) - 1));
    const delay = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 * NS_PER_MS }), fc.integer({ min: 0, max: 3 * NS_PER_S }), fc.integer({ min: 0, max: 40 * NS_PER_S }), edge);
    const op = fc.record({ delay, priority: fc.integer({ min: 0, max: 3 }), cancel: fc.boolean(), child: fc.option(delay, { nil: null }), target: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 80 }), fc.array(fc.integer({ min: 1, max: 5 * NS_PER_S }), { minLength: 1, maxLength: 8 }), (ops, steps) => {
        const q = new EventQueue();
        const ran: { t: number; p: number; seq: number }[] = [];
        const live = new Map<number, { t: number; p: number; seq: number }>();
        let seq = 0;
        let id = 0;
        // An event is a closure, or a target told its kind (scheduleFire): both run in one order.
        const add = (t: number, p: number, child: number | null, target: boolean): SimEvent => {
          const me = id++;
          const mySeq = seq++;
          const at = Math.max(Math.ceil(t), q.now);
          live.set(me, { t: at, p, seq: mySeq });
          const run = (): void => {
            // The event that runs is the first of all live events in (time, priority, seq) order.
            let first = true;
            for (const x of live.values()) if (x.t < at || (x.t === at && (x.p < p || (x.p === p && x.seq < mySeq)))) first = false;
            expect(first).toBe(true);
            expect(q.now).toBe(at);
            ran.push({ t: q.now, p, seq: mySeq });
            live.delete(me);
            if (child !== null) add(q.now + child, (p + 1) % 4, null, !target);
          };
          const kind = mySeq % 256;
          return target
            ? q.scheduleFire(t, p, { fire: (k: number) => { expect(k).toBe(kind); run(); } }, kind)
            : q.schedule(t, p, run);
        };
        const handles: [number, SimEvent][] = [];
        for (const o of ops) {
          const e = add(q.now + o.delay, o.priority, o.child, o.target);
          handles.push([id - 1, e]);
        }
        for (const [i, [me, e]] of handles.entries()) {
          if (ops[i]!.cancel) {
            e.cancelled = true;
            live.delete(me);
          }
        }
        let until = 0;
        for (const s of steps) {
          until += s;
          const before = ran.length;
          const due = [...live.values()].filter((x) => x.t <= until).length;
          q.runUntil(until);
          expect(q.now).toBe(until);
          // Everything due ran (children scheduled inside the window may add more).
          expect(ran.length - before).toBeGreaterThanOrEqual(due);
          for (const x of live.values()) expect(x.t).toBeGreaterThan(until);
        }
        // Time never goes backwards.
        for (let i = 1; i < ran.length; i++) expect(ran[i - 1]!.t).toBeLessThanOrEqual(ran[i]!.t);
        expect(q.size).toBeGreaterThanOrEqual(live.size);
      }),
      { numRuns: 300 },
    );
  });

  it('runs lone events far apart, each in a bucket of its own, across the wheel\'s wrap and past its reach', () => {
    const q = new EventQueue();
    const ran: number[] = [];
    // Lone events spread over three turns of the wheel, each in a bucket of its own, run in
    // windows of 7.8 ms, so most windows end between two events and many buckets are empty.
    const times = Array.from({ length: 60 }, (_, i) => Math.round((i * 3.1 * NS_PER_S) / 60) + (i % 5));
    for (const t of [...times].reverse()) q.schedule(t, 0, () => ran.push(q.now));
    for (let until = 0; until <= 3.2 * NS_PER_S; until += 7_777_777) {
      q.runUntil(until);
      expect(ran).toEqual(times.filter((t) => t <= until));
    }
    expect(q.size).toBe(0);
  });

  it('orders events at one instant by priority, then by the order they were scheduled', () => {
    const q = new EventQueue();
    const out: string[] = [];
    q.schedule(5, 2, () => out.push('g1'));
    q.schedule(5, 0, () => out.push('t1'));
    q.schedule(5, 2, () => out.push('g2'));
    q.schedule(5, 1, () => {
      out.push('s1');
      q.schedule(5, 0, () => out.push('t2 (scheduled at the same instant, runs next)'));
    });
    q.schedule(4 * NS_PER_S, 0, () => out.push('far'));
    q.runUntil(10);
    expect(out).toEqual(['t1', 's1', 't2 (scheduled at the same instant, runs next)', 'g1', 'g2']);
    q.runUntil(5 * NS_PER_S);
    expect(out.at(-1)).toBe('far');
  });
});

describe('tick arithmetic', () => {
  it('ticksBetween and nextTickAfter agree with exact integer division, on and off tick boundaries', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(100, 250, 300, 1000, 333),
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.integer({ min: 0, max: 10 ** 7 }),
        fc.integer({ min: -2, max: 2 }),
        fc.integer({ min: 0, max: 10 ** 14 }),
        (hz, bootNs, k, nudge, span) => {
          const tickNs = Math.round(NS_PER_S / hz);
          const parts = { tickNs, bootNs, traits: { clocksource: 'tsc' } } as unknown as TimeParts;
          const t = new TimeAccounting(parts);
          const exactIndex = (x: number): bigint => {
            const d = BigInt(x - bootNs);
            const p = BigInt(tickNs);
            return d >= 0n ? d / p : -((-d + p - 1n) / p);
          };
          // A time exactly on a boundary (k ticks after boot), nudged by a few ns, and one far later.
          const a = bootNs + k * tickNs + nudge;
          const b = a + span;
          expect(BigInt(t.ticksBetween(a, b))).toBe(exactIndex(b) - exactIndex(a));
          expect(BigInt(t.nextTickAfter(a))).toBe(BigInt(bootNs) + (exactIndex(a) + 1n) * BigInt(tickNs));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
