/**
 * xl's cpu list syntax for `cpus=`: "all", "3", "0-3", "0,2-3", "^1" (all but 1), "0-3,^2",
 * or a list of such strings/numbers. Returns null for "all".
 */
export function parseCpuList(v: string | number | readonly (string | number)[]): number[] | null | string {
  const parts = Array.isArray(v) ? v.map(String) : String(v).split(',');
  const set = new Set<number>();
  let all = false;
  for (const raw of parts) {
    const p = raw.trim();
    if (p === 'all') {
      all = true;
      continue;
    }
    const neg = p.startsWith('^');
    const body = neg ? p.slice(1) : p;
    const m = /^(\d+)(?:-(\d+))?$/.exec(body);
    if (m === null) return `invalid cpu list element '${p}' (expected all, N, N-M or ^N)`;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (hi < lo) return `invalid cpu range '${p}'`;
    if (neg) {
      if (set.size === 0 && !all) {
        all = true;
      }
      for (let c = lo; c <= hi; c++) set.add(-1 - c);
    } else {
      for (let c = lo; c <= hi; c++) set.add(c);
    }
  }
  const excluded = [...set].filter((c) => c < 0).map((c) => -1 - c);
  const included = [...set].filter((c) => c >= 0);
  if (all) {
    if (excluded.length === 0) return null;
    // "all but": expanded against a large enough range; the host trims to its pCPUs.
    return Array.from({ length: 4096 }, (_, i) => i).filter((c) => !excluded.includes(c));
  }
  return included.filter((c) => !excluded.includes(c)).sort((a, b) => a - b);
}
