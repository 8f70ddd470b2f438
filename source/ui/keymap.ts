/**
 * The one table of key bindings: the key bar, the help screen and the input handler all read it.
 */
export type Command =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'focus'
  | 'sortNext'
  | 'sortPrev'
  | 'reverse'
  | 'filter'
  | 'delay'
  | 'pause'
  | 'faster'
  | 'slower'
  | 'help'
  | 'command'
  | 'memUp'
  | 'memDown'
  | 'vcpuUp'
  | 'vcpuDown'
  | 'modeNext'
  | 'domPause'
  | 'profile'
  | 'history'
  | 'older'
  | 'newer'
  | 'step'
  | 'mark'
  | 'compare'
  | 'overlay'
  | 'contrast'
  | 'repaint'
  | 'suspend'
  | 'netColumns'
  | 'vbdColumns'
  | 'vcpuLines'
  | 'repeatHeader'
  | 'quit';

export interface Binding<C extends string = Command> {
  readonly keys: readonly string[];
  readonly label: string;
  /** Short name in the key bar, or null to show only in help. */
  readonly bar: string | null;
  readonly help: string;
  readonly command: C;
}

export const KEYMAP: readonly Binding[] = [
  { keys: ['up', 'k'], label: '↑/k', bar: null, help: 'select previous domain', command: 'up' },
  { keys: ['down', 'j'], label: '↓/j', bar: null, help: 'select next domain', command: 'down' },
  { keys: ['pageUp'], label: 'PgUp', bar: null, help: 'page up', command: 'pageUp' },
  { keys: ['pageDown'], label: 'PgDn', bar: null, help: 'page down', command: 'pageDown' },
  { keys: ['home'], label: 'Home', bar: null, help: 'first domain', command: 'home' },
  { keys: ['end'], label: 'End', bar: null, help: 'last domain', command: 'end' },
  { keys: ['tab'], label: 'Tab', bar: 'Console', help: "focus the selected guest's console: a terminal with a login shell (Ctrl+] leaves)", command: 'focus' },
  { keys: ['s', '>', 'f6'], label: 's/>', bar: 'Sort', help: 'sort by the next column (F6 too, as in htop)', command: 'sortNext' },
  { keys: ['S', '<'], label: 'S/<', bar: null, help: 'sort by the previous column', command: 'sortPrev' },
  { keys: ['I'], label: 'I', bar: 'Invert', help: 'reverse the sort order', command: 'reverse' },
  { keys: ['/', 'f4'], label: '/', bar: 'Filter', help: 'filter domains by name or mode (a|b for either; Esc clears; F4 too, as in htop)', command: 'filter' },
  { keys: ['n', 'N'], label: 'n', bar: null, help: "network columns on/off: NETTX, NETRX in KiB/s (xentop's N)", command: 'netColumns' },
  { keys: ['b', 'B'], label: 'b', bar: null, help: "VBD columns on/off: VBD_RD, VBD_WR in requests/s (xentop's B)", command: 'vbdColumns' },
  { keys: ['v', 'V'], label: 'v', bar: null, help: "vCPU lines on/off: under each domain, its online vCPUs' CPU seconds (xentop's V)", command: 'vcpuLines' },
  { keys: ['r', 'R'], label: 'r', bar: null, help: "repeat the column header before each domain (xentop's R)", command: 'repeatHeader' },
  { keys: ['d', 'D'], label: 'd', bar: 'Delay', help: 'set the refresh interval in seconds (like xentop; D too, as its keys are either case)', command: 'delay' },
  { keys: [' '], label: 'Space', bar: 'Pause', help: 'pause / resume the simulation', command: 'pause' },
  { keys: [']'], label: ']', bar: 'Faster', help: 'simulation faster', command: 'faster' },
  { keys: ['['], label: '[', bar: 'Slower', help: 'simulation slower', command: 'slower' },
  { keys: [':'], label: ':', bar: 'Cmd', help: 'xl command line (↑/↓ history, Tab completes; try "help")', command: 'command' },
  { keys: ['+'], label: '+', bar: null, help: 'balloon the selected guest up 256 MiB (runs xl mem-set)', command: 'memUp' },
  { keys: ['-'], label: '-', bar: 'Mem±', help: 'balloon the selected guest down 256 MiB (runs xl mem-set)', command: 'memDown' },
  { keys: ['}'], label: '}', bar: null, help: 'one more vCPU for the selected guest (runs xl vcpu-set)', command: 'vcpuUp' },
  { keys: ['{'], label: '{', bar: 'vCPU±', help: 'one vCPU less for the selected guest (runs xl vcpu-set)', command: 'vcpuDown' },
  { keys: ['m'], label: 'm', bar: 'Mode', help: 'switch the selected guest to the next mode, pv → hybrid → full (runs mode)', command: 'modeNext' },
  { keys: ['p'], label: 'p', bar: null, help: 'pause / unpause the selected guest (runs xl pause / unpause)', command: 'domPause' },
  { keys: ['P'], label: 'P', bar: 'Prof', help: 'profile: where CPU time went (guest, hypervisor, Domain-0 emulation) per domain', command: 'profile' },
  { keys: ['h'], label: 'h', bar: 'Hist', help: 'history: step back through what is kept, up to 10 simulated minutes (less with hundreds of guests; ←/→ move, Esc: live)', command: 'history' },
  { keys: ['left'], label: '←', bar: null, help: 'in history: an earlier sample', command: 'older' },
  { keys: ['right'], label: '→', bar: null, help: 'in history: a later sample (past the newest: live)', command: 'newer' },
  { keys: ['.'], label: '.', bar: null, help: 'while paused: advance the simulation one refresh', command: 'step' },
  { keys: ['x'], label: 'x', bar: null, help: 'mark / unmark the selected guest for the comparison screen (up to 3)', command: 'mark' },
  { keys: ['c'], label: 'c', bar: 'Cmp', help: 'compare the marked guests side by side (guest view vs hypervisor view)', command: 'compare' },
  { keys: ['K'], label: 'K', bar: null, help: 'presenter overlay: show the last key and what it did', command: 'overlay' },
  { keys: ['T'], label: 'T', bar: null, help: 'high-contrast theme for projectors (bold, no colour)', command: 'contrast' },
  { keys: ['ctrl+l'], label: 'Ctrl+L', bar: null, help: 'redraw the whole screen (as xentop; after line noise over SSH)', command: 'repaint' },
  { keys: ['ctrl+z'], label: 'Ctrl+Z', bar: null, help: 'suspend to the shell, as htop and top do (fg brings it back)', command: 'suspend' },
  { keys: ['?', 'f1'], label: '?/F1', bar: 'Help', help: 'this help', command: 'help' },
  { keys: ['q', 'Q', 'f10'], label: 'q', bar: 'Quit', help: 'quit (Q too, as xentop; F10, as in htop)', command: 'quit' },
];

/**
 * Keys while the console has focus: it is the guest's terminal (like `xl console`), so everything
 * typed goes to the guest's shell except these. `shell` entries are there for the key bar and help:
 * the guest's shell handles those keys.
 */
export type ConsoleCommand = 'leave' | 'scrollUp' | 'scrollDown' | 'follow' | 'help' | 'shell';

export type ConsoleBinding = Binding<ConsoleCommand>;

export const CONSOLE_KEYMAP: readonly ConsoleBinding[] = [
  { keys: ['ctrl+]'], label: 'Ctrl+]', bar: 'Leave', help: 'leave the console (as xl console does); focus returns to the domain list', command: 'leave' },
  { keys: ['pageUp'], label: 'PgUp', bar: null, help: 'scroll the console back', command: 'scrollUp' },
  { keys: ['pageDown'], label: 'PgDn', bar: 'Scroll', help: 'scroll the console on', command: 'scrollDown' },
  { keys: ['end'], label: 'End', bar: 'Follow', help: 'follow new lines again', command: 'follow' },
  { keys: ['f1'], label: 'F1', bar: 'Help', help: 'this help', command: 'help' },
  { keys: [], label: 'Enter', bar: null, help: 'log in (any user name, no password), then run the command line', command: 'shell' },
  { keys: [], label: '↑/↓', bar: null, help: 'shell history', command: 'shell' },
  { keys: [], label: 'Tab', bar: null, help: 'complete a command name', command: 'shell' },
  { keys: [], label: 'Ctrl+C', bar: 'Intr', help: 'interrupt the running command (paratop keeps running)', command: 'shell' },
  { keys: [], label: 'Ctrl+L', bar: null, help: 'clear the console screen', command: 'shell' },
  { keys: [], label: '←/→', bar: null, help: 'move the cursor; Ctrl+A, Ctrl+E to the start and end of the line', command: 'shell' },
  { keys: [], label: 'Ctrl+U/W', bar: null, help: 'delete to the start of the line / the word before the cursor', command: 'shell' },
  { keys: [], label: 'Ctrl+D', bar: null, help: 'log out (on an empty line)', command: 'shell' },
];

export function consoleBindingFor(key: string): ConsoleBinding | undefined {
  return CONSOLE_KEYMAP.find((b) => b.keys.includes(key));
}

/** Keys in a prompt (`:` the xl command line, `/` the filter, `d` the delay); anything else printable is typed. */
export type PromptCommand = 'submit' | 'cancel' | 'historyUp' | 'historyDown' | 'complete' | 'erase' | 'eraseLine' | 'eraseWord' | 'left' | 'right' | 'lineStart' | 'lineEnd';

export type PromptBinding = Binding<PromptCommand>;

export const PROMPT_KEYMAP: readonly PromptBinding[] = [
  { keys: ['return'], label: 'Enter', bar: null, help: 'run the command line; keep the filter; set the delay', command: 'submit' },
  { keys: ['escape'], label: 'Esc', bar: null, help: 'close the prompt (a filter being typed is cleared)', command: 'cancel' },
  { keys: ['up'], label: '↑', bar: null, help: 'the previous command line (:)', command: 'historyUp' },
  { keys: ['down'], label: '↓', bar: null, help: 'the next command line (:)', command: 'historyDown' },
  { keys: ['tab'], label: 'Tab', bar: null, help: 'complete a command or domain name (:)', command: 'complete' },
  { keys: ['left'], label: '←', bar: null, help: 'cursor left', command: 'left' },
  { keys: ['right'], label: '→', bar: null, help: 'cursor right', command: 'right' },
  { keys: ['home', 'ctrl+a'], label: 'Home', bar: null, help: 'cursor to the start of the line (Ctrl+A too)', command: 'lineStart' },
  { keys: ['end', 'ctrl+e'], label: 'End', bar: null, help: 'cursor to the end of the line (Ctrl+E too)', command: 'lineEnd' },
  { keys: ['backspace'], label: 'Bksp', bar: null, help: 'delete the character before the cursor', command: 'erase' },
  { keys: ['ctrl+u'], label: 'Ctrl+U', bar: null, help: 'delete from the start of the line to the cursor (as readline)', command: 'eraseLine' },
  { keys: ['ctrl+w'], label: 'Ctrl+W', bar: null, help: 'delete the word before the cursor (as readline)', command: 'eraseWord' },
];

export function promptBindingFor(key: string): PromptBinding | undefined {
  return PROMPT_KEYMAP.find((b) => b.keys.includes(key));
}

export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100] as const;

export function bindingFor(key: string): Binding | undefined {
  return KEYMAP.find((b) => b.keys.includes(key));
}
