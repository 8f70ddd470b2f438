/**
 * The dashboard measured as a user runs it: the built program in a 120x40 pseudo-terminal, default
 * 1 s refresh, 30 s of steady state after 5 s of warm-up. Reports time to first frame, CPU ms per frame (median, p95, from the program's
 * own PARATOP_STATS record), bytes written per second, process CPU % and peak RSS (from /proc).
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pty from '@lydell/node-pty';
import { cycledGuestTexts } from './fixture.js';

export interface DashboardFigures {
  readonly firstFrameMs: number;
  readonly cpuMsPerFrameMedian: number;
  readonly cpuMsPerFrameP95: number;
  /** Of which the model's step: the simulated host doing its own work for the refresh interval. */
  readonly modelMsPerFrameMedian: number;
  /** The rest, the dashboard's own work: sampling the host, rates, layout, rendering, diffing, writing. */
  readonly uiMsPerFrameMedian: number;
  readonly uiMsPerFrameP95: number;
  readonly bytesPerSec: number;
  readonly cpuPct: number;
  /** Of cpuPct, the main thread (model, sampling, rendering) and V8's helper threads (GC, JIT), ms per second. */
  readonly mainMsPerS: number;
  readonly helpersMsPerS: number;
  readonly peakRssMiB: number;
  readonly frames: number;
}

const CLK_TCK = 100;
const WARMUP_MS = 5000;

function procCpuTicks(pid: number, file = `/proc/${pid}/stat`): number {
  const stat = readFileSync(file, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** CPU ticks of the process's main thread (its tid is its pid); the rest is V8's helper threads (GC, JIT). */
function mainThreadTicks(pid: number): number {
  return procCpuTicks(pid, `/proc/${pid}/task/${pid}/stat`);
}

function peakRssKiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** The p-quantile of `xs` (the element at floor(p·n) once sorted; p = 0.5 is the median). */
export const pctile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
};

/**
 * The Node flags `npm start` runs the dashboard with (package.json's start script; a test keeps the
 * two the same), so the bench measures what a user runs. `--no-memory-reducer`: the dashboard is
 * a long-running process that allocates in a burst once a second and idles between. V8's memory
 * reducer takes the idle for a sign that the program is done, runs extra major GCs and shrinks the
 * young generation; a young GC every second then promotes each refresh's samples to the old
 * generation, and major GCs (and recompiling code they drop) come every few seconds. Measured with
 * 1,000 guests, same build, 3 alternating runs each: process CPU 4.9 -> 3.9 % of a core, V8's helper threads 19 -> 14 ms/s.
 */
export const NODE_RUN_FLAGS: readonly string[] = ['--no-memory-reducer'];

/** The built program in a 120x40 pty, as on a desktop terminal: UTF-8 locale, Ink's non-CI output. */
function spawnDashboard(bin: string, args: string[], env: Record<string, string> = {}): pty.IPty {
  return pty.spawn(process.execPath, [...NODE_RUN_FLAGS, bin, ...args], {
    cols: 120,
    rows: 40,
    env: { ...(process.env as Record<string, string>), CI: '0', TERM: 'xterm-256color', LANG: 'C.UTF-8', LC_ALL: '', LC_CTYPE: '', ...env },
  });
}

export function runDashboard(bin: string, args: string[], seconds: number): Promise<DashboardFigures> {
  const statsFile = join(mkdtempSync(join(tmpdir(), 'paratop-bench-')), 'stats.json');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawnDashboard(bin, args, { PARATOP_STATS: statsFile });
    let firstFrameMs = -1;
    let bytes = 0;
    let bytesAtStart = 0;
    let cpuAtStart = 0;
    let mainAtStart = 0;
    let tStart = 0;
    let peak = 0;
    p.onData((d) => {
      bytes += Buffer.byteLength(d);
      if (firstFrameMs < 0 && d.includes('NAME')) {
        firstFrameMs = performance.now() - t0;
        // Steady state: measured over `seconds`, after a 5 s settling period (JIT warm-up).
        setTimeout(() => {
          bytesAtStart = bytes;
          cpuAtStart = procCpuTicks(p.pid);
          mainAtStart = mainThreadTicks(p.pid);
          tStart = performance.now();
        }, WARMUP_MS);
        setTimeout(() => {
          const wallS = (performance.now() - tStart) / 1000;
          const cpuS = (procCpuTicks(p.pid) - cpuAtStart) / CLK_TCK;
          const mainS = (mainThreadTicks(p.pid) - mainAtStart) / CLK_TCK;
          const bytesPerSec = (bytes - bytesAtStart) / wallS;
          peak = peakRssKiB(p.pid);
          p.onExit(() => {
            try {
              const st = JSON.parse(readFileSync(statsFile, 'utf8')) as { frameCpuUs: number[]; modelCpuUs: number[] };
              const skip = WARMUP_MS / 1000;
              const ms = st.frameCpuUs.slice(skip).map((u) => u / 1000);
              const ui = st.frameCpuUs.slice(skip).map((u, i) => (u - st.modelCpuUs[i + skip]!) / 1000);
              resolve({
                firstFrameMs,
                cpuMsPerFrameMedian: pctile(ms, 0.5),
                cpuMsPerFrameP95: pctile(ms, 0.95),
                modelMsPerFrameMedian: pctile(st.modelCpuUs.slice(skip).map((u) => u / 1000), 0.5),
                uiMsPerFrameMedian: pctile(ui, 0.5),
                uiMsPerFrameP95: pctile(ui, 0.95),
                bytesPerSec,
                cpuPct: (cpuS / wallS) * 100,
                mainMsPerS: (mainS / wallS) * 1000,
                helpersMsPerS: ((cpuS - mainS) / wallS) * 1000,
                peakRssMiB: peak / 1024,
                frames: ms.length,
              });
            } catch (e) {
              reject(e);
            }
          });
          p.write('q');
        }, WARMUP_MS + seconds * 1000);
      }
    });
  });
}

/** The cycled fixture's configs (see fixture.ts) written to a folder for the dashboard to boot. */
export function thousandGuests(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'paratop-guests-'));
  mkdirSync(dir, { recursive: true });
  for (const g of cycledGuestTexts(n)) writeFileSync(join(dir, g.file), g.text);
  return dir;
}

/**
 * Time to first frame, as a user sees it: from spawning the program in a 120x40 pty to the table
 * header on screen. The median of `runs` launches, since one launch on a shared 2-core machine can
 * catch the disk cache or the other core busy.
 */
export async function firstFrameMs(bin: string, args: string[], runs = 5): Promise<{ median: number; min: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(
      await new Promise<number>((resolve) => {
        const t0 = performance.now();
        const p = spawnDashboard(bin, args);
        let t = -1;
        p.onData((d) => {
          if (t < 0 && d.includes('NAME')) {
            t = performance.now() - t0;
            p.write('q');
          }
        });
        p.onExit(() => resolve(t));
      }),
    );
  }
  return { median: pctile(times, 0.5), min: Math.min(...times), max: Math.max(...times) };
}

/**
 * How fast the list follows the keys: after `settleMs` of running, `keys` presses of j (and every
 * tenth a PgDn), 137 ms apart so they land at all phases of the refresh; the time from each key to
 * the first byte of the screen's update. Median, p90 and max in ms.
 */
export async function keyLatencyMs(bin: string, args: string[], keys = 30, settleMs = 6000): Promise<{ median: number; p90: number; max: number }> {
  const p = spawnDashboard(bin, args);
  let bytes = 0;
  let seen = false;
  p.onData((d) => {
    bytes += d.length;
    if (d.includes('NAME')) seen = true;
  });
  const exited = new Promise<void>((r) => p.onExit(() => r()));
  const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  while (!seen) await wait(10);
  await wait(settleMs);
  const lat: number[] = [];
  for (let i = 0; i < keys; i++) {
    const before = bytes;
    const t0 = performance.now();
    p.write(i % 10 === 9 ? '\x1b[6~' : 'j');
    while (bytes === before) await wait(1);
    lat.push(performance.now() - t0);
    await wait(137);
  }
  p.write('q');
  await exited;
  return { median: pctile(lat, 0.5), p90: pctile(lat, 0.9), max: Math.max(...lat) };
}

