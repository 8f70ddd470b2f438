/**
 * The dashboard: wires the model driver, the view state (reducer) and the layout. One input
 * handler; keys come from KEYMAP only, and modes (prompt, help, console focus) are state, not
 * stacked handlers.
 */
import { Box, Text, useApp, useInput, useStdin } from 'ink';
import { useEffect, useReducer, useRef } from 'react';
import type { Host } from '../model/host.js';
import { initialViewState, reduceView, selectedIndex } from '../view/state.js';
import { editLine } from '../shell/line-edit.js';
import type { LineEdit } from '../shell/line-edit.js';
import type { ViewAction, ViewState } from '../view/state.js';
import { commonPrefix, complete, runCommand } from '../commands/run.js';
import type { DomainWait } from '../commands/wait.js';
import { actionCommand } from './actions.js';
import type { ScenarioPlayer } from '../scenario/player.js';
import type { Recorder } from '../scenario/recording.js';
import { SPEEDS, bindingFor, consoleBindingFor, promptBindingFor } from './keymap.js';
import { noLoginShell, shellFor } from '../shell/shell.js';
import type { ShellKey } from '../shell/shell.js';
import type { Command } from './keymap.js';
import { functionKeyName, keyChars, keyName } from './keys.js';
import type { InkKey } from './keys.js';
import { toAscii } from './charset.js';
import { helpLines, helpPage, historyUpTo, layout, listColumns, listPage, messageLines, visibleRows } from './layout.js';
import type { Line } from './layout.js';
import { COLUMNS } from './rows.js';
import { useDriver } from './use-driver.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  readonly host: Host;
  readonly refreshMs: number;
  readonly initialSpeed: number;
  readonly color: boolean;
  readonly warnings: readonly string[];
  /** Called as each refresh starts, and once the model has stepped (frame statistics). */
  readonly onRefresh?: (() => void) | undefined;
  readonly onModelStepped?: (() => void) | undefined;
  /** A scenario being played, and where commands are recorded (both optional). */
  readonly player?: ScenarioPlayer | null;
  readonly recorder?: Recorder | null;
  readonly contrast?: boolean;
  /** Start with the vCPU lines (--vcpus) and the repeated header (-r) on, as xentop -v and -r do. */
  readonly vcpuLines?: boolean;
  readonly repeatHeader?: boolean;
  /** Draw in ASCII only (the terminal's locale is not UTF-8). */
  readonly ascii?: boolean;
  /** Ctrl+L: have the terminal drawn again from scratch. */
  readonly onRepaint?: () => void;
  /** Ctrl+Z: lend the terminal to the shell and stop (the process's own business; see run.tsx). */
  readonly onSuspend?: () => void;
}

const SGR_FG: Record<string, number> = { green: 32, yellow: 33, cyan: 36, magenta: 35, red: 31 };

/**
 * Reverse video and colour as SGR codes in the text itself, not through chalk: chalk turns all
 * styling off under --no-color/NO_COLOR, and a monochrome screen still needs reverse video for the
 * selection and the bars. Colour is only ever added when colour is on (layout decides).
 */
export function styled(l: Line, contrast: boolean): string {
  let t = l.text === '' ? ' ' : l.text;
  if (l.cursor !== undefined && l.cursor >= 0) {
    const c = l.cursor;
    const padded = t.length > c ? t : t.padEnd(c + 1);
    t = `${padded.slice(0, c)}\x1b[7m${padded[c]}\x1b[27m${padded.slice(c + 1)}`;
  }
  if (contrast) return l.inverse === true ? `\x1b[1;7m${t}\x1b[22;27m` : `\x1b[1m${t}\x1b[22m`;
  const fg = l.color !== undefined ? SGR_FG[l.color] : undefined;
  // A coloured bar is black on that colour, both explicit: reverse video would draw it in the
  // terminal's background colour, which is white on a light theme (white on yellow is unreadable).
  if (fg !== undefined && l.inverse === true) return `\x1b[30;${fg + 10}m${t}\x1b[39;49m`;
  if (fg !== undefined) t = `\x1b[${fg}m${t}\x1b[39m`;
  if (l.inverse === true) t = `\x1b[7m${t}\x1b[27m`;
  return t;
}

/** The keys that move the selection, and scroll the help screen or a long message while one is open. */
const MOVES: readonly string[] = ['up', 'down', 'pageUp', 'pageDown', 'home', 'end'];

/** The first line shown after a moving key scrolls text from `top` (pages of `page` lines, `max` the last top). */
function scrolled(move: string, top: number, page: number, max: number): number {
  const by = { up: -1, down: 1, pageUp: -page, pageDown: page, home: -max, end: max }[move as 'up'];
  return Math.min(max, Math.max(0, top + by));
}

function speedIndex(speed: number): number {
  const i = SPEEDS.findIndex((s) => s >= speed);
  return i < 0 ? SPEEDS.length - 1 : i;
}

export function App({ host, refreshMs, initialSpeed, color, warnings, onRefresh, onModelStepped, player = null, recorder = null, contrast = false, ascii = false, onRepaint, onSuspend, vcpuLines = false, repeatHeader = false }: AppProps): React.JSX.Element {
  const { exit } = useApp();
  const { cols, rows } = useTerminalSize();
  // Problems with the guest configs are shown at once (whatever loaded is running); Esc closes the box,
  // the key bar keeps counting them, and they are on stderr at exit.
  const [state, dispatch] = useReducer(reduceView, undefined, () => ({
    ...initialViewState(speedIndex(initialSpeed), refreshMs),
    contrast,
    vcpuLines,
    repeatHeader,
    message: warnings.length > 0 ? { title: `guest configs: ${warnings.length} problem${warnings.length === 1 ? '' : 's'} (whatever else loaded is running)`, lines: [...warnings], error: true, wrap: true } : null,
  }));
  // Keys can arrive before React re-registers the input handler with the new state; the ref
  // always holds the state after the last key, so each key acts on what the previous one left.
  const stateRef = useRef(state);
  stateRef.current = state;
  /** Rows the last frame gave an open message (the moving keys scroll it when it has more lines). */
  const messageRoomRef = useRef(0);
  const onScenarioPause = (): void => {
    if (stateRef.current.paused) return;
    const a: ViewAction = { type: 'pause' };
    stateRef.current = reduceView(stateRef.current, a);
    dispatch(a);
  };
  const driver = useDriver(host, state.refreshMs, SPEEDS[state.speedIdx]!, state.paused, { onRefresh, onModelStepped }, player, onScenarioPause);
  const history = driver.history;
  /** `shutdown -w` commands still waiting, each under the title its output was shown with. */
  const waitsRef = useRef<{ readonly title: string; readonly wait: DomainWait }[]>([]);
  useEffect(() => {
    // After each step of the model: xl's line for each domain a -w waited for, as it goes.
    if (waitsRef.current.length === 0) return;
    for (const w of waitsRef.current) {
      const lines = w.wait.poll();
      if (lines.length === 0) continue;
      const a: ViewAction = { type: 'messageAppend', title: w.title, lines };
      stateRef.current = reduceView(stateRef.current, a);
      dispatch(a);
    }
    waitsRef.current = waitsRef.current.filter((w) => !w.wait.done);
  }, [history]);
  // Time travel: everything on screen is drawn from the history up to the chosen sample.
  const shown = historyUpTo(history, state.historyAtNs);
  const view = shown[shown.length - 1]!;

  /** The domain the panes show: the selected one, or the first visible one if a filter hides it. */
  const paneDomainId = (s: ViewState): number => {
    const list = visibleRows(view, s);
    return list[selectedIndex(list, s)]?.sample.id ?? s.selectedId;
  };

  /** The next column the list shows, going `by` (+1/-1) from `idx`: the ones a narrow terminal drops are skipped, so the sort column is always on screen. */
  const nextShownColumn = (idx: number, by: 1 | -1): number => {
    const shown = new Set(listColumns(cols, undefined, stateRef.current.columnGroups).map((c) => c.head));
    let i = idx;
    for (let n = 0; n < COLUMNS.length; n++) {
      i = (i + by + COLUMNS.length) % COLUMNS.length;
      if (shown.has(COLUMNS[i]!.head)) return i;
    }
    return idx;
  };

  const run = (c: Command, s: ViewState): ViewAction | 'quit' | null => {
    const list = visibleRows(view, s);
    const idx = selectedIndex(list, s);
    const selectedId = paneDomainId(s);
    const page = listPage(list, s, rows);
    const select = (i: number): ViewAction | null => {
      const r = list[Math.max(0, Math.min(list.length - 1, i))];
      return r ? { type: 'select', id: r.sample.id, name: r.sample.name } : null;
    };
    switch (c) {
      case 'up': return select(idx - 1);
      case 'down': return select(idx + 1);
      case 'pageUp': return select(idx - page);
      case 'pageDown': return select(idx + page);
      case 'home': return select(0);
      case 'end': return select(list.length - 1);
      case 'focus': return { type: 'focusNext' };
      case 'sortNext': return { type: 'sort', idx: nextShownColumn(s.sortIdx, 1) };
      case 'sortPrev': return { type: 'sort', idx: nextShownColumn(s.sortIdx, -1) };
      case 'reverse': return { type: 'reverse' };
      case 'filter': return { type: 'promptOpen', kind: 'filter', text: s.filter };
      case 'delay': return { type: 'promptOpen', kind: 'delay', text: '' };
      case 'pause':
        // Space also goes on past a scenario's pause step.
        if (s.paused && player?.state === 'paused') player.resume();
        return { type: 'pause' };
      case 'faster': return { type: 'speed', idx: Math.min(SPEEDS.length - 1, s.speedIdx + 1) };
      case 'slower': return { type: 'speed', idx: Math.max(0, s.speedIdx - 1) };
      case 'help': return { type: 'help', open: !s.help };
      case 'command': return { type: 'promptOpen', kind: 'command', text: '' };
      case 'profile': return { type: 'screen', screen: s.screen === 'profile' ? 'main' : 'profile' };
      case 'memUp':
      case 'memDown':
      case 'vcpuUp':
      case 'vcpuDown':
      case 'modeNext':
      case 'domPause': {
        const line = actionCommand(c, host, selectedId);
        return line === null ? null : execute(line);
      }
      case 'history':
        return { type: 'history', atNs: s.historyAtNs === null ? view.sample.tNs : null };
      case 'older':
      case 'newer': {
        if (s.historyAtNs === null) return null;
        const i = history.findIndex((h) => h.sample.tNs === view.sample.tNs);
        const j = i + (c === 'older' ? -1 : 1);
        if (j >= history.length) return { type: 'history', atNs: null };
        return { type: 'history', atNs: history[Math.max(0, j)]!.sample.tNs };
      }
      case 'step':
        if (s.paused) driver.step();
        return null;
      case 'mark': return { type: 'toggleCompare', id: selectedId };
      case 'compare': return { type: 'screen', screen: s.screen === 'compare' ? 'main' : 'compare' };
      case 'overlay': return { type: 'overlay' };
      case 'contrast': return { type: 'contrast' };
      case 'repaint':
        onRepaint?.();
        return null;
      case 'suspend':
        onSuspend?.();
        return null;
      case 'netColumns':
      case 'vbdColumns': {
        const group = c === 'netColumns' ? 'net' : 'vbd';
        // Turning off the column the list is sorted by sorts it by CPU(%) instead.
        const off = s.columnGroups.includes(group) && COLUMNS[s.sortIdx]!.group === group;
        return { type: 'columns', group, ...(off ? { sortIdx: COLUMNS.findIndex((x) => x.head === 'CPU(%)') } : {}) };
      }
      case 'vcpuLines': return { type: 'vcpuLines' };
      case 'repeatHeader': return { type: 'repeatHeader' };
      case 'quit': return 'quit';
    }
  };

  /** Runs a command line and returns the action that records it and shows its output. */
  const execute = (line: string): ViewAction => {
    const r = runCommand(host, line);
    recorder?.command(host.now, line);
    const lines = [...r.out, ...r.err];
    if (r.focus !== undefined) {
      const name = host.domain(r.focus)?.name;
      const a: ViewAction = { type: 'select', id: r.focus, ...(name !== undefined ? { name } : {}) };
      stateRef.current = reduceView(stateRef.current, a);
      dispatch(a);
      if (stateRef.current.focus !== 'console') {
        const f: ViewAction = { type: 'focusNext' };
        stateRef.current = reduceView(stateRef.current, f);
        dispatch(f);
      }
      return { type: 'commandRan', line, message: null };
    }
    // Done, with nothing or one line to say (xl prints nothing for a mem-set, "Rebooting domain 7"
    // for a reboot): the panes stay, so the guest can be watched reacting; the key bar says what ran
    // until the next key.
    // Named as typed, with one "xl " in front (typing it is allowed, as in a shell).
    const named = `xl ${line.trim().replace(/^xl\s+/, '')}`;
    if (r.wait !== undefined) waitsRef.current.push({ title: named, wait: r.wait });
    if (r.ok && lines.length <= 1) return { type: 'commandRan', line, message: null, notice: `${named}: ${lines[0] ?? 'done'}` };
    // A refusal is prose (xl's and libxl's error lines), as is help: wrapped, so its end is not cut off; other output is a table.
    const msg = { title: `${named}${r.ok ? '' : '   (refused: nothing changed)'}`, lines, error: !r.ok, wrap: !r.ok || r.prose === true };
    return { type: 'commandRan', line, message: msg };
  };

  /**
   * Before the filter goes: the domain the screen shows as selected (the first match, when the
   * filter hid the one selected before) becomes the selection, so the whole list comes back with
   * the cursor where the user saw it.
   */
  const keepShownSelection = (s: ViewState, apply: (a: ViewAction) => void): void => {
    const list = visibleRows(view, s);
    const r = list[selectedIndex(list, s)];
    if (r !== undefined && r.sample.id !== s.selectedId) apply({ type: 'select', id: r.sample.id, name: r.sample.name });
  };

  /** One key (or one typed character) in the prompt. */
  const promptKey = (name: string, input: string, s: ViewState, apply: (a: ViewAction) => void): void => {
    const p = s.prompt!;
    const cmd = p.kind === 'command';
    const b = promptBindingFor(name);
    // The line is edited as readline edits it (line-edit.ts); a move keeps the text and its error.
    const edit = (e: LineEdit): void => {
      const r = editLine(p.text, p.tail, e);
      apply(r.text === p.text ? { type: 'promptCursor', tail: r.tail } : { type: 'promptInput', text: r.text, tail: r.tail });
    };
    if (b === undefined) {
      if (input.length > 0 && !/[\x00-\x1f\x7f]/.test(input)) edit({ type: 'insert', text: input });
      return;
    }
    switch (b.command) {
      case 'cancel':
        if (p.kind === 'filter') keepShownSelection(s, apply);
        return apply({ type: 'promptCancel' });
      case 'submit':
        return apply(cmd ? execute(p.text) : { type: 'promptSubmit' });
      case 'historyUp':
      case 'historyDown':
        if (cmd) apply({ type: 'historyMove', by: b.command === 'historyUp' ? -1 : 1 });
        return;
      case 'complete': {
        if (!cmd) return;
        // As readline: one match is taken whole (a word gets a space after it, a folder does not);
        // several extend the line as far as they agree, and are listed.
        const options = complete(host, p.text);
        if (options.length === 1) apply({ type: 'promptInput', text: options[0]!.endsWith('/') ? options[0]! : `${options[0]} ` });
        else if (options.length > 1) {
          const common = commonPrefix(options);
          if (common.length > p.text.length) apply({ type: 'promptInput', text: common });
          apply({ type: 'message', message: { title: 'completions', lines: [options.map((o) => o.split(' ').pop()).join('  ')], error: false } });
        }
        return;
      }
      case 'erase':
      case 'eraseLine':
      case 'eraseWord':
      case 'left':
      case 'right':
      case 'lineStart':
      case 'lineEnd':
        return edit({ type: b.command });
    }
  };

  /** The console has focus: it is the guest's terminal; only CONSOLE_KEYMAP's keys stay ours. */
  const consoleKey = (input: string, key: InkKey & { meta?: boolean }, apply: (a: ViewAction) => void): void => {
    const s = stateRef.current;
    const name = input === '\x1d' || (key.ctrl && input === ']') ? 'ctrl+]' : keyName(input, key);
    const b = consoleBindingFor(name);
    const id = paneDomainId(s);
    const conMax = Math.max(0, (host.domain(id)?.kernel.console.all().length ?? 0) - 1);
    const page = Math.max(1, Math.floor(rows / 4));
    if (b !== undefined) {
      if (b.command === 'leave') apply({ type: 'focusNext' });
      else if (b.command === 'scrollUp') apply({ type: 'scrollConsole', by: page, max: conMax });
      else if (b.command === 'scrollDown') apply({ type: 'scrollConsole', by: -page, max: conMax });
      else if (b.command === 'follow') apply({ type: 'followConsole' });
      else if (b.command === 'help') apply({ type: 'help', open: !s.help });
      return;
    }
    const dom = host.domain(id);
    if (dom === undefined) return;
    const sh = shellFor(host, dom);
    const keys: ShellKey[] = [];
    if (key.ctrl && input === 'c') keys.push({ type: 'interrupt' });
    else if (key.ctrl && input === 'l') keys.push({ type: 'clear' });
    else if (key.ctrl && input === 'd') keys.push({ type: 'eof' });
    else if (key.ctrl && input === 'u') keys.push({ type: 'killLine' });
    else if (key.ctrl && input === 'w') keys.push({ type: 'killWord' });
    else if (key.ctrl && input === 'a') keys.push({ type: 'lineStart' });
    else if (key.ctrl && input === 'e') keys.push({ type: 'lineEnd' });
    else if (name === 'left' || name === 'right') keys.push({ type: name });
    else if (name === 'return' || name === 'backspace' || name === 'tab') keys.push({ type: name === 'return' ? 'enter' : name });
    else if (name === 'up' || name === 'down') keys.push({ type: name });
    else if (!key.ctrl && !(key.meta ?? false) && input.length > 0) {
      // A chunk of typed (or pasted) text: Enter, Tab and Backspace inside it act as keys.
      let text = '';
      const flush = (): void => {
        if (text !== '') keys.push({ type: 'text', text });
        text = '';
      };
      for (const ch of input) {
        if (ch === '\r' || ch === '\n') (flush(), keys.push({ type: 'enter' }));
        else if (ch === '\t') (flush(), keys.push({ type: 'tab' }));
        else if (ch === '\x7f' || ch === '\b') (flush(), keys.push({ type: 'backspace' }));
        // Control keys can arrive in the same chunk as typed text (fast typing, a slow link).
        else if (ch === '\x03') (flush(), keys.push({ type: 'interrupt' }));
        else if (ch === '\x0c') (flush(), keys.push({ type: 'clear' }));
        else if (ch === '\x04') (flush(), keys.push({ type: 'eof' }));
        else if (ch === '\x15') (flush(), keys.push({ type: 'killLine' }));
        else if (ch === '\x01') (flush(), keys.push({ type: 'lineStart' }));
        else if (ch === '\x05') (flush(), keys.push({ type: 'lineEnd' }));
        else if (ch === '\x17') (flush(), keys.push({ type: 'killWord' }));
        else if (!/[\x00-\x1f]/.test(ch)) text += ch;
      }
      flush();
    }
    if (keys.length === 0) return;
    for (const k of keys) {
      recorder?.consoleKey(host.now, dom.name, k);
      sh.key(k);
    }
    apply({ type: 'consoleTyped' });
  };

  useInput((input, key) => {
    // The last command's notice lasts until the next key.
    if (stateRef.current.notice !== null) {
      const a: ViewAction = { type: 'notice', text: null };
      stateRef.current = reduceView(stateRef.current, a);
      dispatch(a);
    }
    {
      const s0 = stateRef.current;
      if (s0.focus === 'console' && s0.prompt === null && !s0.help && s0.screen === 'main') {
        consoleKey(input, key as InkKey, (a) => {
          stateRef.current = reduceView(stateRef.current, a);
          dispatch(a);
        });
        return;
      }
    }
    if (key.ctrl && input === 'c') return exit();
    // Ctrl with a letter is its own key ('ctrl+l'), never the letter: Ctrl+S must not sort.
    const name = key.ctrl && /^[a-z]$/.test(input) ? `ctrl+${input}` : keyName(input, key as InkKey);
    // Actions apply one after another, each on the state the previous one left; a chunk of
    // typed characters is taken one character at a time, so "/web01⏎" opens the filter prompt and
    // types into it.
    let s = stateRef.current;
    const apply = (a: ViewAction): void => {
      s = reduceView(s, a);
      stateRef.current = s;
      dispatch(a);
    };
    const chars = key.ctrl || key.meta ? [name] : keyChars(name);
    for (const ch of chars) {
      const named = ch.length > 1;
      const charName = ch === '\r' || ch === '\n' ? 'return' : ch === '\t' ? 'tab' : ch === '\x7f' || ch === '\b' ? 'backspace' : ch === '\x1b' ? 'escape' : ch;
      if (s.prompt !== null) {
        promptKey(named ? ch : charName, named ? '' : ch, s, apply);
        continue;
      }
      if (s.help && (charName === 'escape' || bindingFor(charName)?.command === 'quit')) {
        apply({ type: 'help', open: false });
        continue;
      }
      if (s.message !== null && charName === 'escape') {
        apply({ type: 'message', message: null });
        continue;
      }
      if (s.screen !== 'main' && charName === 'escape') {
        apply({ type: 'screen', screen: 'main' });
        continue;
      }
      if (s.historyAtNs !== null && charName === 'escape') {
        apply({ type: 'history', atNs: null });
        continue;
      }
      if (s.filter !== '' && charName === 'escape') {
        keepShownSelection(s, apply);
        apply({ type: 'clearFilter' });
        continue;
      }
      const b = bindingFor(charName);
      if (b === undefined) continue;
      // A message taller than its pane: the moving keys scroll it instead of the list above.
      if (s.message !== null && s.help === false && MOVES.includes(b.command)) {
        const page = Math.max(1, messageRoomRef.current);
        const max = Math.max(0, messageLines(s.message, cols).length - page);
        if (max > 0) {
          apply({ type: 'messageScroll', to: scrolled(b.command, Math.min(s.messageTop, max), page, max) });
          continue;
        }
      }
      // While help is open, the moving keys scroll it (it is taller than a small terminal).
      if (s.help && MOVES.includes(b.command)) {
        const page = helpPage(rows);
        const max = Math.max(0, helpLines(cols).length - page);
        apply({ type: 'helpScroll', to: scrolled(b.command, s.helpTop, page, max) });
        continue;
      }
      const a = run(b.command, s);
      if (a === 'quit') return exit();
      if (a !== null) apply(a);
      if (s.overlay) apply({ type: 'lastKey', key: b.label, did: a !== null && a.type === 'commandRan' ? `xl ${a.line}` : b.help });
    }
  });

  // Function keys go through the same key map, read from Ink's raw input (see functionKeyName).
  const functionKeyRef = useRef<(name: string) => void>(() => {});
  functionKeyRef.current = (name) => {
    const s = stateRef.current;
    // Nothing while a prompt is being typed into; in the console, only its own keys (F1: help);
    // over the help screen, only F1 (close) and F10 (quit).
    if (s.prompt !== null) return;
    const inConsole = s.focus === 'console' && !s.help && s.screen === 'main';
    if (inConsole && consoleBindingFor(name)?.command !== 'help') return;
    const b = bindingFor(name);
    if (b === undefined) return;
    if (s.help && b.command !== 'help' && b.command !== 'quit') return;
    const a = run(b.command, s);
    if (a === 'quit') return exit();
    if (a === null) return;
    stateRef.current = reduceView(stateRef.current, a);
    dispatch(a);
  };
  const { internal_eventEmitter: rawInput } = useStdin();
  useEffect(() => {
    const onRaw = (data: string): void => {
      const name = functionKeyName(data);
      if (name !== null) functionKeyRef.current(name);
    };
    rawInput?.on('input', onRaw);
    return () => {
      rawInput?.removeListener('input', onRaw);
    };
  }, [rawInput]);

  const scenario = player === null ? null : {
    title: player.scenario.title,
    caption: player.caption,
    step: player.stepIndex,
    steps: player.stepCount,
    next: player.upcoming,
    paused: player.state === 'paused' ? player.pauseText : null,
    failed: player.failed,
  };
  /** The last `n` console lines before skipping `back`; in history, only what had been printed by then. */
  const consoleAt = (id: number, n: number, back: number) => {
    const dom = host.domain(id);
    if (dom === undefined) return { lines: [], total: 0, device: '' };
    const k = dom.kernel;
    const sh = shellFor(host, dom);
    const live = state.historyAtNs === null;
    // The pane is this guest's terminal: programs that ask its size (top) get the pane's.
    if (live) sh.winsize = { rows: n, cols };
    const ring = k.console.all();
    // Ctrl+L / clear: the terminal shows only what came after (scrolling back still reaches it).
    const from = back === 0 && live ? ring.findIndex((l) => l.seq >= sh.clearedBeforeSeq) : 0;
    const all = live ? (from > 0 ? ring.slice(from) : from < 0 ? [] : ring) : ring.filter((l) => l.uptimeNs <= view.sample.tNs - k.bootNs);
    const end = Math.max(0, all.length - back);
    const os = noLoginShell(dom);
    return { lines: all.slice(Math.max(0, end - n), end), total: all.length, device: k.traits.console, input: live ? sh.inputLine : null, inputCursor: live ? sh.inputCursor : null, ...(os !== null ? { noShell: os === 'windows' ? 'Windows' : os, sac: sh.sac } : {}) };
  };
  const lines = layout({ history: shown, state, cols, rows, color, warnings: warnings.length, console: consoleAt, scenario, live: state.historyAtNs === null, historyFrom: history[0]!.sample.tNs, historyTo: history[history.length - 1]!.sample.tNs });
  const msgTitle = lines.findIndex((l) => l.key === 'msgt');
  messageRoomRef.current = msgTitle < 0 ? 0 : lines.length - msgTitle - 2;
  // One Text for the whole screen: the lines are already laid out, so React and Yoga have one node
  // to deal with instead of one per line.
  return (
    <Box flexDirection="column">
      <Text>{lines.map((l) => styled(ascii ? { ...l, text: toAscii(l.text) } : l, state.contrast)).join('\n')}</Text>
    </Box>
  );
}
