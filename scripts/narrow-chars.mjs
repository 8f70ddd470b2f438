// Characters that are one column wide and never join with a neighbour into one grapheme: printable
// ASCII, Latin-1 (without the soft hyphen), general punctuation dashes/quotes/ellipsis, the four
// arrows, box drawing and block elements. For such strings, string-width's answer is the length.
// Shared by the build (which widens string-width's fast path with it) and the test that checks it.
export const NARROW_FAST_PATH = String.raw`/^[\u0020-\u007E\u00A0-\u00AC\u00AE-\u00FF\u2010-\u2027\u2190-\u2193\u2500-\u259F]*$/`;
