/**
 * Batch mode: sample the host every `delay` simulated seconds and write each sample to stdout in
 * the chosen format. Real-time pacing is the only wall-clock code here and stays outside the model.
 */
import { NS_PER_S } from './model/clock.js';
import type { Host } from './model/host.js';
import { sampleHost } from './model/sample.js';
import type { HostSample } from './model/sample.js';
import type { Format } from './cli/flags.js';
import type { ScenarioPlayer } from './scenario/player.js';
import { csvHeader, csvSample } from './output/csv.js';
import { jsonSample } from './output/json.js';
import { textSample } from './output/text.js';
import type { TextOptions } from './output/text.js';
import { deriveHost } from './view/rates.js';

export interface BatchOptions {
  readonly iterations: number;
  readonly delayS: number;
  readonly speed: number;
  readonly format: Format;
  readonly fullName?: boolean;
  readonly vcpus?: boolean;
  readonly repeatHeader?: boolean;
}

export interface Writer {
  write(chunk: string): boolean | Promise<void>;
}

/** Formats samples one after another; knows whether the CSV header is out. */
export function makeFormatter(format: Format, text: TextOptions = {}): (prev: HostSample | null, cur: HostSample) => string {
  let headerDone = false;
  return (prev, cur) => {
    const view = deriveHost(prev, cur);
    if (format === 'json') return jsonSample(view);
    if (format === 'csv') {
      const head = headerDone ? '' : csvHeader();
      headerDone = true;
      return head + csvSample(view);
    }
    return textSample(view, text);
  };
}

/** Runs the batch loop; `stop()` ends it after the current sample. */
export async function runBatch(
  host: Host,
  o: BatchOptions,
  out: Writer,
  sleepMs: (ms: number) => Promise<void>,
  stopped: () => boolean,
  player: ScenarioPlayer | null = null,
): Promise<void> {
  const format = makeFormatter(o.format, o);
  const stepNs = Math.round(o.delayS * NS_PER_S);
  let prev: HostSample | null = null;
  for (let i = 0; i < o.iterations && !stopped(); i++) {
    if (i > 0) {
      // With no -i, a scenario run ends with the first sample at or after its last step.
      if (player !== null && !Number.isFinite(o.iterations) && player.state === 'done' && host.now >= player.endNs) break;
      if (Number.isFinite(o.speed)) await sleepMs((o.delayS / o.speed) * 1000);
      if (stopped()) break;
      if (player !== null) player.advanceTo(host.now + stepNs);
      else host.advance(stepNs);
    }
    const cur = sampleHost(host);
    await out.write(format(prev, cur));
    prev = cur;
  }
}
