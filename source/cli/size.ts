/**
 * Memory sizes as xl parses them (tools/xl/xl_utils.c parse_mem_size_kb): a number with an optional
 * suffix b, k, m, g or t (case-insensitive); no suffix means MiB. Returns KiB, or null if invalid.
 */
export function parseSizeKiB(s: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgtBKMGT]?)\s*$/.exec(s);
  if (m === null) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const kib = unit === 'b' ? n / 1024 : unit === 'k' ? n : unit === 'g' ? n * 1024 * 1024 : unit === 't' ? n * 1024 ** 3 : n * 1024;
  if (!Number.isFinite(kib)) return null;
  return Math.floor(kib);
}
