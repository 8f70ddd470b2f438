#!/usr/bin/env node
/**
 * paratop's entry: flags -> load guests -> build the host -> the dashboard, or batch output.
 */
import meow from 'meow';
import { runBatch } from './batch.js';
import { terminalLine } from './output/sanitize.js';
import { dirname, resolve } from 'node:path';
import { loadRecording } from './scenario/recording.js';
import { readScenario, startSession } from './session.js';
import { FLAGS, HELP, VALUE_FLAG_NAMES, repeatedFlag, unknownFlag, validate } from './cli/flags.js';
import type { Scenario } from './scenario/parse.js';
import type { Recording } from './scenario/recording.js';
import type { Options } from './cli/flags.js';

const VERSION = '0.1.0';

function fail(msg: string, code = 2): never {
  process.stderr.write(`paratop: ${terminalLine(msg)}\n`);
  process.exit(code);
}

/** The options, and the scenario or recording they name, read and checked once. */
interface Parsed {
  readonly options: Options;
  readonly scenario: Scenario | null;
  readonly recording: Recording | null;
}

function parse(argv: string[], exec = false): Parsed {
  const bad = unknownFlag(argv) ?? repeatedFlag(argv);
  if (bad !== null) fail(bad);
  const cli = meow(HELP, {
    importMeta: import.meta,
    argv,
    version: VERSION,
    allowUnknownFlags: true,
    flags: FLAGS,
  });
  if (cli.input.length > 0) fail(`unexpected argument ${JSON.stringify(cli.input[0])} (see paratop --help)`);
  // A scenario or a recording sets the host; flags given explicitly still win over a scenario.
  let seed = cli.flags.seed;
  let pcpus = cli.flags.pcpus;
  let hostMem = cli.flags.hostMem;
  let guests = cli.flags.guests;
  const given = (name: string): boolean => argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  let scenario: Scenario | null = null;
  let recording: Recording | null = null;
  if (cli.flags.scenario !== undefined && cli.flags.replay === undefined) {
    const scn = readScenario(cli.flags.scenario);
    if (typeof scn === 'string') fail(scn);
    scenario = scn;
    if (seed === undefined && scn.seed !== null) seed = String(scn.seed);
    if (pcpus === undefined && scn.pcpus !== null) pcpus = String(scn.pcpus);
    if (hostMem === undefined && scn.hostMemMiB !== null) hostMem = `${scn.hostMemMiB}m`;
    if (!given('guests') && scn.guestsDir !== null) guests = resolve(dirname(cli.flags.scenario), scn.guestsDir);
  }
  if (cli.flags.replay !== undefined) {
    const rec = loadRecording(cli.flags.replay);
    if (typeof rec === 'string') fail(rec);
    recording = rec;
    seed = String(rec.seed);
    pcpus = String(rec.pcpus);
    hostMem = `${rec.hostMemMiB}m`;
  }
  const o = validate(
    {
      // exec prints a command's output: like batch mode, it runs at full speed unless told.
      batch: exec || cli.flags.batch,
      iterations: cli.flags.iterations,
      delay: cli.flags.delay,
      speed: cli.flags.speed,
      seed,
      guests,
      pcpus,
      hostMem,
      format: cli.flags.format,
      fullName: cli.flags.fullName,
      vcpus: cli.flags.vcpus,
      repeatHeader: cli.flags.repeatHeader,
      color: cli.flags.color,
      command: cli.flags.command,
      scenario: cli.flags.scenario,
      record: cli.flags.record,
      replay: cli.flags.replay,
      theme: cli.flags.theme,
      charset: cli.flags.charset,
    },
    exec ? false : process.stdout.isTTY === true,
    process.env,
  );
  if (typeof o === 'string') fail(o);
  return { options: o, scenario, recording };
}

async function batch(p: Parsed): Promise<void> {
  const o = p.options;
  // What a config, a command or a guest says passes through terminalLine: it may come from a guest.
  const say = (l: string): void => {
    process.stderr.write(`${terminalLine(l)}\n`);
  };
  const session = startSession(o, false, say, p);
  const { host, warnings, player, recorder } = session;
  for (const w of warnings) say(`paratop: ${w}`);
  if (!session.commandsOk) process.exitCode = 1;
  let stop = false;
  const onSignal = (): void => {
    stop = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const out = {
    write: (chunk: string): Promise<void> =>
      new Promise((resolve) => {
        if (process.stdout.write(chunk)) resolve();
        else process.stdout.once('drain', resolve);
      }),
  };
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const iterations = player !== null && !o.iterationsGiven ? Infinity : o.iterations;
  await runBatch(host, { ...o, iterations }, out, sleep, () => stop, player);
  if (recorder !== null && o.record !== undefined) recorder.save(o.record);
  if (player !== null && o.scenario !== undefined) {
    const expects = player.reports.filter((r) => r.passed !== undefined).length;
    say(`scenario "${player.scenario.title}": ${player.stepIndex} of ${player.stepCount} steps played, ${expects - player.failed} of ${expects} expectations met`);
    if (player.failed > 0) process.exitCode = 1;
  }
}

/** `paratop exec DOMAIN [options] -- COMMAND [ARGS…]`: the options before `--`, the command after. */
function splitExec(argv: string[]): { domain: string; flags: string[]; command: string[] } {
  const dash = argv.indexOf('--');
  const before = dash < 0 ? argv.slice(1) : argv.slice(1, dash);
  const command = dash < 0 ? [] : argv.slice(dash + 1);
  // The domain is the first word that is neither a flag nor a flag's value.
  const domain = before.find((a, i) => !a.startsWith('-') && !(i > 0 && VALUE_FLAG_NAMES.has(before[i - 1]!)));
  if (domain === undefined) fail('exec: which domain? (paratop exec DOMAIN -- COMMAND [ARGS...])');
  if (dash < 0) fail('exec: put the command after "--" (paratop exec DOMAIN -- COMMAND [ARGS...])');
  return { domain, flags: before.filter((a) => a !== domain), command };
}

async function exec(argv: string[]): Promise<void> {
  const { domain, flags, command } = splitExec(argv);
  const p = parse(flags, true);
  const o = p.options;
  const say = (l: string): void => {
    process.stderr.write(`${terminalLine(l)}\n`);
  };
  const session = startSession(o, false, say, p);
  for (const w of session.warnings) say(`paratop: ${w}`);
  let stop = false;
  process.on('SIGINT', () => {
    stop = true;
  });
  process.on('SIGTERM', () => {
    stop = true;
  });
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const { runExec } = await import('./shell/exec.js');
  const status = await runExec(session.host, domain, command, o.speed, {
    out: (l) => process.stdout.write(`${terminalLine(l)}\n`),
    err: say,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    stopped: () => stop,
  });
  process.exitCode = status;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === 'exec') {
    await exec(argv);
    return;
  }
  const p = parse(argv);
  const o = p.options;
  if (o.batch) {
    await batch(p);
    return;
  }
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    fail('the dashboard needs a terminal on stdin and stdout; for output without one use --batch (see paratop --help)');
  }
  // TERM=dumb (an editor's shell buffer, a serial console set up that way) declares a terminal
  // that cannot move the cursor: a full-screen program would only fill it with escape codes, and
  // curses tools (htop, xentop) refuse it too.
  if (process.env['TERM'] === 'dumb') {
    fail('the dashboard needs a terminal that can move the cursor, and TERM=dumb says this one cannot; for plain output use --batch (see paratop --help)');
  }
  const { runDashboard } = await import('./ui/run.js');
  const lines: string[] = [];
  const session = startSession(o, true, (l) => lines.push(l), p);
  await runDashboard(o, session);
  if (session.recorder !== null && o.record !== undefined) session.recorder.save(o.record);
  for (const l of lines) if (/refused|FAIL/.test(l)) process.stderr.write(`${terminalLine(l)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`paratop: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(70);
});
