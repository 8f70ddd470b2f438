#!/usr/bin/env node
/**
 * paratop's entry: flags -> load guests -> build the host -> the dashboard, or batch output.
 */
import meow from 'meow';
import { bootHost } from './boot.js';
import { runBatch } from './batch.js';
import { runCommand } from './commands/run.js';
import type { Host } from './model/host.js';
import { HELP, unknownFlag, validate } from './cli/flags.js';
import type { Options } from './cli/flags.js';

const VERSION = '0.1.0';

function fail(msg: string, code = 2): never {
  process.stderr.write(`paratop: ${msg}\n`);
  process.exit(code);
}

function parse(): Options {
  const argv = process.argv.slice(2);
  const bad = unknownFlag(argv);
  if (bad !== null) fail(bad);
  const cli = meow(HELP, {
    importMeta: import.meta,
    version: VERSION,
    allowUnknownFlags: true,
    flags: {
      batch: { type: 'boolean', shortFlag: 'b', default: false },
      iterations: { type: 'string', shortFlag: 'i' },
      delay: { type: 'string', shortFlag: 'd' },
      speed: { type: 'string' },
      seed: { type: 'string' },
      guests: { type: 'string', default: 'guests' },
      pcpus: { type: 'string' },
      hostMem: { type: 'string' },
      format: { type: 'string', default: 'text' },
      color: { type: 'boolean', default: true },
      command: { type: 'string', shortFlag: 'c', isMultiple: true, default: [] },
      help: { type: 'boolean', shortFlag: 'h' },
      version: { type: 'boolean', shortFlag: 'v' },
    },
  });
  if (cli.input.length > 0) fail(`unexpected argument ${JSON.stringify(cli.input[0])} (see paratop --help)`);
  for (const k of ['iterations', 'delay', 'speed', 'seed', 'pcpus', 'hostMem', 'guests', 'format'] as const) {
    if (Array.isArray(cli.flags[k])) fail(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} given more than once`);
  }
  const o = validate(
    {
      batch: cli.flags.batch,
      iterations: cli.flags.iterations,
      delay: cli.flags.delay,
      speed: cli.flags.speed,
      seed: cli.flags.seed,
      guests: cli.flags.guests,
      pcpus: cli.flags.pcpus,
      hostMem: cli.flags.hostMem,
      format: cli.flags.format,
      color: cli.flags.color,
      command: cli.flags.command,
    },
    process.stdout.isTTY === true,
    process.env,
  );
  if (typeof o === 'string') fail(o);
  return o;
}

/** Applies the -c commands in order; their output goes to stderr so stdout stays parseable. */
function applyCommands(host: Host, commands: readonly string[]): boolean {
  let allOk = true;
  for (const c of commands) {
    const r = runCommand(host, c);
    for (const l of [...r.out, ...r.err]) process.stderr.write(`${l}\n`);
    if (!r.ok) {
      allOk = false;
      process.stderr.write(`paratop: -c ${JSON.stringify(c)} refused; nothing changed\n`);
    }
  }
  return allOk;
}

async function batch(o: Options): Promise<void> {
  const { host, warnings } = bootHost(o);
  for (const w of warnings) process.stderr.write(`paratop: ${w}\n`);
  if (!applyCommands(host, o.commands)) process.exitCode = 1;
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
  await runBatch(host, o, out, sleep, () => stop);
}

async function main(): Promise<void> {
  const o = parse();
  if (o.batch) {
    await batch(o);
    return;
  }
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    fail('the dashboard needs a terminal on stdin and stdout; for output without one use --batch (see paratop --help)');
  }
  const { runDashboard } = await import('./ui/run.js');
  await runDashboard(o);
}

main().catch((e: unknown) => {
  process.stderr.write(`paratop: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(70);
});
