import type { StepReport } from './player.js';

/** One line per step, as a lab author reads them: time, what, and for expectations the verdict. */
export function formatReport(r: StepReport): string {
  const t = `[${(r.atNs / 1e9).toFixed(1).padStart(7)}s]`;
  if (r.passed !== undefined) {
    const v = r.actual === null || r.actual === undefined ? 'no value (no such domain, or no interval yet)' : Number(r.actual.toFixed(2)).toString();
    return `${t} ${r.text}  ->  ${v}  ${r.passed ? 'ok' : 'FAIL'}`;
  }
  return `${t} ${r.text}${r.refused ? '  (refused)' : ''}`;
}
