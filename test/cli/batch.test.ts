import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist', 'paratop.js');

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('paratop --batch', () => {
  it('gives byte-identical JSON for the same seed, and different JSON for another', () => {
    const a = run(['-b', '-i', '4', '-d', '2', '--format', 'json', '--seed', '42']);
    const b = run(['-b', '-i', '4', '-d', '2', '--format', 'json', '--seed', '42']);
    const c = run(['-b', '-i', '4', '-d', '2', '--format', 'json', '--seed', '43']);
    expect(a.code).toBe(0);
    expect(a.out.trim().split('\n')).toHaveLength(4);
    expect(a.out).toBe(b.out);
    expect(a.out).not.toBe(c.out);
  });

  it('boots the demo guests: one of each mode, a Windows guest, a pre-ballooned guest', () => {
    const r = run(['-b', '-i', '2', '--format', 'json']);
    expect(r.err).toBe('');
    const s = JSON.parse(r.out.trim().split('\n')[1]!);
    const modes = new Set(s.domains.map((d: { mode: string }) => d.mode));
    expect(modes).toEqual(new Set(['pv', 'hybrid', 'full']));
    expect(s.domains.length).toBeGreaterThanOrEqual(7);
    expect(s.domains.some((d: { memKiB: number; maxmemKiB: number }) => d.memKiB < d.maxmemKiB)).toBe(true);
  });

  it('prints xentop-style text by default when stdout is not a terminal', () => {
    const r = run(['-b', '-i', '1', '--guests', join(root, 'test', 'fixtures', 'mixed-guests')]);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ {6}NAME {2}STATE {3}CPU\(sec\) CPU\(%\)/);
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(['Domain-0', 'good1', 'good2']);
    expect(r.err).toMatch(/broken\.cfg:3:10: unexpected '\('/);
    expect(r.err).not.toMatch(/at .*\.js/);
  });

  it('writes csv with a header', () => {
    const r = run(['-b', '-i', '2', '--format', 'csv']);
    expect(r.out.split('\n')[0]).toMatch(/^t,id,name,mode,state,/);
  });

  it('refuses a bad flag or value with one line and exit 2', () => {
    for (const args of [['--bogus'], ['-b', '--format', 'xml'], ['-b', '-i', '0'], ['-b', '--delay', 'soon'], ['-b', '--host-mem', 'lots'], ['-b', '--speed', '0'], ['-b', '--seed', '1', '--seed', '2'], ['-b', '-i', '2', '--iterations=3']]) {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^paratop: /);
    }
  });

  it('shows help with every flag and an example', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    for (const f of ['--batch', '--iterations', '--delay', '--speed', '--seed', '--guests', '--pcpus', '--host-mem', '--format', 'Examples']) expect(r.out).toContain(f);
  });

  it('points to --batch when there is no terminal', () => {
    const r = run([]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('paratop: the dashboard needs a terminal on stdin and stdout; for output without one use --batch (see paratop --help)\n');
  });

  it('reports a guest that does not fit in host memory and boots the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paratop-'));
    writeFileSync(join(dir, 'big.cfg'), 'name = "big"\nmemory = 65536\n');
    writeFileSync(join(dir, 'small.cfg'), 'name = "small"\nmemory = 256\n');
    const r = run(['-b', '-i', '1', '--format', 'json', '--guests', dir]);
    expect(r.err).toMatch(/big\.cfg: big: failed to free memory for the domain/);
    expect(JSON.parse(r.out).domains.map((d: { name: string }) => d.name)).toEqual(['Domain-0', 'small']);
  });
});

describe('paratop --batch -c', () => {
  it('applies xl commands in order at start; JSON shows their effect; a refused one exits 1 and changes nothing', () => {
    const r = run(['-b', '-i', '3', '--format', 'json', '-c', 'mem-set web01 512m', '-c', 'sched-credit -d batch01 -c 50', '-c', 'vcpu-set db01 9']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('You are overcommmitting! You have 4 physical CPUs and want 9 vCPUs! Aborting, use --ignore-host to continue');
    expect(r.err).toContain('paratop: -c "vcpu-set db01 9" refused; nothing changed');
    const samples = r.out.trim().split('\n').map((l) => JSON.parse(l) as { domains: { name: string; memKiB: number; targetKiB: number; cap: number; vcpus: { online: number } }[] });
    const web = (i: number) => samples[i]!.domains.find((d) => d.name === 'web01')!;
    expect(web(0).targetKiB).toBe(512 * 1024);
    expect(web(2).memKiB).toBe(512 * 1024);
    expect(samples[0]!.domains.find((d) => d.name === 'batch01')!.cap).toBe(50);
    expect(samples[2]!.domains.find((d) => d.name === 'db01')!.vcpus.online).toBe(2);
  });

  it("-c 'shutdown -w' holds the next command until the domain has gone, as a script's next line waits for xl", () => {
    // Without -w, the guest is still there when create runs, and its name is taken.
    const busy = run(['-b', '-i', '1', '-c', 'shutdown web01', '-c', 'create guests/web01.cfg']);
    expect(busy.code).toBe(1);
    expect(busy.err).toContain('Domain with name "web01" already exists.');
    const r = run(['-b', '-i', '1', '--format', 'json', '-c', 'shutdown -w web01', '-c', 'create guests/web01.cfg']);
    expect(r.code).toBe(0);
    const err = r.err.trimEnd().split('\n');
    expect(err.slice(0, 4)).toEqual(['Shutting down domain 7', 'Waiting for 1 domains', 'Domain 7 has been shut down, reason code 0', 'Parsing config from guests/web01.cfg']);
    const s = JSON.parse(r.out.trim().split('\n')[0]!) as { tNs: number; domains: { id: number; name: string }[] };
    expect(s.domains.find((d) => d.name === 'web01')!.id).toBe(9);
  });

  it('prints xl list and xl info to stderr, keeping stdout for samples', () => {
    const r = run(['-b', '-i', '1', '--format', 'json', '-c', 'list']);
    expect(r.code).toBe(0);
    expect(r.err.split('\n')[0]).toBe('Name                                        ID   Mem VCPUs\tState\tTime(s)');
    expect(() => JSON.parse(r.out)).not.toThrow();
  });
});

describe('paratop exec', () => {
  it('runs a command in a guest\'s shell: vmstat 1 5 prints a header and five lines, exit 0', () => {
    const r = run(['exec', 'web01', '--', 'vmstat', '1', '5']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[1]).toBe(' r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st');
    expect(lines).toHaveLength(7);
  });

  it('passes the command\'s status and stderr through; -c applies first; bad domains are refused', () => {
    const bad = run(['exec', 'web01', '--', 'nosuch']);
    expect(bad.code).toBe(127);
    expect(bad.err).toBe('bash: nosuch: command not found\n');
    const mem = run(['exec', 'web01', '-c', 'mem-set web01 512m', '--', 'sleep 20 && free -m']);
    expect(mem.out.split('\n')[1]).toMatch(/^Mem: {13}512 /);
    const none = run(['exec', 'nope', '--', 'ls']);
    expect(none.code).toBe(2);
    expect(none.err).toBe('paratop: exec: nope is an invalid domain identifier (rc=-6)\n');
    expect(run(['exec', 'win2019', '--', 'ls']).err).toMatch(/win2019 runs windows: its console has no login shell/);
  });

  it('tells the domain from the values of the flags before it, whichever flags they are', () => {
    for (const flags of [['--charset', 'ascii'], ['--theme', 'contrast'], ['--seed', '7'], ['-c', 'list']]) {
      const r = run(['exec', ...flags, 'web01', '--', 'hostname']);
      expect(r.out, flags.join(' ')).toBe('web01\n');
      expect(r.code).toBe(0);
    }
  });

  it('never passes a guest config\'s control characters to the terminal: config problems, xl output and CSV show them escaped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paratop-evil-'));
    writeFileSync(join(dir, 'a.cfg'), 'name = "ev\x1b[2Jil"\n');
    writeFileSync(join(dir, 'b.cfg'), 'name = "b"\nuuid = "\x1b]0;owned\x07"\n');
    const r = run(['-b', '-i', '1', '--format', 'csv', '--guests', dir, '-c', 'list']);
    expect(r.out + r.err).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(r.err).toContain('Failed to parse UUID: \\e]0;owned\\x07');
    expect(r.err).toMatch(/^ev\\e\[2Jil {30}/m);
    // xl list's header keeps its tabs.
    expect(r.err).toContain('VCPUs\tState\tTime(s)');
    expect(r.out).toContain(',ev\\e[2Jil,');
  });
});

