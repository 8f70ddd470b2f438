// Paired A/B of the model's CPU cost between two revisions, for a machine whose speed drifts.
//
//   node scripts/ab-model.mjs REV_A REV_B [--guests N] [--pairs N] [--idle MS] [--warmup S]
//
// REV is a git revision, or "." for the working tree. Each revision's bench fixture
// (source/bench/fixture.ts, the 1,000 guests on 64 pCPUs of `npm run bench` (b)) is bundled on its
// own, both are loaded into one process, and after a warm-up they are stepped one simulated
// second at a time, alternately, each step after MS of idle (as the dashboard steps it), A first
// in even pairs and B first in odd ones. Both builds see the same phase of the machine, so the
// paired difference cancels most of the drift that makes separate runs 1.5-2x apart here.
// Prints each side's median CPU ms per simulated second, the median of B - A with its quartiles,
// how many pairs B was cheaper in, and whether both ran the same events (they should, if the
// change keeps the output byte-identical).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
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
      console.error(`ab-model: cannot read revision ${rev}: ${String(e.stderr ?? e.message).trim()}`);
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
const [ma, mb] = [await import(pathToFileURL(fa).href), await import(pathToFileURL(fb).href)];
const ha = ma.cycledGuests(guests);
const hb = mb.cycledGuests(guests);
for (let i = 0; i < warmupS; i++) {
  ha.advance(1e9);
  hb.advance(1e9);
}
const step = (h) => {
  const c0 = process.cpuUsage();
  h.advance(1e9);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const A = [];
const B = [];
const D = [];
for (let i = 0; i < pairs; i++) {
  let a;
  let b;
  if (i % 2 === 0) {
    await sleep(idleMs);
    a = step(ha);
    await sleep(idleMs);
    b = step(hb);
  } else {
    await sleep(idleMs);
    b = step(hb);
    await sleep(idleMs);
    a = step(ha);
  }
  A.push(a);
  B.push(b);
  D.push(b - a);
}
const q = (v, p) => {
  const s = [...v].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const same = ha.queue.scheduledTotal === hb.queue.scheduledTotal && ha.now === hb.now;
console.log(
  `${guests} guests, ${pairs} pairs after ${idleMs} ms idle each: A (${args[0]}) median ${q(A, 0.5).toFixed(2)} ms, B (${args[1]}) median ${q(B, 0.5).toFixed(2)} ms per simulated second; ` +
    `B - A median ${q(D, 0.5).toFixed(2)} ms (quartiles ${q(D, 0.25).toFixed(2)} .. ${q(D, 0.75).toFixed(2)}), B cheaper in ${D.filter((d) => d < 0).length} of ${pairs}; ` +
    (same ? `same events (${ha.queue.scheduledTotal})` : `events differ: ${ha.queue.scheduledTotal} vs ${hb.queue.scheduledTotal}`),
);
