// Bundles the program (and the benchmark) with esbuild: one file each, production React.
// --if-needed skips the build when every output is newer than every source file.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = [
  { in: 'source/cli.tsx', out: 'dist/paratop.js' },
  { in: 'source/bench/bench.ts', out: 'dist/bench.js' },
];

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

if (process.argv.includes('--if-needed')) {
  const src = Math.max(newest(join(root, 'source')), statSync(join(root, 'package.json')).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  const fresh = entries.every((e) => existsSync(join(root, e.out)) && statSync(join(root, e.out)).mtimeMs >= src);
  if (fresh) process.exit(0);
}

const stub = join(root, 'dist', '.devtools-stub.js');
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(stub, 'export default {};\n');

// Ink builds a new Output (with empty caches) every frame, so unchanged lines are tokenized and
// measured again each time. Share one cache across frames, cleared when it grows past a bound so
// memory stays flat. A build-time edit of one line of ink/build/output.js, checked below.
const inkOutputCache = {
  name: 'ink-output-cache',
  setup(b) {
    b.onLoad({ filter: /ink[\\/]build[\\/]output\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const src = await readFile(args.path, 'utf8');
      const from = '    caches = new OutputCaches();';
      if (!src.includes(from)) throw new Error('ink-output-cache: ink/build/output.js changed; review this patch');
      const shared = [
        'const SHARED_CACHES = new OutputCaches();',
        'function sharedCaches() {',
        '    const c = SHARED_CACHES;',
        '    if (c.styledChars.size + c.widths.size + c.blockWidths.size > 20000) {',
        '        c.styledChars.clear(); c.widths.clear(); c.blockWidths.clear();',
        '    }',
        '    return c;',
        '}',
      ].join('\n');
      const out = src.replace(from, '    caches = sharedCaches();').replace('export default class Output', `${shared}\nexport default class Output`);
      return { contents: out, loader: 'js' };
    });
  },
};

await build({
  plugins: [inkOutputCache],
  absWorkingDir: root,
  entryPoints: entries.map((e) => ({ in: e.in, out: e.out.replace(/^dist\//, '').replace(/\.js$/, '') })),
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: false,
  legalComments: 'none',
  alias: { 'react-devtools-core': stub },
  // node-pty loads a native binary: the benchmark (a dev tool) takes it from node_modules.
  external: ['@lydell/node-pty'],
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: "import { createRequire as __paratopCreateRequire } from 'node:module'; const require = __paratopCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
