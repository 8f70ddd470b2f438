// Bundles the program (and the benchmark) with esbuild: one file each, production React.
// --if-needed skips the build when every output is newer than every source file.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NARROW_FAST_PATH } from './narrow-chars.mjs';

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
  const src = Math.max(newest(join(root, 'source')), newest(join(root, 'scripts')), statSync(join(root, 'package.json')).mtimeMs);
  const fresh = entries.every((e) => existsSync(join(root, e.out)) && statSync(join(root, e.out)).mtimeMs >= src);
  if (fresh) process.exit(0);
}

const stub = join(root, 'dist', '.devtools-stub.js');
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(stub, 'export default {};\n');

// Build-time edits of dependencies, each checked: if a dependency changes, the build fails and the
// edit is reviewed rather than silently skipped.
const patches = [
  // Ink builds a new Output (with empty caches) every frame, so unchanged lines are tokenized and
  // measured again each time. Share one cache across frames, cleared when it grows past a bound so
  // memory stays flat.
  {
    file: /ink[\\/]build[\\/]output\.js$/,
    edits: [
      ['    caches = new OutputCaches();', '    caches = sharedCaches();'],
      [
        'export default class Output',
        [
          'const SHARED_CACHES = new OutputCaches();',
          'function sharedCaches() {',
          '    const c = SHARED_CACHES;',
          '    if (c.styledChars.size + c.widths.size + c.blockWidths.size > 20000) {',
          '        c.styledChars.clear(); c.widths.clear(); c.blockWidths.clear();',
          '    }',
          '    return c;',
          '}',
          'export default class Output',
        ].join('\n'),
      ],
      // paratop draws its whole screen as one Text at the origin, already laid out to the width, so
      // the per-cell pass (tokenize, place, re-encode every cell each frame) can be skipped: the
      // frame is the text itself. Any other tree takes Ink's own path.
      [
        '    get() {\n',
        [
          '    get() {',
          '        const only = this.operations.length === 1 ? this.operations[0] : undefined;',
          "        if (only && only.type === 'write' && only.x === 0 && only.y === 0) {",
          "            const lines = only.text.split('\\n').slice(0, this.height).map((line, i) => only.transformers.reduce((l, t) => t(l, i), line));",
          "            while (lines.length < this.height) lines.push('');",
          "            return { output: lines.join('\\n'), height: this.height };",
          '        }',
          '',
        ].join('\n'),
      ],
    ],
  },
  // yoga-layout's wasm is inlined as a data: URL, but its loader still goes through fetch() when
  // fetch exists, which makes Node load undici (~30 ms of start-up). Decode the inline copy directly.
  {
    file: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
    edits: [['function ya(){return w||"function"!=typeof fetch?', 'function ya(){return true?']],
  },
  // string-width's fast path (width = length) covers printable ASCII only, so every dashboard line
  // with a meter, sparkline, dash or arrow went through grapheme segmentation each frame. Widen it
  // to the single-width, non-joining characters the dashboard draws (checked exhaustively against
  // string-width itself by test/ui/string-width-patch.test.ts).
  {
    // Ink's own string-width only (wrap-ansi bundles an older copy, which it uses for wrapping).
    file: new RegExp(`^${join(root, 'node_modules', 'string-width', 'index.js').replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')}$`),
    edits: [[String.raw`if (/^[\u0020-\u007E]*$/.test(string)) {`, `if (${NARROW_FAST_PATH}.test(string)) {`]],
  },
  // meow loads normalize-package-data (and sorts the SPDX licence list) when it is imported, although
  // it only normalizes package.json lazily. Load it on first use (~15 ms of start-up).
  {
    file: /meow[\\/]build[\\/]dependencies\.js$/,
    edits: [
      [
        'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
        'const normalizePackageData = (...a) => getDefaultExportFromCjs(requireNormalize())(...a);',
      ],
    ],
  },
];

const patchDependencies = {
  name: 'patch-dependencies',
  setup(b) {
    for (const p of patches) {
      b.onLoad({ filter: p.file }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        let src = await readFile(args.path, 'utf8');
        for (const [from, to] of p.edits) {
          if (!src.includes(from)) throw new Error(`patch-dependencies: ${args.path} changed; review this edit: ${from.slice(0, 60)}`);
          src = src.replace(from, to);
        }
        return { contents: src, loader: 'js' };
      });
    }
  },
};

await build({
  plugins: [patchDependencies],
  absWorkingDir: root,
  entryPoints: entries.map((e) => ({ in: e.in, out: e.out.replace(/^dist\//, '').replace(/\.js$/, '') })),
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: !process.env.PARATOP_READABLE,
  // Identifiers minified: the bundle compiles ~20 ms faster at start-up. Stack traces map back to the
  // sources with `node --enable-source-maps dist/paratop.js`.
  sourcemap: 'linked',
  legalComments: 'none',
  alias: { 'react-devtools-core': stub },
  // node-pty loads a native binary: the benchmark (a dev tool) takes it from node_modules.
  external: ['@lydell/node-pty'],
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: "import { createRequire as __paratopCreateRequire } from 'node:module'; const require = __paratopCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
