import { describe, expect, it } from 'vitest';
import { validate } from '../../source/cli/flags.js';
import type { RawFlags } from '../../source/cli/flags.js';
import { toAscii, utf8Locale } from '../../source/ui/charset.js';

const raw: RawFlags = { batch: false, iterations: undefined, delay: undefined, speed: undefined, seed: undefined, guests: 'guests', pcpus: undefined, hostMem: undefined, format: 'text', color: true, command: [] };

describe('character set', () => {
  it('reads the locale as htop does: LC_ALL, then LC_CTYPE, then LANG; unset is not UTF-8', () => {
    expect(utf8Locale({ LANG: 'en_US.UTF-8' })).toBe(true);
    expect(utf8Locale({ LANG: 'C.utf8' })).toBe(true);
    expect(utf8Locale({ LC_ALL: 'C', LANG: 'en_US.UTF-8' })).toBe(false);
    expect(utf8Locale({ LC_ALL: '', LC_CTYPE: 'de_DE.UTF-8', LANG: 'C' })).toBe(true);
    expect(utf8Locale({ LANG: 'en_US.ISO-8859-1' })).toBe(false);
    expect(utf8Locale({})).toBe(false);
  });

  it('draws the dashboard glyphs in ASCII one for one, so columns stay put', () => {
    const line = 'NAME↓ cpu0[##d ] 99%  ▁▂▃▄▅▆▇█  – … ← → ↑ Mem± ü';
    const a = toAscii(line);
    expect(a).toBe('NAMEv cpu0[##d ] 99%  _.:-=+*#  - ~ < > ^ Mem~ ?');
    expect(a).toHaveLength(line.length);
    expect(a).toMatch(/^[\x20-\x7e]*$/);
  });

  it('--charset overrides the locale; a bad value is refused', () => {
    const v = (charset: string | undefined, env: NodeJS.ProcessEnv) => validate({ ...raw, charset }, true, env);
    expect(v(undefined, { LANG: 'C' })).toMatchObject({ ascii: true });
    expect(v(undefined, { LANG: 'C.UTF-8' })).toMatchObject({ ascii: false });
    expect(v('utf8', { LANG: 'C' })).toMatchObject({ ascii: false });
    expect(v('UTF-8', {})).toMatchObject({ ascii: false });
    expect(v('ascii', { LANG: 'C.UTF-8' })).toMatchObject({ ascii: true });
    expect(v('latin1', {})).toBe('invalid value for --charset: "latin1" (expected utf8 or ascii)');
  });
});
