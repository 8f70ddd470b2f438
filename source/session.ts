/**
 * What a run needs besides its options: the host (booted from guests/ or a recording), the -c
 * commands applied, the scenario (or replay) timeline, and the recorder. Shared by batch mode and
 * the dashboard.
 */
import { readFileSync } from 'node:fs';
import { bootHost } from './boot.js';
import type { Options } from './cli/flags.js';
import { runCommand } from './commands/run.js';
import { setConfigReader } from './config/load.js';
import { NS_PER_S } from './model/clock.js';
import type { Host } from './model/host.js';
import { ScenarioError, parseScenario } from './scenario/parse.js';
import type { Scenario } from './scenario/parse.js';
import { ScenarioPlayer } from './scenario/player.js';
import { Recorder, recordedFiles, recordingScenario } from './scenario/recording.js';
import type { Recording } from './scenario/recording.js';
import { formatReport } from './scenario/report.js';

/** How far, and in what steps, -c's `shutdown -w` runs simulated time while it waits. */
const WAIT_LIMIT_S = 600;
const WAIT_STEP_NS = NS_PER_S / 10;

export interface Session {
  readonly host: Host;
  readonly warnings: readonly string[];
  readonly player: ScenarioPlayer | null;
  readonly recorder: Recorder | null;
  /** False if a -c command was refused. */
  readonly commandsOk: boolean;
}

export function readScenario(file: string): Scenario | string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  }
  try {
    return parseScenario(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
}

/** What the command line named, already read and checked. */
export interface Loaded {
  readonly scenario: Scenario | null;
  readonly recording: Recording | null;
}

/** `report` gets one line per thing worth telling (command output, scenario steps). */
export function startSession(o: Options, interactive: boolean, report: (line: string) => void, loaded: Loaded): Session {
  const rec = loaded.recording;
  const scn = rec !== null ? recordingScenario(rec, o.replay ?? 'recording') : loaded.scenario;
  const { host, warnings, guestTexts } = bootHost({ ...o, guestTexts: rec?.guests });
  const recorder = o.record !== undefined ? new Recorder({ seed: o.seed, pcpus: o.pcpus, hostMemMiB: o.hostMemMiB, guests: guestTexts }, host.now) : null;
  // The config files xl commands read: kept by a recording, read back from it by its replay.
  setConfigReader(
    rec !== null
      ? recordedFiles(rec)
      : recorder !== null
        ? (file) => {
            const text = readFileSync(file, 'utf8');
            recorder.fileRead(file, text);
            return text;
          }
        : null,
  );
  let commandsOk = true;
  for (const c of o.commands) {
    const r = runCommand(host, c);
    recorder?.command(host.now, c);
    for (const l of [...r.out, ...r.err]) report(l);
    if (!r.ok) {
      commandsOk = false;
      report(`paratop: -c ${JSON.stringify(c)} refused; nothing changed`);
    }
    // -w holds the commands after it, as xl holds a script's next line: simulated time runs
    // until every domain it waits for has gone (xl would wait for ever; a guest here always
    // gets there within seconds, so the limit only guards against a model bug).
    if (r.wait !== undefined) {
      const until = host.now + WAIT_LIMIT_S * NS_PER_S;
      while (!r.wait.done && host.now < until) {
        host.advance(WAIT_STEP_NS);
        for (const l of r.wait.poll()) report(l);
      }
      if (!r.wait.done) report(`paratop: -c ${JSON.stringify(c)}: gave up waiting after ${WAIT_LIMIT_S} simulated seconds`);
    }
  }
  recorder?.sampling(host.now);
  let player: ScenarioPlayer | null = null;
  if (scn !== null) {
    player = new ScenarioPlayer(
      scn,
      host,
      (r, step) => {
        if (step.action.kind === 'command' && r.waited !== true) recorder?.command(host.now, step.action.line);
        if (rec === null) {
          report(formatReport(r));
          for (const l of r.output ?? []) report(`    ${l}`);
        }
      },
      interactive,
    );
    // Steps due at the very start apply before the first sample (a replay's, where the recorded run took it).
    player.advanceTo(host.now + (rec?.firstSampleNs ?? 0));
  }
  return { host, warnings, player, recorder, commandsOk };
}
