/**
 * Builds the simulated host from options and a guests folder. Config problems and refused creates
 * come back as messages; the guests that are fine still boot.
 */
import { formatProblem, loadGuestTexts, readGuestDir } from './config/load.js';
import type { GuestText } from './config/load.js';
import { Host } from './model/host.js';

export interface BootOptions {
  readonly seed: number;
  readonly pcpus: number;
  readonly hostMemMiB: number;
  readonly guestsDir: string;
  /** Guest configs given as text (a replay); otherwise they are read from guestsDir. */
  readonly guestTexts?: readonly GuestText[] | undefined;
}

export interface Booted {
  readonly host: Host;
  readonly warnings: readonly string[];
  /** The configs it booted from, as text (for a recording). */
  readonly guestTexts: readonly GuestText[];
}

export function bootHost(o: BootOptions): Booted {
  const host = new Host({ seed: o.seed, pcpus: o.pcpus, memMiB: o.hostMemMiB });
  const read = o.guestTexts !== undefined ? { texts: [...o.guestTexts], problems: [] } : readGuestDir(o.guestsDir);
  const loaded = loadGuestTexts(read.texts, read.problems);
  const warnings = loaded.problems.map(formatProblem);
  for (const spec of loaded.specs) {
    const r = host.create(spec);
    if (!r.ok) warnings.push(`${spec.source}: ${r.error}`);
  }
  return { host, warnings, guestTexts: read.texts };
}
