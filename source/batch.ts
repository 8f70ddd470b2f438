/**
 * Batch mode: sample the host every `delay` simulated seconds and write each sample to stdout in
 * the chosen format. Real-time pacing is the only wall-clock code here and stays outside the model.
 */
import { NS_PER_S } from './model/clock.js';
import type { Host } from './model/host.js';
import { sampleHost } from './model/sample.js';
import type { HostSample } from './model/sample.js';
import type { Format } from './cli/flags.js';
import { csvHeader, csvSample } from './output/csv.js';
import { jsonSample } from './output/json.js';
import { textSample } from './output/text.js';
import { deriveHost } from './view/rates.js';

export interface BatchOptions {
  readonly iterations: number;
  readonly delayS: number;
  readonly speed: number;
  readonly format: Format;
}

export interface Writer {
  write(chunk: string): boolean | Promise<void>;
}

/** Formats samples one after another; knows whether the CSV header is out. */
export function makeFormatter(format: Format): (prev: HostSample | null, cur: HostSample) => string {
  let headerDone = false;
  return (prev, cur) => {
    const view = deriveHost(prev, cur);
    if (format === 'json') return jsonSample(view);
    if (format === 'csv') {
      const head = headerDone ? '' : csvHeader();
      headerDone = true;
      return head + csvSample(view);
    }
    return textSample(view);
  };
}

/** Runs the batch loop; `stop()` ends it after the current sample. */
export async function runBatch(host: Host, o: BatchOptions, out: Writer, sleepMs: (ms: number) => Promise<void>, stopped: () => boolean): Promise<void> {
  const format = makeFormatter(o.format);
  const stepNs = Math.round(o.delayS * NS_PER_S);
  let prev: HostSample | null = null;
  for (let i = 0; i < o.iterations && !stopped(); i++) {
    if (i > 0) {
      if (Number.isFinite(o.speed)) await sleepMs((o.delayS / o.speed) * 1000);
      if (stopped()) break;
      host.advance(stepNs);
    }
    const cur = sampleHost(host);
    await out.write(format(prev, cur));
    prev = cur;
  }
}
