import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../source/commands/run.js';
import { NS_PER_S } from '../../source/model/clock.js';
import type { Host } from '../../source/model/host.js';
import { ScenarioPlayer } from '../../source/scenario/player.js';
import { Recorder, loadRecording, recordingScenario } from '../../source/scenario/recording.js';
import { shellFor } from '../../source/shell/shell.js';
import type { ShellKey } from '../../source/shell/shell.js';
import { hostWith, spec } from '../helpers.js';

const guests = () => [spec({ name: 'web01', workload: 'web', vcpus: 2 }), spec({ name: 'hog', workload: 'cpu' })];
const consoleOf = (host: Host, name: string): string[] => host.domains().find((d) => d.name === name)!.kernel.console.all().map((l) => `${l.uptimeNs} ${l.text}`);

describe('recording console typing', () => {
  it('replays keys typed into a guest console at the same instants: the same console, byte for byte', () => {
    // The original session: a login, a vmstat that runs for a while, a command typed ahead of its end
    // and a Ctrl+C, interleaved with an xl command, at uneven simulated times.
    const a = hostWith(guests(), { seed: 3 });
    const rec = new Recorder({ seed: 3, pcpus: 4, hostMemMiB: 16384, guests: [] }, a.now);
    const sh = shellFor(a, a.domains().find((d) => d.name === 'web01')!);
    const type = (k: ShellKey): void => {
      rec.consoleKey(a.now, 'web01', k);
      sh.key(k);
    };
    a.advance(2.3 * NS_PER_S);
    type({ type: 'text', text: 'root' });
    type({ type: 'enter' });
    a.advance(0.7 * NS_PER_S);
    type({ type: 'text', text: 'vmstat 1 4' });
    type({ type: 'enter' });
    a.advance(1.2 * NS_PER_S);
    type({ type: 'text', text: 'uptime' });
    type({ type: 'enter' });
    rec.command(a.now, 'mem-set web01 768m');
    expect(runCommand(a, 'mem-set web01 768m').ok).toBe(true);
    a.advance(5 * NS_PER_S);
    type({ type: 'text', text: 'top -b' });
    type({ type: 'enter' });
    a.advance(1.5 * NS_PER_S);
    type({ type: 'interrupt' });
    a.advance(3 * NS_PER_S);

    const file = join(mkdtempSync(join(tmpdir(), 'paratop-rec-')), 'r.json');
    rec.save(file);
    const loaded = loadRecording(file);
    if (typeof loaded === 'string') throw new Error(loaded);
    const b = hostWith(guests(), { seed: 3 });
    const player = new ScenarioPlayer(recordingScenario(loaded, file), b);
    player.advanceTo(b.now + 13.7 * NS_PER_S);
    expect(consoleOf(b, 'web01')).toEqual(consoleOf(a, 'web01'));
    expect(consoleOf(b, 'web01').some((l) => l.endsWith('root@web01:~# uptime'))).toBe(true);
    expect(b.domains().find((d) => d.name === 'web01')!.targetKiB).toBe(768 * 1024);
  });

  it('refuses a recording whose entries are neither commands nor console keys', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'paratop-rec-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ paratopRecording: 1, seed: 1, pcpus: 4, hostMemMiB: 16384, guests: [], commands: [{ tNs: 0, line: 'list' }, { tNs: 5, console: 'web01', key: { type: 'explode' } }] }));
    expect(loadRecording(file)).toBe(`${file}: not a paratop recording (commands[1] is neither {tNs, line} nor {tNs, console, key})`);
  });
});
