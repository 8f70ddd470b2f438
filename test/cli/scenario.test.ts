import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist', 'paratop.js');
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('shipped scenarios', () => {
  const files = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.scenario'));
  it('ships one per benefit of seed 003, the mode comparison and the ratelimit', () => {
    expect(files.sort()).toEqual(['ballooning.scenario', 'idle-ticks.scenario', 'lock-holder.scenario', 'modes.scenario', 'ratelimit.scenario', 'steal-time.scenario', 'vcpu-hotplug.scenario']);
  });
  it.each(files)('%s passes headless with every expectation met', (f) => {
    const r = run(['--batch', '--scenario', join('scenarios', f), '--format', 'json']);
    expect(r.err).not.toMatch(/FAIL|refused/);
    expect(r.err).toMatch(/expectations met\n$/);
    const m = /(\d+) of (\d+) expectations met/.exec(r.err)!;
    expect(m[1]).toBe(m[2]);
    expect(Number(m[2])).toBeGreaterThan(0);
    expect(r.code).toBe(0);
  });
});

describe('scenario runs', () => {
  it('exit 1 when an expectation fails, and say which', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paratop-scn-'));
    const f = join(dir, 'lab.scenario');
    writeFileSync(f, `guests: ${join(root, 'scenarios', 'steal-time')}\npcpus: 2\nat 6s: expect hog-hvm st > 10\nat 7s: end\n`);
    const r = run(['-b', '--scenario', f, '--format', 'csv']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[ {4}6\.0s\] expect hog-hvm st > 10 {2}-> {2}0 {2}FAIL/);
    expect(r.err).toMatch(/0 of 1 expectations met/);
  });

  it('a broken scenario file is one line naming file:line, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paratop-scn-'));
    const f = join(dir, 'bad.scenario');
    writeFileSync(f, 'at 1s: caption fine\nat 2s: expect x nosuch > 1\n');
    const r = run(['-b', '--scenario', f]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^paratop: ${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: unknown metric "nosuch"`));
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('record and replay', () => {
  it('replaying a recording reproduces the run byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paratop-rec-'));
    const rec = join(dir, 'run.json');
    const scn = join(dir, 'timeline.scenario');
    writeFileSync(scn, 'at 2.5s: vcpu-set web01 1\nat 4s: sched-credit -d batch01 -c 30\nat +1500ms: mode legacy01 pv\nat 9s: mem-set db01 1g\n');
    const a = run(['-b', '-i', '12', '--format', 'json', '--seed', '9', '-c', 'mem-set web01 512m', '--scenario', scn, '--record', rec]);
    expect(a.code).toBe(0);
    const saved = JSON.parse(readFileSync(rec, 'utf8'));
    expect(saved).toMatchObject({ paratopRecording: 1, seed: 9 });
    expect(saved.commands[0]).toEqual({ tNs: 0, line: 'mem-set web01 512m' });
    expect(saved.commands[3]).toEqual({ tNs: 5.5e9, line: 'mode legacy01 pv' });
    expect(saved.guests.length).toBe(8);
    const b = run(['-b', '-i', '12', '--format', 'json', '--replay', rec]);
    expect(b.code).toBe(0);
    expect(b.out).toBe(a.out);
    expect(b.out.split('\n').length).toBe(13);
    // The simulation goes on past the last recorded command.
    const times = b.out.trim().split('\n').map((l) => (JSON.parse(l) as { t: number }).t);
    expect(times).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('a recording keeps the config files xl create read, so editing one afterwards does not change the replay', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paratop-rec-'));
    const rec = join(dir, 'run.json');
    const cfg = join(dir, 'extra.cfg');
    writeFileSync(cfg, 'name = "extra"\nmemory = 512\nvcpus = 1\nworkload = "cpu"\n');
    const a = run(['-b', '-i', '4', '--format', 'json', '-c', `create ${cfg}`, '--record', rec]);
    expect(a.code).toBe(0);
    expect(JSON.parse(readFileSync(rec, 'utf8')).files).toEqual([{ file: cfg, text: 'name = "extra"\nmemory = 512\nvcpus = 1\nworkload = "cpu"\n' }]);
    writeFileSync(cfg, 'name = "extra"\nmemory = 256\nvcpus = 2\nworkload = "idle"\n');
    const b = run(['-b', '-i', '4', '--format', 'json', '--replay', rec]);
    expect(b.code).toBe(0);
    expect(b.out).toBe(a.out);
  });

  it("a -c 'shutdown -w' held the run's start: the replay starts its samples there too, byte for byte", () => {
    const dir = mkdtempSync(join(tmpdir(), 'paratop-rec-'));
    const rec = join(dir, 'run.json');
    const a = run(['-b', '-i', '4', '--format', 'json', '-c', 'shutdown -w web01', '-c', 'create guests/web01.cfg', '--record', rec]);
    expect(a.code).toBe(0);
    const saved = JSON.parse(readFileSync(rec, 'utf8'));
    expect(saved.commands).toEqual([{ tNs: 0, line: 'shutdown -w web01' }, { tNs: 1e9, line: 'create guests/web01.cfg' }]);
    expect(saved.firstSampleNs).toBe(1e9);
    const b = run(['-b', '-i', '4', '--format', 'json', '--replay', rec]);
    expect(b.code).toBe(0);
    expect(b.out).toBe(a.out);
  });

  it('a scenario step with shutdown -w goes on at its time; the domain going is reported when it happens', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paratop-scn-'));
    const f = join(dir, 'wait.scenario');
    writeFileSync(f, `guests: ${join(root, 'guests')}\nat 2s: shutdown -w web01\nat 2.5s: caption still going\nat 5s: end\n`);
    const r = run(['-b', '--scenario', f, '--format', 'csv']);
    expect(r.code).toBe(0);
    const lines = r.err.split('\n');
    expect(lines.slice(0, 5)).toEqual(['[    2.0s] shutdown -w web01', '    Shutting down domain 7', '    Waiting for 1 domains', '[    2.5s] caption: still going', '[    3.0s] Domain 7 has been shut down, reason code 0']);
    expect(r.err).toMatch(/3 of 3 steps played/);
  });
});
