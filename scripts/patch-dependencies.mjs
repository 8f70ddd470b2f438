// Build-time edits of dependencies, as an esbuild plugin: used by the build (scripts/build.mjs) and by
// the test that bundles the patched string-width and checks it still measures what it must
// (test/ui/string-width-patch.test.ts). Each edit is checked: if a dependency changes, the build
// fails and the edit is reviewed rather than silently skipped.
import { join } from 'node:path';
import { NARROW_FAST_PATH } from './narrow-chars.mjs';

/** The plugin, for the project at `root` (its node_modules). */
export function patchDependencies(root) {
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
      edits: [
        [String.raw`if (/^[\u0020-\u007E]*$/.test(string)) {`, `if (${NARROW_FAST_PATH}.test(string)) {`],
        // Its /^\p{RGI_Emoji}$/v literal builds ICU's set of emoji sequences when the module loads
        // (~17 ms of start-up); build it on first use, which the fast path above spares the dashboard.
        [
          'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
          "let rgiEmojiRegexInstance;\nconst rgiEmojiRegex = { test: (s) => (rgiEmojiRegexInstance ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(s) };",
        ],
      ],
    },
    // Both string-width copies (Ink's, and the older one wrap-ansi bundles) build an Intl.Segmenter
    // when they are imported: the first one loads ICU's break-iterator data, ~16 ms of start-up
    // before the first frame.
    // Build it on first use instead; the dashboard's own text takes the fast path above and never
    // needs it.
    {
      file: /string-width[\\/]index\.js$/,
      edits: [['const segmenter = new Intl.Segmenter();', 'let segmenterInstance;\nconst segmenter = { segment: (s) => (segmenterInstance ??= new Intl.Segmenter()).segment(s) };']],
    },
    // The same in the two ANSI tokenizers Ink loads (slice-ansi's, and @alcalzone/ansi-tokenize's).
    {
      file: /slice-ansi[\\/]tokenize-ansi\.js$/,
      edits: [
        [
          "const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});",
          "let graphemeSegmenter;\nconst GRAPHEME_SEGMENTER = { segment: (s) => (graphemeSegmenter ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'})).segment(s) };",
        ],
      ],
    },
    {
      file: /ansi-tokenize[\\/]build[\\/]tokenize\.js$/,
      edits: [
        [
          'const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });',
          'let segmenterInstance;\nconst segmenter = { segment: (s) => (segmenterInstance ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })).segment(s) };',
        ],
      ],
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
      // One onLoad for every patched file (esbuild takes the first onLoad that answers, so a file two
      // patches match gets the edits of both, in the table's order).
      const filter = new RegExp(patches.map((p) => `(?:${p.file.source})`).join('|'));
      b.onLoad({ filter }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        let src = await readFile(args.path, 'utf8');
        for (const p of patches) {
          if (!p.file.test(args.path)) continue;
          for (const [from, to] of p.edits) {
            if (!src.includes(from)) throw new Error(`patch-dependencies: ${args.path} changed; review this edit: ${from.slice(0, 60)}`);
            src = src.replace(from, () => to); // a function: `$'` and `$&` in an edit are literal text
          }
        }
        return { contents: src, loader: 'js' };
      });
    },
  };
  return patchDependencies;
}
