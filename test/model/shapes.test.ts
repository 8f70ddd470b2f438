// The model's hot objects keep their V8 shape when a time, size or fraction field takes a value
// that is not a small integer (see doubleFields in source/model/arrays.ts): otherwise the first
// such value retires the shape of every object of the class and throws away the optimized code
// that reads them, a pause wherever the model first gets there (30 s in, with 1,000 guests).
// V8's own check (%HaveSameMap) needs --allow-natives-syntax, so this runs in a child node.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

const probe = `
import { cycledGuests } from './source/bench/fixture.ts';
// Parsed by V8 at run time: esbuild does not know the natives syntax.
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)');
const host = cycledGuests(12);
host.advance(3e9);
const kernels = host.domains().map((d) => d.kernel);
// Fields set once from the configuration, integers by construction.
const constant = new Set(['tickNs', 'bootNs', 'tickCostNs', 'wakeCostNs', 'kernelKiB', 'swapTotalKiB']);
const big = 2 ** 40 + 0.5;
const groups = {
  PCpu: host.pcpus,
  VCpu: host.domains().flatMap((d) => d.vcpus),
  GuestCpu: kernels.flatMap((k) => k.cpus),
  Task: kernels.flatMap((k) => k.tasks),
  GuestMemory: kernels.map((k) => k.memory),
  GuestKernel: kernels,
  KernelProfile: kernels.map((k) => k.prof),
};
const out = { checked: {}, changed: [] };
for (const [name, objs] of Object.entries(groups)) {
  if (objs.length < 2) throw new Error(name + ': fewer than two objects');
  // Objects of a class on more than one shape: one of them was already retired.
  const [a, b] = objs.filter((o) => sameMap(o, objs[0]));
  if (b === undefined) {
    out.changed.push(name + ' (its objects are on different shapes)');
    continue;
  }
  const fields = Object.keys(a).filter((k) => typeof a[k] === 'number' && /(Ns|KiB|Frac|Ops|rate)$/.test(k) && !constant.has(k));
  out.checked[name] = fields.length;
  for (const f of fields) {
    const keep = a[f];
    a[f] = big;
    if (!sameMap(a, b)) out.changed.push(name + '.' + f);
    a[f] = keep;
  }
}
console.log(JSON.stringify(out));
`;

test('time, size and fraction fields of the model objects are doubles from construction', async () => {
  const bundle = await build({
    stdin: { contents: probe, resolveDir: root, loader: 'ts', sourcefile: 'probe.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-'], { input: bundle.outputFiles[0]!.text, encoding: 'utf8', cwd: root });
  expect(run.stderr).toBe('');
  const out = JSON.parse(run.stdout) as { checked: Record<string, number>; changed: string[] };
  // Each class has such fields (the probe found them), and none of them changes the shape.
  for (const n of Object.values(out.checked)) expect(n).toBeGreaterThan(0);
  expect(out.changed).toEqual([]);
});
