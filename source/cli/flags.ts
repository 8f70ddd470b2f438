/**
 * Command-line flags: one table for meow, --help and validation. A bad flag or value is one line
 * on stderr and exit status 2.
 */
import { utf8Locale } from '../ui/charset.js';
import { parseSizeKiB } from './size.js';

export type Format = 'text' | 'json' | 'csv';

export interface Options {
  readonly batch: boolean;
  readonly iterations: number;
  readonly delayS: number;
  /** Simulated seconds per real second; Infinity = as fast as the model runs. */
  readonly speed: number;
  readonly seed: number;
  readonly guestsDir: string;
  readonly pcpus: number;
  readonly hostMemMiB: number;
  readonly format: Format;
  /** Text batch output: names whole, as xentop -f prints them (else cut to 10 characters). */
  readonly fullName: boolean;
  /** xentop -v and -r: each domain's vCPU seconds under it, and the header before each domain (text batch output; the dashboard starts with them, v and r toggle). */
  readonly vcpus: boolean;
  readonly repeatHeader: boolean;
  readonly color: boolean;
  /** Draw in ASCII only (a locale that is not UTF-8, or --charset ascii). */
  readonly ascii: boolean;
  readonly contrast: boolean;
  /** xl-style commands applied in order at start (-c). */
  readonly commands: readonly string[];
  readonly scenario: string | undefined;
  readonly record: string | undefined;
  readonly replay: string | undefined;
  /** Whether -i was given (a scenario otherwise runs to its end). */
  readonly iterationsGiven: boolean;
}

export const HELP = `
  Usage
    $ paratop [options]            the dashboard (needs a terminal)
    $ paratop --batch [options]    samples on stdout, like xentop -b
    $ paratop exec DOMAIN [options] -- COMMAND [ARGS...]
                                   run a command in the guest's shell (as ssh would) and
                                   print its output; exits with the command's status

  Options
    -b, --batch            Batch mode: no terminal needed, one sample per delay
    -i, --iterations N     Stop after N samples (default: run until interrupted)
    -d, --delay SECONDS    Simulated seconds between samples (default 1)
        --speed X          Simulated seconds per real second, 0.1 to 1000, or "max"
                           (default: max in batch mode when stdout is not a terminal, else 1)
        --seed N           Random seed: the same seed and inputs give the same output (default 1)
        --guests DIR       Folder of *.cfg guest configs to boot, or one config file (default ./guests)
        --pcpus N          Physical CPUs of the simulated host (default 4)
        --host-mem SIZE    Host memory, xl-style size: 16g, 8192m; a bare number is MiB (default 16g)
        --format F         Batch output: text (xentop -b columns), json (JSON lines) or csv
    -f, --full-name        Text batch output: names whole (xentop -f), not cut to 10 characters
        --vcpus            Each domain's vCPU seconds under it (xentop -v; the dashboard's v)
    -r, --repeat-header    The column header before each domain (xentop -r; the dashboard's r)
        --scenario FILE    Play a scenario: captions, commands and expectations on a timeline
                           (with --batch: exits 1 if an expectation fails)
        --record FILE      Save seed, host, guest configs, every command and console key with its time
        --replay FILE      Run a recording again, exactly
    -c, --command CMD      An xl-style command applied at start, in order; repeatable
                           (e.g. -c 'mem-set web01 512m' -c 'vcpu-set db01 1'; -c help lists them)
        --no-color         Monochrome dashboard (NO_COLOR is honoured too)
        --theme T          normal, or contrast: bold, high-contrast for projectors (T toggles it)
        --charset C        utf8 or ascii line drawing (default: from LC_ALL, LC_CTYPE or LANG, as htop)
    -h, --help             Show this help
    -v, --version          Show the version

  Examples
    $ paratop
    $ paratop -b -i 5 -d 2
    $ paratop exec web01 -- vmstat 1 5
    $ paratop exec batch01 --pcpus 1 -- top -b -n 1
    $ paratop exec web01 -c 'mem-set web01 512m' -- free -m
    $ paratop --batch --format json --iterations 30 --seed 7 | jq '.domains[] | {name, stPct}'
    $ paratop -b --pcpus 1 --guests ./my-guests --format csv -i 60 > run.csv
    $ paratop -b -i 10 --format json -c 'mem-set web01 512m' -c 'sched-credit -d batch01 -c 50'
    $ paratop --scenario scenarios/steal-time.scenario
    $ paratop -b --scenario scenarios/ballooning.scenario > /dev/null && echo lab passes
`;

/** meow's flag definitions: the one list of flags (the unknown-flag check is derived from it). */
export const FLAGS = {
  batch: { type: 'boolean' as const, shortFlag: 'b', default: false },
  iterations: { type: 'string' as const, shortFlag: 'i' },
  delay: { type: 'string' as const, shortFlag: 'd' },
  speed: { type: 'string' as const },
  seed: { type: 'string' as const },
  guests: { type: 'string' as const, default: 'guests' },
  pcpus: { type: 'string' as const },
  hostMem: { type: 'string' as const },
  format: { type: 'string' as const, default: 'text' },
  fullName: { type: 'boolean' as const, shortFlag: 'f', default: false },
  vcpus: { type: 'boolean' as const, default: false },
  repeatHeader: { type: 'boolean' as const, shortFlag: 'r', default: false },
  color: { type: 'boolean' as const, default: true },
  command: { type: 'string' as const, shortFlag: 'c', isMultiple: true as const, default: [] as string[] },
  scenario: { type: 'string' as const },
  record: { type: 'string' as const },
  replay: { type: 'string' as const },
  theme: { type: 'string' as const },
  charset: { type: 'string' as const },
  help: { type: 'boolean' as const, shortFlag: 'h' },
  version: { type: 'boolean' as const, shortFlag: 'v' },
};

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Flags that take one value: given twice is an error. */
export const SINGLE_VALUE_FLAGS = Object.entries(FLAGS)
  .filter(([, d]) => d.type === 'string' && !('isMultiple' in d))
  .map(([name]) => name as keyof typeof FLAGS);

export function flagName(key: string): string {
  return `--${kebab(key)}`;
}

const KNOWN = new Set(
  Object.entries(FLAGS).flatMap(([name, d]) => [
    `--${kebab(name)}`,
    ...('shortFlag' in d ? [`-${d.shortFlag}`] : []),
    ...(d.type === 'boolean' ? [`--no-${kebab(name)}`] : []),
  ]),
);

/** Every spelling of a flag that takes a value (`--seed`, `-c`, …): the word after it is its value. */
export const VALUE_FLAG_NAMES: ReadonlySet<string> = new Set(
  Object.entries(FLAGS)
    .filter(([, d]) => d.type === 'string')
    .flatMap(([name, d]) => [flagName(name), ...('shortFlag' in d ? [`-${d.shortFlag}`] : [])]),
);

/** A single-value flag given twice (meow would throw), as an error line, or null. */
export function repeatedFlag(argv: readonly string[]): string | null {
  const names = new Map<string, string>();
  for (const key of SINGLE_VALUE_FLAGS) {
    const d = FLAGS[key];
    names.set(flagName(key), flagName(key));
    if ('shortFlag' in d) names.set(`-${d.shortFlag}`, flagName(key));
  }
  const seen = new Set<string>();
  for (const a of argv) {
    if (a === '--') break;
    const long = names.get(a.includes('=') ? a.slice(0, a.indexOf('=')) : a);
    if (long === undefined) continue;
    if (seen.has(long)) return `${long} given more than once`;
    seen.add(long);
  }
  return null;
}

/** Checks that every flag is known, before meow sees them. Returns an error line or null. */
export function unknownFlag(argv: readonly string[]): string | null {
  for (const a of argv) {
    if (a === '--') break;
    if (!a.startsWith('-') || /^-\d/.test(a)) continue;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (KNOWN.has(name)) continue;
    if (/^-[a-zA-Z]{2,}$/.test(name) && [...name.slice(1)].every((c) => KNOWN.has(`-${c}`))) continue;
    return `unknown option ${name} (see paratop --help)`;
  }
  return null;
}

export interface RawFlags {
  batch: boolean;
  iterations: string | undefined;
  delay: string | undefined;
  speed: string | undefined;
  seed: string | undefined;
  guests: string;
  pcpus: string | undefined;
  hostMem: string | undefined;
  format: string;
  fullName?: boolean;
  vcpus?: boolean;
  repeatHeader?: boolean;
  color: boolean;
  command: string[];
  scenario?: string | undefined;
  record?: string | undefined;
  replay?: string | undefined;
  theme?: string | undefined;
  charset?: string | undefined;
}

export function validate(f: RawFlags, stdoutIsTty: boolean, env: NodeJS.ProcessEnv): Options | string {
  const num = (name: string, v: string | undefined, def: number, min: number, max: number, integer: boolean): number | string => {
    if (v === undefined) return def;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      return `invalid value for --${name}: ${JSON.stringify(v)} (expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max})`;
    }
    return n;
  };
  if (f.scenario !== undefined && f.replay !== undefined) return '--scenario and --replay cannot be used together';
  const iterations = num('iterations', f.iterations, Infinity, 1, Number.MAX_SAFE_INTEGER, true);
  if (typeof iterations === 'string') return iterations;
  const delayS = num('delay', f.delay, 1, 0.01, 3600, false);
  if (typeof delayS === 'string') return delayS;
  const seed = num('seed', f.seed, 1, 0, 2 ** 32 - 1, true);
  if (typeof seed === 'string') return seed;
  const pcpus = num('pcpus', f.pcpus, 4, 1, 512, true);
  if (typeof pcpus === 'string') return pcpus;
  let speed: number;
  if (f.speed === undefined) speed = f.batch && !stdoutIsTty ? Infinity : 1;
  else if (f.speed === 'max') speed = Infinity;
  else {
    const s = num('speed', f.speed, 1, 0.1, 1000, false);
    if (typeof s === 'string') return s.replace(')', ', or "max")');
    speed = s;
  }
  let hostMemMiB = 16 * 1024;
  if (f.hostMem !== undefined) {
    const kib = parseSizeKiB(f.hostMem);
    if (kib === null || kib < 1024 * 1024 || kib > 64 * 1024 ** 3) {
      return `invalid value for --host-mem: ${JSON.stringify(f.hostMem)} (expected a size from 1g to 64t, e.g. 16g)`;
    }
    hostMemMiB = Math.floor(kib / 1024);
  }
  if (f.theme !== undefined && f.theme !== 'normal' && f.theme !== 'contrast') {
    return `invalid value for --theme: ${JSON.stringify(f.theme)} (expected normal or contrast)`;
  }
  if (f.format !== 'text' && f.format !== 'json' && f.format !== 'csv') {
    return `invalid value for --format: ${JSON.stringify(f.format)} (expected text, json or csv)`;
  }
  const charset = f.charset?.toLowerCase().replace('-', '');
  if (charset !== undefined && charset !== 'utf8' && charset !== 'ascii') {
    return `invalid value for --charset: ${JSON.stringify(f.charset)} (expected utf8 or ascii)`;
  }
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  return {
    batch: f.batch,
    iterations,
    delayS,
    speed,
    seed,
    guestsDir: f.guests,
    pcpus,
    hostMemMiB,
    format: f.format,
    fullName: f.fullName === true,
    vcpus: f.vcpus === true,
    repeatHeader: f.repeatHeader === true,
    color: f.color && !noColor,
    ascii: charset === undefined ? !utf8Locale(env) : charset === 'ascii',
    contrast: f.theme === 'contrast',
    commands: f.command,
    scenario: f.scenario,
    record: f.record,
    replay: f.replay,
    iterationsGiven: f.iterations !== undefined,
  };
}
