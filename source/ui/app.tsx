/**
 * The dashboard: wires the model driver, the view state and the panes. One input handler; keys
 * come from KEYMAP only. Never draws more than rows - 1 lines (Ink redraws the whole screen
 * otherwise).
 */
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { NS_PER_S } from '../model/clock.js';
import type { Host } from '../model/host.js';
import { sampleHost } from '../model/sample.js';
import { sanitize } from '../output/sanitize.js';
import { deriveHost } from '../view/rates.js';
import type { HostView } from '../view/rates.js';
import { KEYMAP, SPEEDS } from './keymap.js';
import type { Action } from './keymap.js';
import {
  COLUMNS,
  VMSTAT_HEADER_1,
  VMSTAT_HEADER_2,
  consoleLines,
  headerLine,
  meterLine,
  rowLine,
  sparkline,
  summaryLines,
  vcpuLines,
  visibleColumns,
  vmstatLine,
} from './rows.js';

const NAMED_KEYS = new Set(['up', 'down', 'pageUp', 'pageDown', 'home', 'end', 'f1']);
export const MIN_COLS = 80;
export const MIN_ROWS = 24;
const HISTORY = 60;
const SPARK = 12;

export interface AppProps {
  readonly host: Host;
  readonly refreshMs: number;
  readonly initialSpeed: number;
  readonly color: boolean;
  readonly warnings: readonly string[];
  /** Called as each refresh starts, and once the model has stepped (frame statistics). */
  readonly onRefresh?: (() => void) | undefined;
  readonly onModelStepped?: (() => void) | undefined;
}

function useTerminalSize(): { cols: number; rows: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  useEffect(() => {
    const on = (): void => setSize({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', on);
    return () => {
      stdout.off('resize', on);
    };
  }, [stdout]);
  return size;
}

function keyName(input: string, key: { upArrow: boolean; downArrow: boolean; pageUp: boolean; pageDown: boolean; home?: boolean; end?: boolean }): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown) return 'pageDown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (input === '\x1bOP' || input === '\x1b[11~') return 'f1';
  return input;
}

export function App({ host, refreshMs, initialSpeed, color, warnings, onRefresh, onModelStepped }: AppProps): React.JSX.Element {
  const { exit } = useApp();
  const { cols, rows } = useTerminalSize();
  // Each refresh is derived once; the panes and sparklines read this bounded history.
  const [history, setHistory] = useState<HostView[]>(() => [deriveHost(null, sampleHost(host))]);
  const [paused, setPaused] = useState(false);
  const [speedIdx, setSpeedIdx] = useState(() => {
    const i = SPEEDS.findIndex((s) => s >= initialSpeed);
    return i < 0 ? SPEEDS.length - 1 : i;
  });
  const [selected, setSelected] = useState(0);
  const [sortIdx, setSortIdx] = useState(0);
  const [reverse, setReverse] = useState(false);
  const [help, setHelp] = useState(false);
  const speed = SPEEDS[speedIdx]!;
  const speedRef = useRef(speed);
  speedRef.current = speed;

  useEffect(() => {
    if (paused) return;
    const timer = setInterval(() => {
      onRefresh?.();
      host.advance(Math.round((refreshMs / 1000) * speedRef.current * NS_PER_S));
      const s = sampleHost(host);
      onModelStepped?.();
      setHistory((h) => [...h.slice(-(HISTORY - 1)), deriveHost(h[h.length - 1]!.sample, s)]);
    }, refreshMs);
    return () => clearInterval(timer);
  }, [host, paused, refreshMs, onRefresh, onModelStepped]);

  const view = history[history.length - 1]!;
  const cur = view.sample;
  const prev = history.length > 1 ? history[history.length - 2]!.sample : null;
  const sortCol = COLUMNS[sortIdx]!;
  const sorted = useMemo(() => {
    const r = [...view.rows];
    r.sort((a, b) => {
      if (a.sample.id === 0) return -1;
      if (b.sample.id === 0) return 1;
      const x = sortCol.sortValue(a);
      const y = sortCol.sortValue(b);
      // Names sort A-Z, numbers largest first (as xentop and htop do).
      const c = typeof x === 'string' ? x.localeCompare(String(y)) : (y as number) - x;
      return (reverse ? -c : c) || a.sample.id - b.sample.id;
    });
    return r;
  }, [view, sortCol, reverse]);

  const sel = Math.min(selected, sorted.length - 1);
  const listRows = Math.max(3, Math.min(sorted.length, Math.floor((rows - 1) * 0.3)));

  const act = (a: Action): void => {
    const page = listRows;
    const last = sorted.length - 1;
    const move = (f: (s: number) => number): void => setSelected((s) => Math.max(0, Math.min(last, f(Math.min(s, last)))));
    switch (a) {
      case 'up': return move((s) => s - 1);
      case 'down': return move((s) => s + 1);
      case 'pageUp': return move((s) => s - page);
      case 'pageDown': return move((s) => s + page);
      case 'home': return move(() => 0);
      case 'end': return move(() => last);
      case 'sortNext': return setSortIdx((i) => (i + 1) % COLUMNS.length);
      case 'sortPrev': return setSortIdx((i) => (i + COLUMNS.length - 1) % COLUMNS.length);
      case 'reverse': return setReverse((r) => !r);
      case 'pause': return setPaused((p) => !p);
      case 'faster': return setSpeedIdx((i) => Math.min(SPEEDS.length - 1, i + 1));
      case 'slower': return setSpeedIdx((i) => Math.max(0, i - 1));
      case 'help': return setHelp((h) => !h);
      case 'quit': return exit();
    }
  };

  useInput((input, key) => {
    if (help && (key.escape || input === 'q' || input === '?')) {
      setHelp(false);
      return;
    }
    if (key.ctrl && input === 'c') return exit();
    const name = keyName(input, key);
    // Fast typing arrives as one chunk ("jjj"): act on each character; named keys stay whole.
    const chars = NAMED_KEYS.has(name) ? [name] : [...name];
    for (const ch of chars) {
      const b = KEYMAP.find((k) => k.keys.includes(ch));
      if (b) act(b.action);
    }
  });

  if (cols < MIN_COLS || rows < MIN_ROWS) {
    const msg = [`terminal too small: ${cols} x ${rows}`, `need ${MIN_COLS} x ${MIN_ROWS}`];
    const top = Math.max(0, Math.floor((rows - 1 - msg.length) / 2));
    return (
      <Box flexDirection="column">
        {Array.from({ length: top }, (_, i) => <Text key={`pad${i}`}> </Text>)}
        {msg.map((m) => (
          <Text key={m}>{' '.repeat(Math.max(0, Math.floor((cols - m.length) / 2))) + m}</Text>
        ))}
      </Box>
    );
  }

  const budget = rows - 1;
  if (help) {
    const lines = ['paratop keys', '', ...KEYMAP.map((k) => `  ${k.label.padEnd(8)} ${k.help}`), '', 'Press ? or Esc to close.'];
    return (
      <Box flexDirection="column">
        {lines.slice(0, budget).map((l, i) => <Text key={`h${i}`}>{l}</Text>)}
      </Box>
    );
  }

  const cpuHist = (id: number): number[] => {
    const out: number[] = [];
    for (let i = Math.max(0, history.length - SPARK); i < history.length; i++) {
      const r = history[i]!.byId.get(id)?.rates;
      if (r) out.push(r.cpuPct);
    }
    return out;
  };

  const summary = summaryLines(view, paused, speed);
  const meters = meterLine(view, cols).split('\n');
  const colsShown = visibleColumns(cols, SPARK + 1);
  const head = `${headerLine(colsShown, sortCol.head, reverse)} ${'CPU'.padEnd(SPARK)}`;
  const first = Math.max(0, Math.min(sel - Math.floor(listRows / 2), sorted.length - listRows));
  const shown = sorted.slice(first, first + listRows);
  const selRow = sorted[sel]!;
  const prevDom = history.length > 1 ? history[history.length - 2]!.byId.get(selRow.sample.id)?.sample : undefined;
  const dt = prev ? cur.tNs - prev.tNs : 0;

  const vmHist: string[] = [];
  for (let i = Math.max(1, history.length - 8); i < history.length; i++) {
    const r = history[i]!.byId.get(selRow.sample.id)?.rates;
    if (r) vmHist.push(vmstatLine(r.vmstat));
  }
  const leftW = VMSTAT_HEADER_2.length + 1;
  const sideBySide = cols >= leftW + 58;
  const vcpu = vcpuLines(selRow.sample, prevDom, dt);
  const offset = selRow.sample.clockOffsetNs / 1e6;
  const guestTitle = `inside ${selRow.sample.name} (vmstat 1${selRow.sample.seesSteal ? '' : ', cannot see steal'})${offset !== 0 ? `  clock ${offset.toFixed(1)} ms` : ''}`;
  const left = [guestTitle, VMSTAT_HEADER_1, VMSTAT_HEADER_2, ...vmHist];
  const right = ['the hypervisor\'s view', ...vcpu];

  const used = summary.length + meters.length + 1 + shown.length + 1;
  const paneWant = sideBySide ? Math.max(left.length, right.length) : left.length + right.length;
  const paneRows = Math.max(6, Math.min(paneWant, Math.floor((budget - used) * 0.6)));
  const conRows = Math.max(1, budget - used - paneRows - 1);
  const k = host.domain(selRow.sample.id)?.kernel;
  const con = k ? consoleLines(k.console.tail(conRows - 1), cols) : [];
  const pane: string[] = [];
  if (sideBySide) {
    for (let i = 0; i < paneRows; i++) pane.push(`${(left[i] ?? '').padEnd(leftW)} ${right[i] ?? ''}`.slice(0, cols));
  } else {
    // Stacked: the guest's own view, then the hypervisor's, each trimmed to its share.
    const rightShare = Math.min(right.length, Math.max(2, Math.floor(paneRows / 2)));
    const leftShare = paneRows - rightShare;
    pane.push(...[...left.slice(0, 3), ...left.slice(3).slice(-(leftShare - 3))].slice(0, leftShare).map((l) => l.slice(0, cols)));
    pane.push(...right.slice(0, rightShare).map((l) => l.slice(0, cols)));
  }
  const bar = KEYMAP.filter((b) => b.bar !== null).map((b) => `${b.label} ${b.bar}`).join('  ');
  const inv = { inverse: true } as const;

  return (
    <Box flexDirection="column">
      {summary.map((l, i) => <Text key={`s${i}`}>{l.slice(0, cols)}</Text>)}
      {meters.map((l, i) => <Text key={`m${i}`} {...(color ? { color: 'green' } : {})}>{l.slice(0, cols)}</Text>)}
      <Text {...inv}>{head.slice(0, cols).padEnd(cols)}</Text>
      {shown.map((r) => {
        const line = `${rowLine(colsShown, r)} ${sparkline(cpuHist(r.sample.id), SPARK)}`.slice(0, cols);
        const isSel = r.sample.id === selRow.sample.id;
        return (
          <Text key={`d${r.sample.id}`} inverse={isSel} {...(!isSel && color && r.sample.mode === 'full' ? { color: 'yellow' } : {})}>
            {line}
          </Text>
        );
      })}
      <Text {...inv}>{` ${sanitize(selRow.sample.name)}  ${selRow.sample.modeLabel}  ${selRow.sample.workload}`.padEnd(cols).slice(0, cols)}</Text>
      {pane.map((l, i) => <Text key={`p${i}`}>{l}</Text>)}
      <Text {...inv}>{` console ${k?.traits.console ?? ''}`.padEnd(cols).slice(0, cols)}</Text>
      {con.map((l, i) => <Text key={`c${i}`}>{l}</Text>)}
      {Array.from({ length: Math.max(0, conRows - 1 - con.length) }, (_, i) => <Text key={`cp${i}`}> </Text>)}
      <Text {...inv}>{(warnings.length > 0 ? `${warnings.length} config problem(s), see stderr log  ` : '') + bar}</Text>
    </Box>
  );
}
