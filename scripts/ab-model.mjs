// Paired A/B of the model's CPU cost between two revisions, for a machine whose speed drifts.
//
//   node scripts/ab-model.mjs REV_A REV_B [--guests N] [--rounds N] [--steps N] [--idle MS] [--warmup S]
//
// REV is a git revision, or "." for the working tree. Each revision's bench fixture
// (source/bench/fixture.ts: the 1,000 guests on 64 pCPUs that `npm run bench` (b) and (e) run) is
// bundled on its own. In each round, one process per revision runs at the same time as the other,
// each pinned to a CPU of its own (taskset; they swap CPUs every round), and after a warm-up steps
// its host one simulated second at a time, each step after MS of idle (as the dashboard steps it).
// Both see the same phase of the machine, whose speed here drifts 1.5-2x within minutes, and
// neither shares a heap, a GC or a CPU with the other.
// (An earlier version stepped both hosts alternately in one process. It reported gains of 1-2 ms
// per simulated second for changes that ran 2-10 % slower on their own, measured this way and by
// instruction counts under cachegrind: the two hosts' shared heap and order mattered more than
// the change.)
// Prints each revision's median and lowest step, the median of B - A over steps taken at the same
// time, and whether both builds ran the same events (they should, if the change keeps the output
// byte-identical). A/A runs (one revision against itself) here give medians up to 0.5 ms apart
// (about 4 %) with 1,000 guests: a smaller difference is not a finding.
import { build } from 'esbuild';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = join(dirname(here), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`ab-model: ${name} wants a number`);
    process.exit(2);
  }
  return v;
};
const guests = opt('--guests', 1000);
const rounds = opt('--rounds', 6);
const steps = opt('--steps', 10);
const idleMs = opt('--idle', 1000);
const warmupS = opt('--warmup', 20);

const q = (v, p) => {
  const s = [...v].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

/** In a child: loads one bundle, warms its host up, steps it, prints one JSON line. */
async function child(file) {
  const m = await import(pathToFileURL(file).href);
  const h = m.cycledGuests(guests);
  for (let i = 0; i < warmupS; i++) h.advance(1e9);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const ms = [];
  for (let i = 0; i < steps; i++) {
    await sleep(idleMs);
    const c0 = process.cpuUsage();
    h.advance(1e9);
    const c = process.cpuUsage(c0);
    ms.push((c.user + c.system) / 1000);
  }
  console.log(JSON.stringify({ ms, events: h.queue.scheduledTotal, now: h.now }));
}

if (args[0] === '--child') {
  await child(args[1]);
  process.exit(0);
}

if (args.length !== 2) {
  console.error('usage: node scripts/ab-model.mjs REV_A REV_B [--guests N] [--rounds N] [--steps N] [--idle MS] [--warmup S]   (REV: a git revision, or . for the working tree)');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'paratop-ab-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/** The revision's fixture, bundled; returns the bundle's path. */
async function bundle(rev, tag) {
  let src = root;
  if (rev !== '.') {
    src = join(work, tag);
    mkdirSync(src);
    try {
      execFileSync('sh', ['-c', `git -C "${root}" archive "$0" source | tar -x -C "${src}"`, rev], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      console.error(`ab-model: cannot read revision ${rev}: ${String(e.stderr ?? e.message).trim().split('\n')[0]}`);
      process.exit(2);
    }
  }
  const entry = join(src, 'source', 'bench', 'fixture.ts');
  if (!existsSync(entry)) {
    console.error(`ab-model: ${rev} has no source/bench/fixture.ts (the fixture module is newer than that revision)`);
    process.exit(2);
  }
  const out = join(work, `${tag}.mjs`);
  await build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', nodePaths: [join(root, 'node_modules')], logLevel: 'warning' });
  return out;
}

const [fa, fb] = [await bundle(args[0], 'a'), await bundle(args[1], 'b')];
const pin = cpus().length >= 2 && existsSync('/usr/bin/taskset');
/** One child on `file`, pinned to `cpu` where it can be; resolves to its JSON line. */
const runChild = (file, cpu) =>
  new Promise((resolve, reject) => {
    const flags = ['--guests', guests, '--steps', steps, '--idle', idleMs, '--warmup', warmupS].map(String);
    const argv = [process.execPath, here, ...flags, '--child', file];
    const [cmd, ...rest] = pin ? ['/usr/bin/taskset', '-c', String(cpu), ...argv] : argv;
    execFile(cmd, rest, { encoding: 'utf8' }, (err, out) => (err ? reject(err) : resolve(JSON.parse(out.trim().split('\n').pop()))));
  });
const all = { a: [], b: [] };
const diffs = [];
let same = true;
let events = 0;
for (let r = 0; r < rounds; r++) {
  const [ra, rb] = await Promise.all([runChild(fa, r % 2), runChild(fb, 1 - (r % 2))]);
  all.a.push(...ra.ms);
  all.b.push(...rb.ms);
  // The two processes step in time with each other (same warm-up, same idle): pair them step by step.
  for (let i = 0; i < steps; i++) diffs.push(rb.ms[i] - ra.ms[i]);
  same &&= ra.events === rb.events && ra.now === rb.now;
  events = ra.events;
}
const f = (x) => x.toFixed(2);
console.log(`${guests} guests, ${rounds} rounds of ${steps} steps after ${idleMs} ms idle each, A and B at once${pin ? ' on a CPU each (swapped every round)' : ' (not pinned: no taskset or one CPU)'}; ms of CPU per simulated second:`);
console.log(`  A (${args[0]}): median ${f(q(all.a, 0.5))}, lowest ${f(Math.min(...all.a))}`);
console.log(`  B (${args[1]}): median ${f(q(all.b, 0.5))}, lowest ${f(Math.min(...all.b))}`);
console.log(`  B - A, step by step: median ${f(q(diffs, 0.5))} (quartiles ${f(q(diffs, 0.25))} .. ${f(q(diffs, 0.75))}), B cheaper in ${diffs.filter((d) => d < 0).length} of ${diffs.length}; ${same ? `same events (${events})` : 'the two builds ran different events'}`);
