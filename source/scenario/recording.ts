/**
 * Record and replay: a recording holds the seed, the host, the guest configs as text and every
 * command with its simulated time. Replaying builds the same host and applies the same commands at
 * the same instants; the model being deterministic, the run is the same, byte for byte.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { GuestText } from '../config/load.js';
import type { Scenario } from './parse.js';

export interface Recording {
  readonly paratopRecording: 1;
  readonly seed: number;
  readonly pcpus: number;
  readonly hostMemMiB: number;
  readonly guests: readonly GuestText[];
  readonly commands: readonly { readonly tNs: number; readonly line: string }[];
}

export class Recorder {
  private readonly commands: { tNs: number; line: string }[] = [];

  constructor(
    private readonly base: Omit<Recording, 'commands' | 'paratopRecording'>,
    private readonly startNs: number,
  ) {}

  command(nowNs: number, line: string): void {
    this.commands.push({ tNs: nowNs - this.startNs, line });
  }

  save(file: string): void {
    const r: Recording = { paratopRecording: 1, ...this.base, commands: this.commands };
    writeFileSync(file, `${JSON.stringify(r, null, 1)}\n`);
  }
}

export function loadRecording(file: string): Recording | string {
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return `${file}: not a paratop recording (${e instanceof Error ? e.message : String(e)})`;
  }
  const r = j as Partial<Recording>;
  if (r.paratopRecording !== 1 || typeof r.seed !== 'number' || typeof r.pcpus !== 'number' || typeof r.hostMemMiB !== 'number' || !Array.isArray(r.guests) || !Array.isArray(r.commands)) {
    return `${file}: not a paratop recording (missing seed, pcpus, hostMemMiB, guests or commands)`;
  }
  return r as Recording;
}

/** A recording's commands as a scenario timeline. */
export function recordingScenario(r: Recording, file: string): Scenario {
  return {
    file,
    title: `replay of ${file}`,
    guestsDir: null,
    pcpus: r.pcpus,
    hostMemMiB: r.hostMemMiB,
    seed: r.seed,
    windowNs: 5e9,
    steps: r.commands.map((c, i) => ({ atNs: c.tNs, line: i + 1, action: { kind: 'command' as const, line: c.line } })),
  };
}
