/**
 * The build widens string-width's "width = length" fast path to the characters in NARROW_FAST_PATH
 * (scripts/narrow-chars.mjs). That is only sound if string-width itself gives each of them width 1
 * and no two of them form one grapheme cluster. Checked exhaustively here against the real library.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
// @ts-expect-error: a plain .mjs build helper without type declarations
import { NARROW_FAST_PATH } from '../../scripts/narrow-chars.mjs';

const source = NARROW_FAST_PATH as string;
const pattern = new RegExp(source.slice(1, source.lastIndexOf('/')));
const members: string[] = [];
for (let cp = 0; cp <= 0xffff; cp++) {
  const c = String.fromCodePoint(cp);
  if (cp < 0xd800 || cp > 0xdfff) if (pattern.test(c)) members.push(c);
}

describe('string-width fast path widened by the build', () => {
  it('covers the characters the dashboard draws', () => {
    for (const c of ['a', '│', '█', '▁', '▇', '–', '…', '±', '·', '×', '←', '↑', '→', '↓']) expect(pattern.test(c)).toBe(true);
    for (const c of ['\u00ad', '\u200b', '\u2028', '\u0301', '中', '⏎', '\u{1F600}']) expect(pattern.test(c)).toBe(false);
  });

  it('gives every member width 1, alone and between other characters, as string-width does', () => {
    expect(members.length).toBeGreaterThan(300);
    for (const c of members) {
      expect(stringWidth(c), `U+${c.codePointAt(0)!.toString(16)}`).toBe(1);
      expect(stringWidth(`a${c}b`)).toBe(3);
    }
  });

  it('never joins two members into one grapheme (so width is the length)', () => {
    const seg = new Intl.Segmenter();
    let joined = 0;
    for (const a of members) for (const b of members) if ([...seg.segment(a + b)].length !== 2) joined++;
    expect(joined).toBe(0);
  });
});

describe('string-width as the build patches it', () => {
  it('still measures wide, emoji and combining text (the Segmenter and the emoji set are built on first use)', async () => {
    const { build } = await import('esbuild');
    // @ts-expect-error: a plain .mjs build helper without type declarations
    const { patchDependencies } = await import('../../scripts/patch-dependencies.mjs');
    const root = join(import.meta.dirname, '..', '..');
    const dir = mkdtempSync(join(tmpdir(), 'paratop-sw-'));
    const out = join(dir, 'sw.mjs');
    await build({
      stdin: { contents: "export { default } from 'string-width';", resolveDir: root, loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: out,
      plugins: [patchDependencies(root)],
      logLevel: 'silent',
    });
    const code = readFileSync(out, 'utf8');
    // Nothing expensive is built when the module loads.
    expect(code).not.toMatch(/^\s*(var|const|let) \w+ = new Intl\.Segmenter\(/m);
    expect(code).not.toMatch(/\/\^\\p\{RGI_Emoji\}\$\/v/);
    const patched = ((await import(pathToFileURL(out).href)) as { default: (s: string) => number }).default;
    for (const s of ['abc', '▁▂▃ ↓ – …', '中文', '\u{1F600}', '\u{1F469}\u200d\u{1F469}\u200d\u{1F467}', 'e\u0301', '1\ufe0f\u20e3', '\u0007x', 'ｆｕｌｌ']) {
      expect(patched(s), JSON.stringify(s)).toBe(stringWidth(s));
    }
    expect(patched('\u{1F600}')).toBe(2);
  });
});
