/**
 * An empty array whose elements kind is already "objects". V8 gives `[]` the kind "small
 * integers" until the first object goes in, so a push site that sees both fresh and used arrays
 * is polymorphic and calls the generic builtin; arrays made here all share one shape, and pushes
 * onto them are inlined. (Measured: about 3 % of the model's instructions.)
 */
export function objectArray<T extends object>(): T[] {
  const a: object[] = [PLACEHOLDER];
  a.pop();
  return a as T[];
}

const PLACEHOLDER = {};

/**
 * Zeros in an array whose elements kind is already "doubles", for counters that take fractional
 * nanoseconds: they never change shape on first use, so every read and write site sees one kind.
 */
export function doubleZeros<N extends number>(n: N): number[] & { length: N } {
  const a: number[] = [];
  for (let i = 0; i < n; i++) a.push(0.5);
  a.fill(0);
  return a as number[] & { length: N };
}

/**
 * Gives the number fields `keys` of `o` V8's "double" representation now, keeping their values.
 * A field first set to an integer is a small integer (Smi) to V8; the first fractional or large
 * value (a time in nanoseconds passes 2^31 after 2.1 s) changes the field's representation, which
 * retires the shape of every object of the class and throws away all optimized code that reads
 * one: a pause of recompiling wherever the model first gets there. Measured with 1,000 guests:
 * waves of 10 to 20 deopts at 3-6 s and again at 30 s (Domain-0's busy time on a pCPU), each
 * lasting a frame or two. Called from a constructor, the change happens once, on the first object,
 * before anything is optimized; later objects take the double fields from the start.
 */
export function doubleFields(o: object, keys: readonly string[]): void {
  const r = o as Record<string, unknown>;
  for (const k of keys) {
    const v = r[k];
    if (typeof v !== 'number') throw new Error(`doubleFields: ${k} is not a number field`);
    r[k] = 0.5;
    r[k] = v;
  }
}

type NumberArray = Float64Array | Int32Array | Int8Array | Uint8Array;

/** `a` copied into a new typed array of the same kind with `n` elements (for structure-of-arrays state that grows). */
export function grown<A extends NumberArray>(a: A, n: number): A {
  const b = new (a.constructor as new (n: number) => A)(n);
  b.set(a);
  return b;
}

/** An index by ID, made on first need (see atOrById). */
export interface IdIndex<T> {
  map: Map<number, T> | null;
}

/**
 * The element of `list` with `id`: usually still at `i` (a list of domains keeps its order from
 * one sample to the next), otherwise found by ID in an index of `list` built once, on the first
 * miss, into `index`. A loop and a holder rather than a callback, for the per-refresh paths.
 */
export function atOrById<T extends { readonly id: number }>(list: readonly T[], i: number, id: number, index: IdIndex<T>): T | undefined {
  const at = list[i];
  if (at !== undefined && at.id === id) return at;
  if (index.map === null) {
    const m = new Map<number, T>();
    for (let k = 0; k < list.length; k++) m.set(list[k]!.id, list[k]!);
    index.map = m;
  }
  return index.map.get(id);
}
