/**
 * The one table of key bindings: the key bar, the help screen and the input handler all read it.
 */
export type Action =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'sortNext'
  | 'sortPrev'
  | 'reverse'
  | 'pause'
  | 'faster'
  | 'slower'
  | 'help'
  | 'quit';

export interface Binding {
  readonly keys: readonly string[];
  readonly label: string;
  readonly bar: string | null;
  readonly help: string;
  readonly action: Action;
}

export const KEYMAP: readonly Binding[] = [
  { keys: ['up', 'k'], label: '↑/k', bar: null, help: 'select previous domain', action: 'up' },
  { keys: ['down', 'j'], label: '↓/j', bar: null, help: 'select next domain', action: 'down' },
  { keys: ['pageUp'], label: 'PgUp', bar: null, help: 'page up', action: 'pageUp' },
  { keys: ['pageDown'], label: 'PgDn', bar: null, help: 'page down', action: 'pageDown' },
  { keys: ['home'], label: 'Home', bar: null, help: 'first domain', action: 'home' },
  { keys: ['end'], label: 'End', bar: null, help: 'last domain', action: 'end' },
  { keys: ['s', '>'], label: 's/>', bar: 'Sort', help: 'sort by the next column', action: 'sortNext' },
  { keys: ['S', '<'], label: 'S/<', bar: null, help: 'sort by the previous column', action: 'sortPrev' },
  { keys: ['I'], label: 'I', bar: 'Invert', help: 'reverse the sort order', action: 'reverse' },
  { keys: [' '], label: 'Space', bar: 'Pause', help: 'pause / resume the simulation', action: 'pause' },
  { keys: [']'], label: ']', bar: 'Faster', help: 'simulation faster', action: 'faster' },
  { keys: ['['], label: '[', bar: 'Slower', help: 'simulation slower', action: 'slower' },
  { keys: ['?', 'f1'], label: '?/F1', bar: 'Help', help: 'this help', action: 'help' },
  { keys: ['q'], label: 'q', bar: 'Quit', help: 'quit', action: 'quit' },
];

export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100] as const;
