/**
 * Plays a scenario against a host: advances the model to each step's simulated time exactly,
 * applies the step, and evaluates expectations over the window before them. Used by batch mode and
 * the dashboard alike; in the dashboard a `pause` step stops the clock until the presenter goes on.
 */
import { runCommand } from '../commands/run.js';
import type { DomainWait } from '../commands/wait.js';
import { shellFor } from '../shell/shell.js';
import type { ShellKey } from '../shell/shell.js';
import type { Host } from '../model/host.js';
import { sampleHost } from '../model/sample.js';
import type { DomainSample, HostSample } from '../model/sample.js';
import { deriveDomain } from '../view/rates.js';
import type { Expectation, Metric, Scenario, Step } from './parse.js';

export interface StepReport {
  readonly atNs: number;
  readonly line: number;
  readonly text: string;
  /** For expectations: whether it held, and the value seen. */
  readonly passed?: boolean;
  readonly actual?: number | null;
  /** For commands: their output, and whether xl refused them. */
  readonly output?: readonly string[];
  readonly refused?: boolean;
  /** A line xl logs for a domain that an earlier `shutdown -w` step waited for (not a step of its own). */
  readonly waited?: boolean;
}

export type PlayState = 'running' | 'paused' | 'done';

function metricValue(m: Metric, prev: DomainSample, cur: DomainSample, dtNs: number): number | null {
  switch (m) {
    case 'mem':
      return cur.memKiB / 1024;
    case 'target':
      return cur.targetKiB / 1024;
    case 'maxmem':
      return cur.maxmemKiB / 1024;
    case 'vcpus':
      return cur.vcpusOnline;
    case 'offset':
      return cur.clockOffsetNs / 1e6;
    case 'swap':
      return cur.mem.swapUsedKiB / 1024;
    default:
      break;
  }
  if (prev.id !== cur.id || dtNs <= 0) return null;
  const r = deriveDomain(prev, cur, dtNs);
  switch (m) {
    case 'st':
      return r.guestStPct ?? 0;
    case 'cpu':
      return r.cpuPct;
    case 'wait':
      return r.waitPct;
    case 'us':
    case 'sy':
    case 'id':
    case 'wa':
    case 'in':
    case 'cs':
      return r.vmstat[m];
    case 'ops':
      return r.opsPerSec;
    case 'native':
      return r.nativePct;
    case 'spin': {
      const cpu = cur.cpuNs - prev.cpuNs;
      return cpu > 0 ? ((cur.spinNs - prev.spinNs) / cpu) * 100 : 0;
    }
  }
}

function holds(e: Expectation, v: number): boolean {
  switch (e.op) {
    case '>':
      return v > e.value;
    case '>=':
      return v >= e.value;
    case '<':
      return v < e.value;
    case '<=':
      return v <= e.value;
    case '==':
      return Math.abs(v - e.value) < 1e-9;
    case '!=':
      return Math.abs(v - e.value) >= 1e-9;
  }
}

interface Item {
  readonly atNs: number;
  readonly step: Step | null;
  /** A sample the expectation at `forStep` will compare against. */
  readonly markFor: Step | null;
}

export class ScenarioPlayer {
  private readonly items: Item[];
  private next = 0;
  private readonly marks = new Map<Step, HostSample>();
  /** Commands' -w waits still open, and the step that ran each. */
  private waits: { readonly step: Step; readonly wait: DomainWait }[] = [];
  readonly reports: StepReport[] = [];
  caption = '';
  state: PlayState = 'running';
  pauseText = '';
  readonly startNs: number;

  constructor(
    readonly scenario: Scenario,
    private readonly host: Host,
    /** Called for each step as it is applied (report lines, recording). */
    private readonly onStep: (r: StepReport, step: Step) => void = () => {},
    /** Dashboard: stop at pause steps. Headless: go on. */
    private readonly interactive = false,
  ) {
    this.startNs = host.now;
    const items: Item[] = [];
    for (const s of scenario.steps) {
      if (s.action.kind === 'expect') items.push({ atNs: Math.max(0, s.atNs - scenario.windowNs), step: null, markFor: s });
      items.push({ atNs: s.atNs, step: s, markFor: null });
    }
    // Stable: marks sort before steps at the same time, then file order.
    this.items = items.map((it, i) => ({ it, i })).sort((a, b) => a.it.atNs - b.it.atNs || (a.it.markFor ? 0 : 1) - (b.it.markFor ? 0 : 1) || a.i - b.i).map((x) => x.it);
  }

  get failed(): number {
    return this.reports.filter((r) => r.passed === false).length;
  }

  /** The next step to come, for the presenter. */
  get upcoming(): Step | null {
    for (let i = this.next; i < this.items.length; i++) if (this.items[i]!.step !== null) return this.items[i]!.step;
    return null;
  }

  get stepIndex(): number {
    return this.items.slice(0, this.next).filter((i) => i.step !== null).length;
  }

  get stepCount(): number {
    return this.scenario.steps.length;
  }

  /** When the timeline ends: its `end` step, or its last step plus nothing. */
  get endNs(): number {
    const last = this.scenario.steps[this.scenario.steps.length - 1]!;
    return this.startNs + last.atNs;
  }

  resume(): void {
    if (this.state === 'paused') this.state = 'running';
  }

  /** Advances the host to `untilNs` (absolute), applying every step due on the way. */
  advanceTo(untilNs: number): PlayState {
    while (this.state === 'running' && this.next < this.items.length) {
      const it = this.items[this.next]!;
      const at = this.startNs + it.atNs;
      if (at > untilNs) break;
      if (at > this.host.now) {
        this.host.run(at);
        this.pollWaits();
      }
      this.next++;
      if (it.markFor !== null) {
        this.marks.set(it.markFor, sampleHost(this.host));
        continue;
      }
      this.apply(it.step!);
    }
    if (this.state === 'running' && this.next >= this.items.length) this.state = 'done';
    // Past the end of the timeline the simulation simply goes on; only a pause holds it.
    if (this.state !== 'paused' && untilNs > this.host.now) {
      this.host.run(untilNs);
      this.pollWaits();
    }
    return this.state;
  }

  /**
   * A `shutdown -w` step does not hold the timeline (its steps have their times); xl's lines for
   * the domains it waits for are reported, under its line, once the player has run past them.
   */
  private pollWaits(): void {
    for (const w of this.waits) {
      for (const text of w.wait.poll()) {
        const full: StepReport = { atNs: this.host.now - this.startNs, line: w.step.line, text, waited: true };
        this.reports.push(full);
        this.onStep(full, w.step);
      }
    }
    this.waits = this.waits.filter((w) => !w.wait.done);
  }

  private apply(s: Step): void {
    const a = s.action;
    const at = this.host.now - this.startNs;
    const report = (r: Omit<StepReport, 'atNs' | 'line'>): void => {
      const full = { atNs: at, line: s.line, ...r };
      this.reports.push(full);
      this.onStep(full, s);
    };
    switch (a.kind) {
      case 'caption':
        this.caption = a.text;
        report({ text: `caption: ${a.text}` });
        return;
      case 'pause':
        report({ text: `pause: ${a.text}` });
        if (this.interactive) {
          this.state = 'paused';
          this.pauseText = a.text;
        }
        return;
      case 'end':
        report({ text: 'end' });
        this.next = this.items.length;
        this.state = 'done';
        return;
      case 'command': {
        const r = runCommand(this.host, a.line);
        report({ text: a.line, output: [...r.out, ...r.err], refused: !r.ok });
        if (r.wait !== undefined) this.waits.push({ step: s, wait: r.wait });
        return;
      }
      case 'type': {
        const d = this.host.domains().find((x) => x.name === a.domain);
        if (d !== undefined) shellFor(this.host, d).key(a.key);
        report({ text: `console ${a.domain}: ${describeKey(a.key)}` });
        return;
      }
      case 'expect': {
        const e = a.expect;
        const cur = sampleHost(this.host);
        const prev = this.marks.get(s);
        const d = cur.domains.find((x) => x.name === e.domain);
        const p = prev?.domains.find((x) => x.name === e.domain);
        const v = d !== undefined && p !== undefined && prev !== undefined ? metricValue(e.metric, p, d, cur.tNs - prev.tNs) : null;
        const passed = v !== null && holds(e, v);
        report({ text: `expect ${a.text}`, passed, actual: v });
        return;
      }
    }
  }
}

/** A console key as a report line shows it: typed text quoted, other keys by name. */
export function describeKey(k: ShellKey): string {
  return k.type === 'text' ? JSON.stringify(k.text) : k.type;
}
