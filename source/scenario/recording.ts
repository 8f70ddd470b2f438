/**
 * Record and replay: a recording holds the seed, the host, the guest configs as text and every
 * command with its simulated time. Replaying builds the same host and applies the same commands at
 * the same instants; the model being deterministic, the run is the same, byte for byte.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ConfigReader, GuestText } from '../config/load.js';
import type { ShellKey } from '../shell/shell.js';
import type { Scenario } from './parse.js';

/** A command line, or a key typed into a guest's console (its login shell), at a simulated time. */
export type RecordedEvent = { readonly tNs: number; readonly line: string } | { readonly tNs: number; readonly console: string; readonly key: ShellKey };

export interface Recording {
  readonly paratopRecording: 1;
  readonly seed: number;
  readonly pcpus: number;
  readonly hostMemMiB: number;
  readonly guests: readonly GuestText[];
  /** In the order they happened (keys and commands interleaved). */
  readonly commands: readonly RecordedEvent[];
  /**
   * When the run's first sample was taken, if not at 0: a -c `shutdown -w` ran simulated time
   * before it. A replay runs to here (its commands on the way) before its first sample.
   */
  readonly firstSampleNs?: number;
  /** Config files xl commands read during the run (create, config-update), in the order they were read. */
  readonly files?: readonly GuestText[];
}

const KEY_TYPES = new Set(['text', 'enter', 'backspace', 'up', 'down', 'tab', 'interrupt', 'clear', 'eof', 'killLine', 'killWord', 'left', 'right', 'lineStart', 'lineEnd']);

function validEvent(e: unknown): e is RecordedEvent {
  if (typeof e !== 'object' || e === null) return false;
  const x = e as Record<string, unknown>;
  if (typeof x.tNs !== 'number' || !Number.isFinite(x.tNs) || x.tNs < 0) return false;
  if (typeof x.line === 'string') return true;
  const k = x.key as Record<string, unknown> | undefined;
  return typeof x.console === 'string' && typeof k === 'object' && k !== null && KEY_TYPES.has(String(k.type)) && (k.type !== 'text' || typeof k.text === 'string');
}

export class Recorder {
  private readonly commands: RecordedEvent[] = [];
  private firstSampleNs = 0;
  private readonly files: GuestText[] = [];

  constructor(
    private readonly base: Omit<Recording, 'commands' | 'paratopRecording'>,
    private readonly startNs: number,
  ) {}

  command(nowNs: number, line: string): void {
    this.commands.push({ tNs: nowNs - this.startNs, line });
  }

  /** A key typed into `domain`'s console: replayed at the same instant, into the same shell. */
  consoleKey(nowNs: number, domain: string, key: ShellKey): void {
    this.commands.push({ tNs: nowNs - this.startNs, console: domain, key });
  }

  /** A config file an xl command read: the replay reads this copy. */
  fileRead(file: string, text: string): void {
    this.files.push({ file, text });
  }

  /** The -c commands are done (and their waits): the run's samples start now. */
  sampling(nowNs: number): void {
    this.firstSampleNs = nowNs - this.startNs;
  }

  save(file: string): void {
    const r: Recording = {
      paratopRecording: 1,
      ...this.base,
      commands: this.commands,
      ...(this.firstSampleNs > 0 ? { firstSampleNs: this.firstSampleNs } : {}),
      ...(this.files.length > 0 ? { files: this.files } : {}),
    };
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
  if (r.firstSampleNs !== undefined && !(typeof r.firstSampleNs === 'number' && Number.isFinite(r.firstSampleNs) && r.firstSampleNs >= 0)) {
    return `${file}: not a paratop recording (firstSampleNs is not a time)`;
  }
  if (r.files !== undefined && !(Array.isArray(r.files) && r.files.every((f) => typeof f === 'object' && f !== null && typeof f.file === 'string' && typeof f.text === 'string'))) {
    return `${file}: not a paratop recording (files is not a list of {file, text})`;
  }
  const bad = r.commands.findIndex((c) => !validEvent(c));
  if (bad >= 0) return `${file}: not a paratop recording (commands[${bad}] is neither {tNs, line} nor {tNs, console, key})`;
  return r as Recording;
}

/**
 * What a replay reads for a config file: the recorded copies of that path, in the order they were
 * read (the last again once they are used up); the file system for a path the run never read.
 */
export function recordedFiles(r: Recording): ConfigReader {
  const left = new Map<string, string[]>();
  for (const f of r.files ?? []) left.set(f.file, [...(left.get(f.file) ?? []), f.text]);
  return (file) => {
    const texts = left.get(file);
    if (texts === undefined) return readFileSync(file, 'utf8');
    return texts.length > 1 ? texts.shift()! : texts[0]!;
  };
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
    steps: r.commands.map((c, i) => ({
      atNs: c.tNs,
      line: i + 1,
      action: 'line' in c ? { kind: 'command' as const, line: c.line } : { kind: 'type' as const, domain: c.console, key: c.key },
    })),
  };
}
