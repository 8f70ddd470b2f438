import { describe, expect, it } from 'vitest';
import { initialViewState, matchesFilter, parseDelay, reduceView, selectedIndex } from '../../source/view/state.js';
import type { ViewAction, ViewState } from '../../source/view/state.js';

const run = (s: ViewState, ...as: ViewAction[]): ViewState => as.reduce(reduceView, s);
const s0 = initialViewState(3, 1000);

describe('view reducer', () => {
  it('selecting a domain resumes following its console', () => {
    const s = run(s0, { type: 'scrollConsole', by: 5, max: 100 }, { type: 'select', id: 4 });
    expect(s.selectedId).toBe(4);
    expect(s.consoleBack).toBe(0);
  });

  it('follows the selected guest to its new domain ID after a reboot or mode switch, by name', () => {
    const rows = (...xs: [number, string][]) => xs.map(([id, name]) => ({ sample: { id, name } }));
    const s = run(s0, { type: 'select', id: 7, name: 'web01' });
    expect(selectedIndex(rows([0, 'Domain-0'], [7, 'web01'], [8, 'win']), s)).toBe(1);
    // Gone while it shuts down: the first row; back as domain 9: there again.
    expect(selectedIndex(rows([0, 'Domain-0'], [8, 'win']), s)).toBe(0);
    expect(selectedIndex(rows([0, 'Domain-0'], [8, 'win'], [9, 'web01']), s)).toBe(2);
    // The ID wins while it is there (the old domain, dying, and the new one both listed).
    expect(selectedIndex(rows([0, 'Domain-0'], [9, 'web01'], [7, 'web01']), s)).toBe(2);
  });

  it('scrolls the console back within bounds, End follows again', () => {
    expect(run(s0, { type: 'scrollConsole', by: 500, max: 40 }).consoleBack).toBe(40);
    expect(run(s0, { type: 'scrollConsole', by: -3, max: 40 }).consoleBack).toBe(0);
    expect(run(s0, { type: 'scrollConsole', by: 7, max: 40 }, { type: 'followConsole' }).consoleBack).toBe(0);
  });

  it('filters as you type, keeps the filter on Enter and clears it on Esc', () => {
    const typing = run(s0, { type: 'promptOpen', kind: 'filter', text: '' }, { type: 'promptInput', text: 'web' });
    expect(typing.filter).toBe('web');
    expect(run(typing, { type: 'promptSubmit' })).toMatchObject({ filter: 'web', prompt: null });
    expect(run(typing, { type: 'promptCancel' })).toMatchObject({ filter: '', prompt: null });
  });

  it('takes a refresh interval like xentop\'s Delay prompt and refuses a bad one', () => {
    const bad = run(s0, { type: 'promptOpen', kind: 'delay', text: '' }, { type: 'promptInput', text: 'soon' }, { type: 'promptSubmit' });
    expect(bad.prompt?.error).toBe('not a positive number of seconds: "soon"');
    expect(bad.refreshMs).toBe(1000);
    const ok = run(s0, { type: 'promptOpen', kind: 'delay', text: '' }, { type: 'promptInput', text: '2.5' }, { type: 'promptSubmit' });
    expect(ok).toMatchObject({ refreshMs: 2500, prompt: null });
    expect(parseDelay('0')).toMatch(/positive/);
    expect(parseDelay('0.05')).toBe('refresh must be between 0.1 and 60 s');
  });

  it("adds a command's later output (shutdown -w) under it while it is shown, else says it in the key bar", () => {
    const shown = run(s0, { type: 'commandRan', line: 'shutdown -w web01', message: { title: 'xl shutdown -w web01', lines: ['Shutting down domain 7', 'Waiting for 1 domains'], error: false } });
    const more = run(shown, { type: 'messageAppend', title: 'xl shutdown -w web01', lines: ['Domain 7 has been shut down, reason code 0'] });
    expect(more.message?.lines).toEqual(['Shutting down domain 7', 'Waiting for 1 domains', 'Domain 7 has been shut down, reason code 0']);
    expect(more.notice).toBeNull();
    const closed = run(shown, { type: 'message', message: null }, { type: 'messageAppend', title: 'xl shutdown -w web01', lines: ['Domain 7 has been shut down, reason code 0'] });
    expect(closed.message).toBeNull();
    expect(closed.notice).toBe('xl shutdown -w web01: Domain 7 has been shut down, reason code 0');
  });

  it('toggles focus, pause, help and sort order', () => {
    const s = run(s0, { type: 'focusNext' }, { type: 'pause' }, { type: 'help', open: true }, { type: 'reverse' });
    expect(s).toMatchObject({ focus: 'console', paused: true, help: true, reverse: true });
    expect(run(s, { type: 'focusNext' }).focus).toBe('list');
  });
});

describe('filter matching', () => {
  it('is case-insensitive over name and mode, with | for alternatives', () => {
    expect(matchesFilter('WEB', 'web01', 'PV')).toBe(true);
    expect(matchesFilter('hvm', 'db01', 'PVHVM')).toBe(true);
    expect(matchesFilter('db|win', 'win2019', 'HVM')).toBe(true);
    expect(matchesFilter('db|win', 'web01', 'PV')).toBe(false);
    expect(matchesFilter('  ', 'x', 'PV')).toBe(true);
  });
});
