// Paired A/B of the model's CPU cost between two revisions, for a machine whose speed drifts.
//
//   node scripts/ab-model.mjs REV_A REV_B [--guests N] [--pairs N] [--idle MS] [--warmup S]
//
// REV is a git revision, or "." for the working tree. Each revision's bench fixture
// (source/bench/fixture.ts: the 1,000 guests on 64 pCPUs that `npm run bench` (b) and (e) run) is bundled on its
// own. A child process loads both, and after a warm-up steps them one simulated second at a time,
// alternately, each step after MS of idle (as the dashboard steps it), swapping which goes first
// in every pair: both builds see the same phase of the machine, so the paired difference cancels
// the drift that makes separate runs 1.5-2x apart here. Which host a process builds first is not
// neutral either (measured: A/A runs favour one position by 1-2 ms, and which one changes with the
// machine's phase), so a second child loads them the other way round, and the estimate is the
// mean of the two orders' median differences.
// Prints each order's medians and B - A, the combined B - A, and whether both builds ran the same
// events (they should, if the change keeps the output byte-identical).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const pairs = opt('--pairs', 20);
const idleMs = opt('--idle', 1000);
const warmupS = opt('--warmup', 30);

const q = (v, p) => {
  const s = [...v].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

/** In a child: loads the two bundles in this order, runs the pairs, prints one JSON line. */
async function child(first, second) {
  const [m1, m2] = [await import(pathToFileURL(first).href), await import(pathToFileURL(second).href)];
  const h1 = m1.cycledGuests(guests);
  const h2 = m2.cycledGuests(guests);
  for (let i = 0; i < warmupS; i++) {
    h1.advance(1e9);
    h2.advance(1e9);
  }
  const step = (h) => {
    const c0 = process.cpuUsage();
    h.advance(1e9);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const a = [];
  const b = [];
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? [h1, h2] : [h2, h1];
    const ms = new Map();
    for (const h of order) {
      await sleep(idleMs);
      ms.set(h, step(h));
    }
    a.push(ms.get(h1));
    b.push(ms.get(h2));
  }
  const d = b.map((x, i) => x - a[i]);
  const sameEvents = h1.queue.scheduledTotal === h2.queue.scheduledTotal && h1.now === h2.now;
  console.log(JSON.stringify({ first: q(a, 0.5), second: q(b, 0.5), diff: q(d, 0.5), lo: q(d, 0.25), hi: q(d, 0.75), secondCheaper: d.filter((x) => x < 0).length, sameEvents, events: h1.queue.scheduledTotal }));
}

if (args[0] === '--child') {
  await child(args[1], args[2]);
  process.exit(0);
}

if (args.length !== 2) {
  console.error('usage: node scripts/ab-model.mjs REV_A REV_B [--guests N] [--pairs N] [--idle MS] [--warmup S]   (REV: a git revision, or . for the working tree)');
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
const run = (first, second) => {
  const flags = ['--guests', guests, '--pairs', pairs, '--idle', idleMs, '--warmup', warmupS].map(String);
  return JSON.parse(execFileSync(process.execPath, [here, ...flags, '--child', first, second], { encoding: 'utf8' }).trim().split('\n').pop());
};
const ab = run(fa, fb);
const ba = run(fb, fa);
const f = (x) => x.toFixed(2);
console.log(`${guests} guests, ${pairs} pairs after ${idleMs} ms idle each, in two processes; ms of CPU per simulated second, medians:`);
console.log(`  A (${args[0]}) built first: A ${f(ab.first)}, B ${f(ab.second)}, B - A ${f(ab.diff)} (quartiles ${f(ab.lo)} .. ${f(ab.hi)}), B cheaper in ${ab.secondCheaper} of ${pairs}`);
console.log(`  B (${args[1]}) built first: B ${f(ba.first)}, A ${f(ba.second)}, B - A ${f(-ba.diff)} (quartiles ${f(-ba.hi)} .. ${f(-ba.lo)}), B cheaper in ${pairs - ba.secondCheaper} of ${pairs}`);
const same = ab.sameEvents && ba.sameEvents;
console.log(`  B - A, both orders: ${f((ab.diff - ba.diff) / 2)} ms; ${same ? `same events (${ab.events})` : 'the two builds ran different events'}`);
