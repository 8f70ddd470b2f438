/**
 * Builds the simulated host from options and a guests folder. Config problems and refused creates
 * come back as messages; the guests that are fine still boot.
 */
import { formatProblem, loadGuestDir } from './config/load.js';
import { Host } from './model/host.js';

export interface BootOptions {
  readonly seed: number;
  readonly pcpus: number;
  readonly hostMemMiB: number;
  readonly guestsDir: string;
}

export interface Booted {
  readonly host: Host;
  readonly warnings: readonly string[];
}

export function bootHost(o: BootOptions): Booted {
  const host = new Host({ seed: o.seed, pcpus: o.pcpus, memMiB: o.hostMemMiB });
  const loaded = loadGuestDir(o.guestsDir);
  const warnings = loaded.problems.map(formatProblem);
  for (const spec of loaded.specs) {
    const r = host.create(spec);
    if (!r.ok) warnings.push(`${spec.source}: ${r.error}`);
  }
  return { host, warnings };
}
