/**
 * Paces the model against the wall clock: every refresh interval, advance the model by
 * interval × speed simulated seconds, sample it and derive the rates once. The only wall-clock
 * timer in the program; the model itself never sees time.
 */
import { useEffect, useRef, useState } from 'react';
import { NS_PER_S } from '../model/clock.js';
import type { Host } from '../model/host.js';
import { sampleHost } from '../model/sample.js';
import { deriveHost } from '../view/rates.js';
import type { HostView } from '../view/rates.js';
import type { ScenarioPlayer } from '../scenario/player.js';

/**
 * History kept for time travel: 10 simulated minutes, and never more than ~60k domain samples.
 * A domain's sample and rates in a released view (all but the newest LIVE_VIEWS) are ~770 bytes,
 * their share of two Float64Arrays (65 + 30 numbers with 2 vCPUs) and a reference to shared
 * metadata, so the budget caps the history near 45 MiB: the demo keeps its 10 minutes; 1,000 guests
 * keep the last 60 samples.
 */
export const HISTORY_SIM_NS = 600 * NS_PER_S;
export const HISTORY_SAMPLE_BUDGET = 60_000;

/**
 * What the history keeps once `h`'s newest view has been added: the newest view whole, older ones
 * released (see HostView.release), the oldest dropped. The live screen reads the older views it
 * shows (up to 12: sparklines, vmstat's lines, the previous interval) a domain at a time
 * (HostView.row, cpuPct), so they keep their numbers and no object per domain, and the newest
 * view's rows live one refresh. (Kept whole for the 16 refreshes a sparkline and its slack
 * spanned, 1,000 guests' views held ~50,000 objects for every major GC to trace.) Time travel to
 * an older view makes its rows again when it is drawn, until the next refresh releases them.
 */
function trim(h: HostView[]): HostView[] {
  for (let i = 0; i < h.length - 1; i++) h[i]!.release();
  const newest = h[h.length - 1]!;
  const maxEntries = Math.max(60, Math.floor(HISTORY_SAMPLE_BUDGET / Math.max(1, newest.rows.length)));
  let from = Math.max(0, h.length - maxEntries);
  while (from < h.length - 1 && newest.sample.tNs - h[from]!.sample.tNs > HISTORY_SIM_NS) from++;
  return from === 0 ? h : h.slice(from);
}

export interface DriverHooks {
  readonly onRefresh?: (() => void) | undefined;
  readonly onModelStepped?: (() => void) | undefined;
}

export interface Driver {
  readonly history: HostView[];
  /** Advance one refresh's worth while paused (single step). */
  readonly step: () => void;
}

export function useDriver(host: Host, refreshMs: number, speed: number, paused: boolean, hooks: DriverHooks, player: ScenarioPlayer | null = null, onScenarioPause: () => void = () => {}): Driver {
  const [history, setHistory] = useState<HostView[]>(() => [deriveHost(null, sampleHost(host))]);
  const speedRef = useRef(speed);
  speedRef.current = speed;
  const hooksRef = useRef(hooks);
  const pauseRef = useRef(onScenarioPause);
  pauseRef.current = onScenarioPause;
  hooksRef.current = hooks;
  const tick = (): void => {
    hooksRef.current.onRefresh?.();
    const step = Math.round((refreshMs / 1000) * speedRef.current * NS_PER_S);
    // A scenario's steps land at their exact simulated times; a `pause` step stops the clock.
    if (player !== null) {
      if (player.state === 'paused') player.resume();
      if (player.advanceTo(host.now + step) === 'paused') pauseRef.current();
    } else host.advance(step);
    // Up to here the simulated host did its own work; reading it is the dashboard's.
    hooksRef.current.onModelStepped?.();
    const s = sampleHost(host);
    setHistory((h) => trim([...h, deriveHost(h[h.length - 1]!.sample, s)]));
  };
  const tickRef = useRef(tick);
  tickRef.current = tick;
  useEffect(() => {
    if (paused) return;
    const timer = setInterval(() => tickRef.current(), refreshMs);
    return () => clearInterval(timer);
  }, [paused, refreshMs]);
  return { history, step: () => tickRef.current() };
}
