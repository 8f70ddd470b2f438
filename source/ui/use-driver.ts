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

export const HISTORY = 60;

export interface DriverHooks {
  readonly onRefresh?: (() => void) | undefined;
  readonly onModelStepped?: (() => void) | undefined;
}

export function useDriver(host: Host, refreshMs: number, speed: number, paused: boolean, hooks: DriverHooks, player: ScenarioPlayer | null = null, onScenarioPause: () => void = () => {}): HostView[] {
  const [history, setHistory] = useState<HostView[]>(() => [deriveHost(null, sampleHost(host))]);
  const speedRef = useRef(speed);
  speedRef.current = speed;
  const hooksRef = useRef(hooks);
  const pauseRef = useRef(onScenarioPause);
  pauseRef.current = onScenarioPause;
  hooksRef.current = hooks;
  useEffect(() => {
    if (paused) return;
    const timer = setInterval(() => {
      hooksRef.current.onRefresh?.();
      const step = Math.round((refreshMs / 1000) * speedRef.current * NS_PER_S);
      // A scenario's steps land at their exact simulated times; a `pause` step stops the clock.
      if (player !== null) {
        if (player.advanceTo(host.now + step) === 'paused') pauseRef.current();
      } else host.advance(step);
      const s = sampleHost(host);
      hooksRef.current.onModelStepped?.();
      setHistory((h) => [...h.slice(-(HISTORY - 1)), deriveHost(h[h.length - 1]!.sample, s)]);
    }, refreshMs);
    return () => clearInterval(timer);
  }, [host, paused, refreshMs, player]);
  return history;
}
