/**
 * Turns successive full frames into the minimal terminal updates, as curses does: each frame is
 * parsed into cells (a character and the SGR style in force), compared with the previous frame,
 * and only runs of changed cells are written, each after a cursor move. Pure: no I/O here.
 *
 * Assumes one column per character (the dashboard only draws such characters; guest text is
 * sanitized before it gets here).
 */

const ESC = '\x1b';
const CSI = `${ESC}[`;

export interface Cell {
  readonly ch: string;
  /** SGR parameters in force for this cell, '' for none. */
  readonly sgr: string;
}

export type Grid = Cell[][];

const BLANK: Cell = { ch: ' ', sgr: '' };

/** Parses a frame (lines joined by \n, with SGR sequences) into rows of cells, padded to `cols`. */
export function parseFrame(frame: string, cols: number, rows: number): Grid {
  const lines = frame.split('\n');
  const grid: Grid = [];
  for (let r = 0; r < rows; r++) {
    const line = lines[r] ?? '';
    const row: Cell[] = [];
    let sgr = '';
    for (let i = 0; i < line.length && row.length < cols; ) {
      const c = line[i]!;
      if (c === ESC && line[i + 1] === '[') {
        let j = i + 2;
        while (j < line.length && !/[@-~]/.test(line[j]!)) j++;
        if (line[j] === 'm') {
          const params = line.slice(i + 2, j);
          sgr = normalizeReset(sgr === '' ? params : `${sgr};${params}`);
        }
        i = j + 1;
        continue;
      }
      const cp = line.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      i += ch.length;
      row.push(sgr === '' && ch === ' ' ? BLANK : { ch, sgr });
    }
    while (row.length < cols) row.push(BLANK);
    grid.push(row);
  }
  return grid;
}

/**
 * Collapses a chain of SGR parameters to the attributes still in effect, so that "7;27" (inverse
 * on, then off) compares equal to "". Handles the attributes the dashboard uses.
 */
function normalizeReset(sgr: string): string {
  const on = new Map<string, string>();
  for (const p of sgr.split(';')) {
    if (p === '0' || p === '') on.clear();
    else if (p === '22') (on.delete('1'), on.delete('2'));
    else if (p === '23') on.delete('3');
    else if (p === '24') on.delete('4');
    else if (p === '27') on.delete('7');
    else if (p === '39') on.delete('fg');
    else if (p === '49') on.delete('bg');
    else if (/^3\d$|^9\d$/.test(p)) on.set('fg', p);
    else if (/^4\d$|^10\d$/.test(p)) on.set('bg', p);
    else on.set(p, p);
  }
  return [...on.values()].join(';');
}

const same = (a: Cell, b: Cell): boolean => a.ch === b.ch && a.sgr === b.sgr;

/**
 * The bytes that turn `prev` into `next` on a terminal showing `prev`. With no `prev`, the whole
 * screen is cleared and drawn. Runs of changed cells closer than `joinGap` are written as one run,
 * since a cursor move costs about as much as a few characters.
 */
export function diffGrids(prev: Grid | null, next: Grid, joinGap = 4): string {
  let out = '';
  let style = '';
  if (prev === null || prev.length !== next.length || (prev[0]?.length ?? 0) !== (next[0]?.length ?? 0)) {
    out += `${CSI}0m${CSI}2J`;
    prev = null;
  }
  for (let r = 0; r < next.length; r++) {
    const row = next[r]!;
    const old = prev?.[r];
    // Past this column the new row is plain blanks: erase to end of line instead of writing them.
    let tail = row.length;
    while (tail > 0 && row[tail - 1] === BLANK) tail--;
    let c = 0;
    while (c < row.length) {
      if (old !== undefined && same(old[c]!, row[c]!)) {
        c++;
        continue;
      }
      // Start of a changed run; extend it over short equal gaps.
      let end = c + 1;
      let gap = 0;
      for (let k = c + 1; k < row.length; k++) {
        if (old === undefined || !same(old[k]!, row[k]!)) {
          end = k + 1;
          gap = 0;
        } else if (++gap > joinGap) break;
      }
      const erase = end > tail;
      if (erase) end = Math.max(c, tail);
      if (prev === null && end === c) break;
      out += `${CSI}${r + 1};${c + 1}H`;
      for (let k = c; k < end; k++) {
        const cell = row[k]!;
        if (cell.sgr !== style) {
          out += cell.sgr === '' ? `${CSI}0m` : `${CSI}0;${cell.sgr}m`;
          style = cell.sgr;
        }
        out += cell.ch;
      }
      if (erase) {
        if (prev !== null) {
          if (style !== '') out += `${CSI}0m`;
          style = '';
          out += `${CSI}K`;
        }
        break;
      }
      c = end;
    }
  }
  if (style !== '') out += `${CSI}0m`;
  return out;
}
