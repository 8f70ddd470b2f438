/**
 * Dashboard view state and its reducer (immer). Pure: no React, no timers, no model access; the
 * UI turns keys into these actions and renders from the state. Selection follows the domain, not
 * the row, so it stays put when the order changes.
 */
import { produce } from 'immer';
import type { Draft } from 'immer';
import { cursorAt } from '../shell/line-edit.js';

export type Focus = 'list' | 'console';
export type PromptKind = 'filter' | 'delay' | 'command';

export interface Prompt {
  readonly kind: PromptKind;
  readonly text: string;
  readonly error: string | null;
  /** How much of `text` is after the cursor (←, Ctrl+A); 0 = at the end. */
  readonly tail: number;
}

/** Where the prompt's cursor is in its text. */
export const promptCursor = (p: Prompt): number => cursorAt(p.text, p.tail);

/** What a command printed, shown in place of the panes until the next key. */
export interface Message {
  readonly title: string;
  readonly lines: readonly string[];
  readonly error: boolean;
  /** Prose (config problems): long lines wrap at the screen's width instead of being cut. */
  readonly wrap?: boolean;
}

export type Screen = 'main' | 'profile' | 'compare';

/** The list's columns shown only when asked for, as xentop's N and B add its network and VBD columns. */
export type ColumnGroup = 'net' | 'vbd';

export interface ViewState {
  readonly selectedId: number;
  /**
   * The selected domain's name: a reboot or a mode switch brings the guest back as a new domain
   * with a new ID, and the selection follows it there (xl names are unique).
   */
  readonly selectedName: string | null;
  readonly sortIdx: number;
  readonly reverse: boolean;
  readonly filter: string;
  readonly prompt: Prompt | null;
  readonly focus: Focus;
  /** Lines scrolled back from the newest console line; 0 = following new lines. */
  readonly consoleBack: number;
  /** Bumped by each key typed into a guest's console (its screen changed; follow it). */
  readonly consoleRev: number;
  readonly paused: boolean;
  readonly speedIdx: number;
  readonly help: boolean;
  /** The help screen's first shown line (it scrolls when the terminal is shorter than the help). */
  readonly helpTop: number;
  readonly refreshMs: number;
  readonly message: Message | null;
  /** A command that ran and printed nothing (a balloon key's mem-set): named in the key bar until the next key, the panes stay in view. */
  readonly notice: string | null;
  /** The message's first shown line (the moving keys scroll a message taller than its pane). */
  readonly messageTop: number;
  /** Command lines run from the ':' prompt, oldest first (bounded). */
  readonly cmdHistory: readonly string[];
  /** Position while browsing history with ↑/↓ in the prompt; null when not browsing. */
  readonly historyPos: number | null;
  readonly screen: Screen;
  /** Time travel: the simulated time of the sample the screen shows; null = live. */
  readonly historyAtNs: number | null;
  /** Domains marked for the comparison screen (at most 3). */
  readonly compare: readonly number[];
  /** Presenter overlay: show the last key and the command it ran. */
  readonly overlay: boolean;
  readonly lastKey: { readonly key: string; readonly did: string } | null;
  /** High contrast for projectors: bold text, reverse-video bars, no colour. */
  readonly contrast: boolean;
  /** The list's optional columns that are on: network (n) and VBD (b), as xentop's N and B. */
  readonly columnGroups: readonly ColumnGroup[];
  /** Under each domain, its online vCPUs' CPU seconds (v, xentop's V: `VCPUs(sec):  0:  12s ...`). */
  readonly vcpuLines: boolean;
  /** The column header again before each domain (r, xentop's R: it keeps rows readable among the vCPU lines). */
  readonly repeatHeader: boolean;
}

export const COMPARE_MAX = 3;

export const CMD_HISTORY_MAX = 100;

export const REFRESH_MIN_MS = 100;
export const REFRESH_MAX_MS = 60_000;

export type ViewAction =
  | { readonly type: 'select'; readonly id: number; readonly name?: string }
  | { readonly type: 'sort'; readonly idx: number }
  | { readonly type: 'reverse' }
  | { readonly type: 'focusNext' }
  | { readonly type: 'scrollConsole'; readonly by: number; readonly max: number }
  | { readonly type: 'followConsole' }
  | { readonly type: 'consoleTyped' }
  | { readonly type: 'pause' }
  | { readonly type: 'speed'; readonly idx: number }
  | { readonly type: 'help'; readonly open: boolean }
  | { readonly type: 'helpScroll'; readonly to: number }
  | { readonly type: 'promptOpen'; readonly kind: PromptKind; readonly text: string }
  | { readonly type: 'promptInput'; readonly text: string; readonly tail?: number }
  | { readonly type: 'promptCursor'; readonly tail: number }
  | { readonly type: 'promptCancel' }
  /** Esc on the list with a filter applied (k9s): the whole list again. */
  | { readonly type: 'clearFilter' }
  | { readonly type: 'promptSubmit' }
  | { readonly type: 'historyMove'; readonly by: number }
  | { readonly type: 'message'; readonly message: Message | null }
  | { readonly type: 'messageScroll'; readonly to: number }
  | { readonly type: 'commandRan'; readonly line: string; readonly message: Message | null; readonly notice?: string }
  | { readonly type: 'notice'; readonly text: string | null }
  /** More of a command's output, come later (`shutdown -w`): under its output if that is still shown, else in the key bar. */
  | { readonly type: 'messageAppend'; readonly title: string; readonly lines: readonly string[] }
  | { readonly type: 'screen'; readonly screen: Screen }
  | { readonly type: 'history'; readonly atNs: number | null }
  | { readonly type: 'toggleCompare'; readonly id: number }
  | { readonly type: 'overlay' }
  | { readonly type: 'contrast' }
  | { readonly type: 'lastKey'; readonly key: string; readonly did: string }
  /** Turn a group of columns on or off; `sortIdx` (when turning off the column sorted by) sorts by another. */
  | { readonly type: 'columns'; readonly group: ColumnGroup; readonly sortIdx?: number }
  | { readonly type: 'vcpuLines' }
  | { readonly type: 'repeatHeader' };

export function initialViewState(speedIdx: number, refreshMs: number): ViewState {
  return {
    selectedId: 0,
    selectedName: null,
    sortIdx: 0,
    reverse: false,
    filter: '',
    prompt: null,
    focus: 'list',
    consoleBack: 0,
    consoleRev: 0,
    paused: false,
    speedIdx,
    help: false,
    helpTop: 0,
    refreshMs,
    message: null,
    notice: null,
    messageTop: 0,
    cmdHistory: [],
    historyPos: null,
    screen: 'main',
    historyAtNs: null,
    compare: [],
    overlay: false,
    lastKey: null,
    contrast: false,
    columnGroups: [],
    vcpuLines: false,
    repeatHeader: false,
  };
}

/** xentop's "Delay(sec): " accepts a positive number of seconds. */
export function parseDelay(text: string): number | string {
  const s = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(s) || s <= 0) return `not a positive number of seconds: ${JSON.stringify(text)}`;
  const ms = Math.round(s * 1000);
  if (ms < REFRESH_MIN_MS || ms > REFRESH_MAX_MS) return `refresh must be between ${REFRESH_MIN_MS / 1000} and ${REFRESH_MAX_MS / 1000} s`;
  return ms;
}

/** Messages go into the draft as copies (immer must not freeze the caller's arrays). */
const copyMessage = (m: Message | null): Draft<Message> | null => (m === null ? null : { ...m, lines: [...m.lines] });

export const reduceView = produce((d: Draft<ViewState>, a: ViewAction): void => {
  switch (a.type) {
    case 'select':
      d.selectedId = a.id;
      d.selectedName = a.name ?? null;
      d.consoleBack = 0;
      return;
    case 'sort':
      d.sortIdx = a.idx;
      return;
    case 'columns': {
      const on = d.columnGroups.includes(a.group);
      d.columnGroups = on ? d.columnGroups.filter((g) => g !== a.group) : [...d.columnGroups, a.group];
      if (a.sortIdx !== undefined) d.sortIdx = a.sortIdx;
      return;
    }
    case 'reverse':
      d.reverse = !d.reverse;
      return;
    case 'vcpuLines':
      d.vcpuLines = !d.vcpuLines;
      return;
    case 'repeatHeader':
      d.repeatHeader = !d.repeatHeader;
      return;
    case 'focusNext':
      d.focus = d.focus === 'list' ? 'console' : 'list';
      return;
    case 'scrollConsole':
      d.consoleBack = Math.max(0, Math.min(a.max, d.consoleBack + a.by));
      return;
    case 'followConsole':
      d.consoleBack = 0;
      return;
    case 'consoleTyped':
      d.consoleBack = 0;
      d.consoleRev++;
      return;
    case 'pause':
      d.paused = !d.paused;
      return;
    case 'speed':
      d.speedIdx = a.idx;
      return;
    case 'help':
      d.help = a.open;
      d.helpTop = 0;
      return;
    case 'helpScroll':
      d.helpTop = Math.max(0, a.to);
      return;
    case 'promptOpen':
      d.prompt = { kind: a.kind, text: a.text, error: null, tail: 0 };
      d.historyPos = null;
      return;
    case 'promptInput':
      if (d.prompt === null) return;
      d.prompt.text = a.text;
      d.prompt.tail = Math.max(0, Math.min(a.text.length, a.tail ?? 0));
      d.prompt.error = null;
      if (d.prompt.kind === 'filter') d.filter = a.text;
      return;
    case 'promptCursor':
      if (d.prompt !== null) d.prompt.tail = Math.max(0, Math.min(d.prompt.text.length, a.tail));
      return;
    case 'promptCancel':
      if (d.prompt?.kind === 'filter') d.filter = '';
      d.prompt = null;
      return;
    case 'clearFilter':
      d.filter = '';
      return;
    case 'promptSubmit': {
      if (d.prompt === null) return;
      if (d.prompt.kind === 'delay') {
        const ms = parseDelay(d.prompt.text);
        if (typeof ms === 'string') {
          d.prompt.error = ms;
          return;
        }
        d.refreshMs = ms;
      } else if (d.prompt.kind === 'filter') {
        d.filter = d.prompt.text;
      }
      d.prompt = null;
      return;
    }
    case 'historyMove': {
      if (d.prompt === null || d.prompt.kind !== 'command' || d.cmdHistory.length === 0) return;
      const last = d.cmdHistory.length - 1;
      const pos = d.historyPos === null ? (a.by < 0 ? last : null) : d.historyPos + a.by;
      if (pos === null || pos > last) {
        d.historyPos = null;
        d.prompt.text = '';
        d.prompt.tail = 0;
      } else {
        d.historyPos = Math.max(0, pos);
        d.prompt.text = d.cmdHistory[d.historyPos]!;
        d.prompt.tail = 0;
      }
      return;
    }
    case 'message':
      d.message = copyMessage(a.message);
      d.messageTop = 0;
      return;
    case 'messageScroll':
      d.messageTop = Math.max(0, a.to);
      return;
    case 'commandRan':
      if (a.line.trim() !== '' && d.cmdHistory[d.cmdHistory.length - 1] !== a.line) {
        d.cmdHistory.push(a.line);
        if (d.cmdHistory.length > CMD_HISTORY_MAX) d.cmdHistory.splice(0, d.cmdHistory.length - CMD_HISTORY_MAX);
      }
      d.historyPos = null;
      d.prompt = null;
      d.message = copyMessage(a.message);
      d.messageTop = 0;
      d.notice = a.notice ?? null;
      return;
    case 'notice':
      d.notice = a.text;
      return;
    case 'messageAppend':
      if (d.message !== null && d.message.title === a.title) d.message.lines.push(...a.lines);
      else d.notice = `${a.title}: ${a.lines[a.lines.length - 1]!}`;
      return;
    case 'screen':
      d.screen = a.screen;
      return;
    case 'history':
      d.historyAtNs = a.atNs;
      return;
    case 'toggleCompare': {
      const i = d.compare.indexOf(a.id);
      if (i >= 0) d.compare.splice(i, 1);
      else {
        d.compare.push(a.id);
        if (d.compare.length > COMPARE_MAX) d.compare.shift();
      }
      return;
    }
    case 'overlay':
      d.overlay = !d.overlay;
      return;
    case 'contrast':
      d.contrast = !d.contrast;
      return;
    case 'lastKey':
      d.lastKey = { key: a.key, did: a.did };
      return;
    default: {
      const never: never = a;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
});

/** Case-insensitive filter over the domain name and mode, `|` separating alternatives (htop). */
export function matchesFilter(filter: string, name: string, modeLabel: string): boolean {
  return matchesTerms(filterTerms(filter), name, modeLabel);
}

/**
 * A filter's alternatives (`a|b`), trimmed and lower-cased, empty ones dropped: parsed once per
 * list, not per row. null for an empty filter, which matches everything (a filter of only `|`
 * matches nothing).
 */
export function filterTerms(filter: string): string[] | null {
  if (filter.trim() === '') return null;
  const terms: string[] = [];
  for (const t of filter.toLowerCase().split('|')) {
    const term = t.trim();
    if (term !== '') terms.push(term);
  }
  return terms;
}

/** Whether any of the terms is in the name or the mode label; null terms match everything. */
export function matchesTerms(terms: readonly string[] | null, name: string, modeLabel: string): boolean {
  if (terms === null) return true;
  const hay = `${name} ${modeLabel}`.toLowerCase();
  for (const t of terms) if (hay.includes(t)) return true;
  return false;
}

/**
 * The row the selection is on: the selected domain, or the domain now holding its name (it came
 * back from a reboot or a mode switch with a new ID), else the first row.
 */
export function selectedIndex<R extends { readonly sample: { readonly id: number; readonly name: string } }>(rows: readonly R[], state: Pick<ViewState, 'selectedId' | 'selectedName'>): number {
  let byName = -1;
  for (let i = 0; i < rows.length; i++) {
    const smp = rows[i]!.sample;
    if (smp.id === state.selectedId) return i;
    if (byName < 0 && state.selectedName !== null && smp.name === state.selectedName) byName = i;
  }
  return Math.max(0, byName);
}
