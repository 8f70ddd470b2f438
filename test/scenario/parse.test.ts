import { describe, expect, it } from 'vitest';
import { ScenarioError, parseDuration, parseScenario } from '../../source/scenario/parse.js';

const err = (text: string): string => {
  try {
    parseScenario(text, 'lab.scenario');
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error('expected an error');
};

describe('scenario files', () => {
  it('reads headers, absolute and relative times, captions, pauses, commands, expectations', () => {
    const s = parseScenario(
      'title: T\nguests: g\npcpus: 2\nhost-mem: 8g\nseed: 4\nwindow: 3s\n# c\nat 1s: caption Hello  # note\nat +500ms: pause\nat 2s: mem-set web01 512m\nat 1m: expect web01 mem <= 512m\nat +1s: end\n',
      'lab.scenario',
    );
    expect(s).toMatchObject({ title: 'T', guestsDir: 'g', pcpus: 2, hostMemMiB: 8192, seed: 4, windowNs: 3e9 });
    expect(s.steps.map((x) => [x.atNs, x.line, x.action.kind])).toEqual([
      [1e9, 8, 'caption'],
      [1.5e9, 9, 'pause'],
      [2e9, 10, 'command'],
      [60e9, 11, 'expect'],
      [61e9, 12, 'end'],
    ]);
    expect(s.steps[3]!.action).toMatchObject({ expect: { domain: 'web01', metric: 'mem', op: '<=', value: 512 } });
    expect(parseDuration('250ms')).toBe(250e6);
  });

  it('names file:line and why for every mistake', () => {
    expect(err('at 5: caption x')).toBe('lab.scenario:1: bad time "5" (e.g. 5s, 500ms, 2m, +3s)');
    expect(err('at 5s: caption x\nat 2s: end')).toBe('lab.scenario:2: time 2s is before the previous step; steps must be in order');
    expect(err('\nat 1s: expect web01 steal > 3')).toMatch(/^lab\.scenario:2: unknown metric "steal" \(one of st, cpu,/);
    expect(err('at 1s: expect web01 st')).toBe('lab.scenario:1: expected "expect DOMAIN METRIC OP VALUE", e.g. expect web01 st > 30%');
    expect(err('at 1s: frobnicate web01')).toMatch(/^lab\.scenario:1: unknown action "frobnicate"/);
    expect(err('at 1s: caption x\ntitle: late')).toBe('lab.scenario:2: header "title" after the first step; put headers first');
    expect(err('pcpus: many\nat 1s: end')).toBe('lab.scenario:1: pcpus must be a whole number from 1 to 512, got "many"');
    expect(err('hello world')).toMatch(/^lab\.scenario:1: expected "at TIME: ACTION"/);
    expect(err('# nothing')).toBe('lab.scenario: no steps ("at TIME: ACTION" lines)');
  });
});
