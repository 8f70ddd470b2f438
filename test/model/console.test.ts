import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConsoleRing } from '../../source/model/guest/console.js';

/** The ring must read exactly as a list that drops its oldest line once it holds `capacity`. */
describe('ConsoleRing', () => {
  it('keeps the last `capacity` lines, oldest first, whatever the number of lines and reads between them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 150 }), fc.array(fc.oneof(fc.constant('push'), fc.constant('read'), fc.constant('push, tail first')), { maxLength: 400 }), fc.integer({ min: 0, max: 160 }), (capacity, ops, n) => {
        const ring = new ConsoleRing(capacity);
        const ref: { seq: number; text: string }[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op === 'push' || op === 'push, tail first') {
            ring.push(seq * 1000, `line ${seq}`, seq % 3 === 0);
            ref.push({ seq, text: `line ${seq}` });
            if (ref.length > capacity) ref.shift();
            seq++;
          }
          // tail() on its own builds only the newest lines; after all() it reads the cached ones.
          if (op === 'push, tail first') expect(ring.tail(n).map((l) => [l.seq, l.text, l.tty])).toEqual(ref.slice(Math.max(0, ref.length - n)).map((l) => [l.seq, l.text, l.seq % 3 === 0]));
          expect(ring.all().map((l) => ({ seq: l.seq, text: l.text }))).toEqual(ref);
          expect(ring.tail(n).map((l) => l.seq)).toEqual(ref.slice(Math.max(0, ref.length - n)).map((l) => l.seq));
          expect(ring.total).toBe(seq);
        }
      }),
    );
  });

  it('keeps each line as printed: uptime, text and whether a program wrote it', () => {
    const ring = new ConsoleRing(2);
    ring.push(1, 'a');
    ring.push(2, 'b', true);
    ring.push(3, 'c');
    expect(ring.all()).toEqual([
      { seq: 1, uptimeNs: 2, text: 'b', tty: true },
      { seq: 2, uptimeNs: 3, text: 'c', tty: false },
    ]);
  });
});
