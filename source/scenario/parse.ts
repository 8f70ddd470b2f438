/**
 * Scenario files: a timeline in simulated time, one step a line.
 *
 *   title: Steal time and billing          header lines (before the first step):
 *   guests: guests                           title, guests (folder, relative to this file),
 *   pcpus: 2                                 pcpus, host-mem, seed, window
 *   at 0s: caption Two CPU hogs share a pCPU
 *   at 5s: mem-set web01 512m              any xl command of the command language
 *   at +3s: pause Press Space to continue  waits for a key in the dashboard; headless runs go on
 *   at 20s: expect hogpv st > 30%          checked over the last `window` (default 5 s)
 *   at 30s: end
 *
 * Times: 1.5s, 500ms, 2m, or +N (after the previous step). `#` starts a comment. Every problem is
 * reported as file:line: why.
 */
import { splitWords } from '../commands/words.js';
import { COMMANDS } from '../commands/table.js';
import { parseSizeKiB } from '../cli/size.js';
import type { ShellKey } from '../shell/shell.js';

export type Op = '>' | '>=' | '<' | '<=' | '==' | '!=';
export const METRICS = ['st', 'cpu', 'wait', 'us', 'sy', 'id', 'wa', 'in', 'cs', 'ops', 'native', 'mem', 'target', 'maxmem', 'vcpus', 'offset', 'spin', 'swap'] as const;
export type Metric = (typeof METRICS)[number];

export interface Expectation {
  readonly domain: string;
  readonly metric: Metric;
  readonly op: Op;
  readonly value: number;
}

export type StepAction =
  | { readonly kind: 'caption'; readonly text: string }
  | { readonly kind: 'pause'; readonly text: string }
  | { readonly kind: 'command'; readonly line: string }
  | { readonly kind: 'expect'; readonly expect: Expectation; readonly text: string }
  | { readonly kind: 'end' }
  /** A key typed into a guest's console (from a recording). */
  | { readonly kind: 'type'; readonly domain: string; readonly key: ShellKey };

export interface Step {
  readonly atNs: number;
  readonly line: number;
  readonly action: StepAction;
}

export interface Scenario {
  readonly file: string;
  readonly title: string;
  readonly guestsDir: string | null;
  readonly pcpus: number | null;
  readonly hostMemMiB: number | null;
  readonly seed: number | null;
  readonly windowNs: number;
  readonly steps: readonly Step[];
}

export class ScenarioError extends Error {}

const NS = { ms: 1e6, s: 1e9, m: 60e9 } as const;

export function parseDuration(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(s.trim());
  if (m === null) return null;
  return Math.round(Number(m[1]) * NS[m[2] as keyof typeof NS]);
}

const OPS: readonly Op[] = ['>=', '<=', '==', '!=', '>', '<'];

function parseExpect(rest: string): Expectation | string {
  const m = /^(\S+)\s+(\S+)\s*(>=|<=|==|!=|>|<)\s*(\S+)$/.exec(rest.trim());
  if (m === null) return 'expected "expect DOMAIN METRIC OP VALUE", e.g. expect web01 st > 30%';
  const [, domain, metric, op, raw] = m as unknown as [string, string, string, Op, string];
  if (!(METRICS as readonly string[]).includes(metric)) return `unknown metric "${metric}" (one of ${METRICS.join(', ')})`;
  let value: number;
  if (metric === 'mem' || metric === 'target' || metric === 'maxmem' || metric === 'swap') {
    const kib = parseSizeKiB(raw);
    if (kib === null) return `bad size "${raw}" (e.g. 512m, 2g)`;
    value = kib / 1024;
  } else {
    const v = Number(raw.replace(/%$/, ''));
    if (!Number.isFinite(v)) return `bad value "${raw}"`;
    value = v;
  }
  if (!OPS.includes(op)) return `bad operator "${op}"`;
  return { domain, metric: metric as Metric, op, value };
}

export function parseScenario(text: string, file: string): Scenario {
  let title = file;
  let guestsDir: string | null = null;
  let pcpus: number | null = null;
  let hostMemMiB: number | null = null;
  let seed: number | null = null;
  let windowNs = 5e9;
  const steps: Step[] = [];
  let lastNs = 0;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const n = i + 1;
    const fail = (why: string): never => {
      throw new ScenarioError(`${file}:${n}: ${why}`);
    };
    const line = raw.replace(/\s+#.*$|^#.*$/, '').trim();
    if (line === '') return;
    const at = /^at\s+(\+?)([^:]+):\s*(.*)$/.exec(line);
    if (at === null) {
      const h = /^([a-z-]+):\s*(.*)$/.exec(line);
      if (h === null) return fail(`expected "at TIME: ACTION" or a header such as "title: ..."; got ${JSON.stringify(line)}`);
      if (steps.length > 0) return fail(`header "${h[1]}" after the first step; put headers first`);
      const [, key, val] = h as unknown as [string, string, string];
      if (key === 'title') title = val;
      else if (key === 'guests') guestsDir = val;
      else if (key === 'pcpus') {
        if (!/^\d+$/.test(val) || Number(val) < 1 || Number(val) > 512) return fail(`pcpus must be a whole number from 1 to 512, got ${JSON.stringify(val)}`);
        pcpus = Number(val);
      } else if (key === 'host-mem') {
        const kib = parseSizeKiB(val);
        if (kib === null || kib < 1024 * 1024) return fail(`host-mem must be a size of at least 1g, got ${JSON.stringify(val)}`);
        hostMemMiB = Math.floor(kib / 1024);
      } else if (key === 'seed') {
        if (!/^\d+$/.test(val)) return fail(`seed must be a whole number, got ${JSON.stringify(val)}`);
        seed = Number(val);
      } else if (key === 'window') {
        const w = parseDuration(val);
        if (w === null || w <= 0) return fail(`window must be a duration such as 5s, got ${JSON.stringify(val)}`);
        windowNs = w;
      } else return fail(`unknown header "${key}" (title, guests, pcpus, host-mem, seed, window)`);
      return;
    }
    const [, rel, timeText, actionText] = at as unknown as [string, string, string, string];
    const d = parseDuration(timeText);
    if (d === null) return fail(`bad time "${timeText}" (e.g. 5s, 500ms, 2m, +3s)`);
    const atNs = rel === '+' ? lastNs + d : d;
    if (atNs < lastNs) return fail(`time ${timeText} is before the previous step; steps must be in order`);
    lastNs = atNs;
    const word = actionText.split(/\s+/)[0] ?? '';
    const rest = actionText.slice(word.length).trim();
    let action: StepAction;
    if (word === 'caption') {
      if (rest === '') return fail('caption needs a text');
      action = { kind: 'caption', text: rest };
    } else if (word === 'pause') action = { kind: 'pause', text: rest === '' ? 'Press Space to continue' : rest };
    else if (word === 'end') action = { kind: 'end' };
    else if (word === 'expect') {
      const e = parseExpect(rest);
      if (typeof e === 'string') return fail(e);
      action = { kind: 'expect', expect: e, text: rest };
    } else {
      const words = splitWords(actionText);
      if (typeof words === 'string') return fail(words);
      const name = words[0] === 'xl' ? words[1] : words[0];
      if (name === undefined || !COMMANDS.some((c) => c.name === name)) return fail(`unknown action "${word}" (caption, pause, expect, end, or an xl command such as mem-set)`);
      action = { kind: 'command', line: actionText };
    }
    steps.push({ atNs, line: n, action });
  });
  if (steps.length === 0) throw new ScenarioError(`${file}: no steps ("at TIME: ACTION" lines)`);
  return { file, title, guestsDir, pcpus, hostMemMiB, seed, windowNs, steps };
}
