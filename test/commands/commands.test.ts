import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonPrefix, complete, runCommand } from '../../source/commands/run.js';
import { xlUptimeText } from '../../source/commands/formats.js';
import { NS_PER_S } from '../../source/model/clock.js';
import { sampleHost } from '../../source/model/sample.js';
import { hostWith, spec } from '../helpers.js';

const two = () =>
  hostWith([
    spec({ name: 'web01', workload: 'web', vcpus: 2, maxvcpus: 4, memoryMiB: 1024, maxmemMiB: 2048 }),
    spec({ name: 'legacy', workload: 'idle', mode: 'full', vcpus: 2, memoryMiB: 1024 }),
  ]);

describe('xl commands: refusals use xl\'s wording and change nothing', () => {
  it('mem-set above the static max', () => {
    const host = two();
    const r = runCommand(host, 'mem-set web01 4g');
    expect(r.ok).toBe(false);
    expect(r.err).toEqual([
      'libxl: error: libxl_mem.c:232:libxl_set_memory_target: Domain 1:memory_dynamic_max must be less than or equal to memory_static_max',
      'cannot set domid 1 dynamic max memory to : 4g',
    ]);
    expect(host.domain(1)!.targetKiB).toBe(1024 * 1024);
  });

  it('mem-max below the target', () => {
    const host = two();
    const r = runCommand(host, 'mem-max web01 512');
    expect(r.err).toEqual([
      'libxl: error: libxl_mem.c:175:libxl_domain_setmaxmem: Domain 1:memory_static_max must be greater than or or equal to memory_dynamic_max',
      'cannot set domid 1 static max memory to : 512',
    ]);
    expect(host.domain(1)!.maxmemKiB).toBe(2048 * 1024);
  });

  it('a bad size, an unknown domain, a bad vCPU count', () => {
    const host = two();
    expect(runCommand(host, 'mem-set web01 lots').err).toEqual(['invalid memory size: lots']);
    expect(runCommand(host, 'mem-set nosuch 512').err).toEqual(['nosuch is an invalid domain identifier (rc=-6)']);
    expect(runCommand(host, 'vcpu-set web01 two').err).toEqual(['Error: Invalid argument.']);
  });

  it('vcpu-set above maxvcpus, and above the host pCPUs', () => {
    const host = hostWith([spec({ name: 'g', vcpus: 2, maxvcpus: 4 })], { pcpus: 8 });
    const r = runCommand(host, 'vcpu-set g 6');
    expect(r.err).toEqual([
      'libxl: error: libxl_domain.c:2153:libxl_set_vcpuonline: Domain 1:Requested 6 VCPUs, however maxcpus is 4!',
      'libxl_set_vcpuonline failed domid=1 max_vcpus=6, rc: -3',
    ]);
    expect(host.domain(1)!.onlineVcpus).toBe(2);
    const small = hostWith([spec({ name: 'g', vcpus: 2, maxvcpus: 8 })], { pcpus: 4 });
    expect(runCommand(small, 'vcpu-set g 6').err).toEqual([
      'You are overcommmitting! You have 4 physical CPUs and want 6 vCPUs! Aborting, use --ignore-host to continue',
    ]);
    expect(runCommand(small, 'vcpu-set --ignore-host g 6').ok).toBe(true);
    expect(small.domain(1)!.onlineVcpus).toBe(6);
  });

  it('says how to use a command given too few arguments', () => {
    const r = runCommand(two(), 'mem-set web01');
    expect(r.err.slice(0, 3)).toEqual(["'xl mem-set' requires at least 2 arguments.", '', 'Usage: xl mem-set <Domain> <Mem>']);
    expect(runCommand(two(), 'frobnicate').err[0]).toBe('command "frobnicate" not implemented');
  });

  it('lists the commands as xl help does, and gives one command usage with help CMD', () => {
    const all = runCommand(two(), 'help');
    expect(all.ok).toBe(true);
    expect(all.out).toContain(' mem-set             Set the current memory usage for a domain');
    // Like xl's own list, it fits an 80-column terminal.
    for (const l of all.out) expect(l.length).toBeLessThanOrEqual(80);
    expect(all.out.filter((l) => l.startsWith(' ')).map((l) => l.slice(1, 20).trim())).toContain('vcpu-pin');
    expect(runCommand(two(), 'xl help vcpu-set').out).toEqual([
      'Usage: xl vcpu-set [-i|--ignore-host] <Domain> <vCPUs>',
      '',
      'Set the number of active VCPUs allowed for the domain.',
    ]);
    expect(runCommand(two(), 'help mem-set').out.slice(3).join(' ')).toContain('<Mem> is in MiB unless suffixed b, k, m, g or t.');
    const bad = runCommand(two(), 'help frob');
    expect(bad.ok).toBe(false);
    expect(bad.err).toEqual(['command "frob" not implemented']);
  });

  it('prints uptimes as xl uptime does: since boot for Domain-0, since creation for a guest', () => {
    const host = two();
    host.advanceSeconds(65);
    runCommand(host, 'reboot web01');
    host.advanceSeconds(5);
    const r = runCommand(host, 'uptime');
    expect(r.out[0]).toBe(`${'Name'.padEnd(33)}   ID Uptime`);
    expect(r.out).toContain(`${'Domain-0'.padEnd(33)}    0  0:01:10`);
    expect(r.out).toContain(`${'legacy'.padEnd(33)}    2  0:01:10`);
    // The rebooted guest is a new domain, created about 5 s ago (its shutdown took a moment).
    const web = r.out.find((l) => l.startsWith('web01'))!;
    expect(web).toMatch(/^web01 +\d+  0:00:0[0-5]$/);
    expect(runCommand(host, 'uptime -s legacy').out).toEqual([' 09:01:10 up  0:01, legacy (2)']);
    expect(runCommand(host, 'uptime nope').err).toEqual(['nope is an invalid domain identifier (rc=-6)']);
    expect([xlUptimeText(59, false), xlUptimeText(86_400 + 3_661, false), xlUptimeText(3 * 86_400 + 60, true)]).toEqual([' 0:00:59', '1 day,  1:01:01', '3 days,  0:01']);
  });

  it('completes command names after help, and domain names after other commands', () => {
    expect(complete(two(), 'help mem-')).toEqual(['help mem-set', 'help mem-max']);
    expect(complete(two(), 'pause we')).toEqual(['pause web01']);
  });

  it('completes a file path after create, as a shell does: folders end in /, dotfiles only when asked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paratop-complete-'));
    for (const f of ['web1.cfg', 'web2.cfg', '.hidden.cfg']) writeFileSync(join(dir, f), '');
    mkdirSync(join(dir, 'webs'));
    expect(complete(two(), `create ${dir}/w`)).toEqual([`create ${dir}/web1.cfg`, `create ${dir}/web2.cfg`, `create ${dir}/webs/`]);
    expect(complete(two(), `xl create -p ${dir}/.h`)).toEqual([`xl create -p ${dir}/.hidden.cfg`]);
    expect(complete(two(), `create ${dir}/nothing`)).toEqual([]);
    expect(complete(two(), 'create /nonexistent/x')).toEqual([]);
    expect(commonPrefix(complete(two(), `create ${dir}/w`))).toBe(`create ${dir}/web`);
  });

  it('refuses to switch a Windows guest to pv and leaves it running', () => {
    const host = hostWith([spec({ name: 'win', mode: 'full', guestOs: 'windows' })]);
    const r = runCommand(host, 'mode win pv');
    expect(r.ok).toBe(false);
    expect(r.err[0]).toMatch(/^win: guest_os "windows" is an unmodified OS: it cannot run paravirtualized/);
    host.advanceSeconds(3);
    expect(host.domains().map((d) => [d.id, d.name])).toEqual([[0, 'Domain-0'], [1, 'win']]);
  });
});

describe('which guests can run paravirtualized', () => {
  it('lets a BSD guest go back to pv, as its config could boot it (only Windows is an unmodified OS)', () => {
    const host = hostWith([spec({ name: 'bsd', mode: 'pv', type: 'pv', guestOs: 'bsd' })]);
    expect(runCommand(host, 'mode bsd hybrid').ok).toBe(true);
    host.advanceSeconds(5);
    expect(host.domains().find((d) => d.name === 'bsd')?.mode).toBe('hybrid');
    expect(runCommand(host, 'mode bsd pv').ok).toBe(true);
    host.advanceSeconds(5);
    expect(host.domains().find((d) => d.name === 'bsd')?.mode).toBe('pv');
  });
});

describe('xl output formats', () => {
  it('list', () => {
    const host = two();
    host.advanceSeconds(2);
    const out = runCommand(host, 'list').out;
    expect(out[0]).toBe('Name                                        ID   Mem VCPUs\tState\tTime(s)');
    expect(out[2]).toMatch(/^web01 {40}1  1024 {5}2 {5}[r-][b-]---- {2} +\d+\.\d$/);
    expect(out).toHaveLength(4);
  });

  it('vcpu-list shows offline vCPUs as --p with no CPU', () => {
    const out = runCommand(two(), 'vcpu-list web01').out;
    expect(out[0]).toBe('Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)');
    expect(out[3]).toBe('web01                                1     2     -   --p       0.0  all / all');
    expect(out).toHaveLength(5);
  });

  it('sched-credit lists and sets weight and cap', () => {
    const host = two();
    expect(runCommand(host, 'sched-credit -d web01 -w 512 -c 50').ok).toBe(true);
    expect(runCommand(host, 'sched-credit').out).toEqual([
      'Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us',
      'Name                                ID Weight  Cap',
      'Domain-0                             0    256    0',
      'web01                                1    512   50',
      'legacy                               2    256    0',
    ]);
    expect(runCommand(host, 'sched-credit -d web01 -w 0').ok).toBe(false);
  });

  it('sched-credit -s shows and sets the timeslice and ratelimit, refusing what libxl refuses', () => {
    const host = two();
    expect(runCommand(host, 'sched-credit -s').out).toEqual(['Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us']);
    const refused = (line: string): readonly string[] => {
      const r = runCommand(host, line);
      expect(r.ok).toBe(false);
      return r.err;
    };
    expect(refused('sched-credit -s -t 0')[0]).toMatch(/libxl_sched_credit_params_set: Time slice out of range, valid range is from 1 to 1000$/);
    expect(refused('sched-credit -s -r 50')[0]).toMatch(/Ratelimit out of range, valid range is from 100 to 500000$/);
    expect(refused('sched-credit -s -t 1 -r 2000')[0]).toMatch(/Ratelimit cannot be greater than timeslice$/);
    expect(refused('sched-credit -t 5')).toEqual(['Must specify schedparam to set schedule parameter values.']);
    expect(refused('sched-credit -s -d web01')).toEqual(['Specifying a cpupool or schedparam is not allowed with domain options.']);
    expect(runCommand(host, 'sched-credit -s').out[0]).toContain('tslice=30ms ratelimit=1000us');
    expect(runCommand(host, 'sched-credit -s -t 5 -r 500').ok).toBe(true);
    expect(runCommand(host, 'sched-credit -s').out).toEqual(['Cpupool Pool-0: tslice=5ms ratelimit=500us migration-delay=0us']);
  });

  it('a shorter timeslice switches two CPU hogs sharing a pCPU more often', () => {
    const host = hostWith([spec({ name: 'a', workload: 'cpu', cpus: [0] }), spec({ name: 'b', workload: 'cpu', cpus: [0] })], { pcpus: 2 });
    let switches = 0;
    const started = host.started.bind(host);
    host.started = (v, t) => {
      if (v.dom.id !== 0) switches++;
      started(v, t);
    };
    host.advanceSeconds(3);
    switches = 0;
    host.advanceSeconds(3);
    const at30 = switches;
    runCommand(host, 'sched-credit -s -t 5');
    host.advanceSeconds(1);
    switches = 0;
    host.advanceSeconds(3);
    // Each hog runs a slice and waits a slice: 3 s / 30 ms, then 3 s / 5 ms.
    expect(at30).toBeGreaterThan(80);
    expect(at30).toBeLessThan(130);
    expect(switches / at30).toBeGreaterThan(4);
  });

  it('info speaks xl info\'s key : value', () => {
    const out = runCommand(two(), 'info').out;
    expect(out).toContain('nr_cpus                : 4');
    expect(out).toContain('xen_scheduler          : credit');
    expect(out.find((l) => l.startsWith('total_memory'))).toBe('total_memory           : 16384');
  });
});

describe('lifecycle', () => {
  it('mode switch: shut down, created again with a new domain ID, booting that mode', () => {
    const host = two();
    expect(runCommand(host, 'mode web01 full').ok).toBe(false); // pre-ballooned: a full guest would crash
    expect(runCommand(host, 'mode legacy pv').ok).toBe(true);
    expect(host.domains().find((x) => x.name === 'legacy')!.kernel.console.all().map((l) => l.text)).toContain('reboot: Power down');
    host.advanceSeconds(3);
    const d = host.domains().find((x) => x.name === 'legacy')!;
    expect(d.id).toBe(3);
    expect(d.mode).toBe('pv');
    const log = d.kernel.console.all().map((l) => l.text);
    expect(log).toContain('Booting paravirtualized kernel on Xen');
    expect(log).toContain('clocksource: Switched to clocksource xen');
    expect(log).not.toContain('xen:events: Xen HVM callback vector for event delivery is enabled');
    expect(runCommand(host, 'mode legacy hybrid').ok).toBe(true);
    host.advanceSeconds(3);
    const h = host.domains().find((x) => x.name === 'legacy')!;
    expect(h.id).toBe(4);
    expect(h.kernel.console.all().map((l) => l.text)).toEqual(expect.arrayContaining(['Booting paravirtualized kernel on Xen HVM', 'xen:events: Xen HVM callback vector for event delivery is enabled']));
  });

  it('pause takes vCPUs offline (PV sees it as steal), unpause brings them back', () => {
    const host = hostWith([spec({ name: 'hog', workload: 'cpu' })]);
    host.advanceSeconds(2);
    runCommand(host, 'pause hog');
    const a = sampleHost(host);
    host.advanceSeconds(2);
    const b = sampleHost(host);
    const hog = (s: typeof a) => s.domains.find((d) => d.name === 'hog')!;
    expect(hog(b).vcpus[0]!.runstateNs[3] - hog(a).vcpus[0]!.runstateNs[3]).toBe(2 * NS_PER_S);
    expect(hog(b).statNs[7]! - hog(a).statNs[7]!).toBeGreaterThan(1.9 * NS_PER_S);
    expect(runCommand(host, 'list hog').out[1]).toMatch(/ --p--- /);
    runCommand(host, 'unpause hog');
    host.advanceSeconds(1);
    expect(hog(sampleHost(host)).flags.paused).toBe(false);
  });

  it('workload changes what a sample reports the guest runs, and its unit', () => {
    const host = two();
    host.advanceSeconds(2);
    const web = (): { workload: string; opUnit: string } => sampleHost(host).domains.find((d) => d.name === 'web01')!;
    expect(web()).toMatchObject({ workload: 'web', opUnit: 'req' });
    expect(runCommand(host, 'workload web01 db').ok).toBe(true);
    host.advanceSeconds(2);
    expect(web()).toMatchObject({ workload: 'db', opUnit: 'tx' });
  });

  it("a reboot builds the guest from its config with what xl changed since, as libxl_retrieve_domain_configuration has it", () => {
    const host = two();
    for (const c of ['mem-set web01 768m', 'mem-max web01 1536m', 'vcpu-set web01 1', 'sched-credit -d web01 -w 512 -c 50', 'rename web01 front', 'vcpu-set legacy 1']) expect(runCommand(host, c).ok).toBe(true);
    runCommand(host, 'reboot -a -F');
    host.advanceSeconds(2);
    const [, legacy, front] = host.domains();
    expect([front!.name, front!.id, front!.targetKiB, front!.maxmemKiB, front!.onlineVcpus, front!.weight, front!.cap]).toEqual(['front', 4, 768 * 1024, 1536 * 1024, 1, 512, 50]);
    // An HVM guest keeps the vCPUs a lower vcpu-set did not unplug, and comes back with them.
    expect([legacy!.name, legacy!.onlineVcpus]).toEqual(['legacy', 2]);
    // What vcpu-set raises again comes back too.
    runCommand(host, 'vcpu-set front 3');
    runCommand(host, 'reboot front');
    host.advanceSeconds(3);
    expect(host.domains().find((d) => d.name === 'front')!.onlineVcpus).toBe(3);
  });

  it('shutdown and destroy remove the domain and give its memory back; reboot gets a new ID', () => {
    const host = two();
    const free0 = host.freeKiB;
    runCommand(host, 'destroy legacy');
    expect(host.freeKiB).toBe(free0 + 1024 * 1024);
    runCommand(host, 'reboot web01');
    host.advanceSeconds(2);
    expect(host.domains().map((d) => `${d.id}:${d.name}`)).toEqual(['0:Domain-0', '3:web01']);
    runCommand(host, 'shutdown web01');
    host.advanceSeconds(2);
    expect(host.domains().map((d) => d.name)).toEqual(['Domain-0']);
    expect(runCommand(host, 'destroy 0').ok).toBe(false);
  });

  it('a crashed guest is restarted with a new ID under on_crash=restart, kept paused under preserve', () => {
    const host = hostWith([spec({ name: 'r', onCrash: 'restart' }), spec({ name: 'k', onCrash: 'preserve' })]);
    host.crash(host.domain(1)!, 'test');
    host.crash(host.domain(2)!, 'test');
    expect(host.domains().map((d) => `${d.id}:${d.name}`)).toEqual(['0:Domain-0', '2:k', '3:r']);
    expect(runCommand(host, 'list k').out[1]).toMatch(/ --psc- /);
  });

  it('creates a guest from a config file and reports a broken one by file:line', () => {
    const host = two();
    const dir = new URL('../fixtures/mixed-guests/', import.meta.url).pathname;
    expect(runCommand(host, `create ${dir}good2.cfg`).ok).toBe(true);
    expect(host.domains().some((d) => d.name === 'good2')).toBe(true);
    const bad = runCommand(host, `create ${dir}broken.cfg`);
    // As xl prints it: what it parses, where the config is wrong, and that it gave up.
    expect(bad.err[0]).toBe(`Parsing config from ${dir}broken.cfg`);
    expect(bad.err[1]).toMatch(/broken\.cfg:3:10: unexpected '\('/);
    expect(bad.err[2]).toBe(`Failed to parse config: ${dir}broken.cfg`);
  });
});

describe("debug-keys: Xen's key handlers write to its console", () => {
  it("r dumps the credit scheduler as Xen does: each pCPU's running vCPU and run queue, by priority, with the credits xl shows", () => {
    // Three CPU hogs pinned to pCPU 1 of 2, one of them capped: a queue forms there, pCPU 0 idles.
    const host = hostWith(
      [spec({ name: 'a', workload: 'cpu', cpus: [1] }), spec({ name: 'b', workload: 'cpu', cpus: [1] }), spec({ name: 'c', workload: 'cpu', cpus: [1], cap: 20 })],
      { pcpus: 2 },
    );
    host.advance(10 * NS_PER_S + 7_000_000);
    const from = host.xenConsole.total;
    const r = runCommand(host, 'debug-keys r');
    expect(r).toMatchObject({ ok: true, out: [], err: [] });
    const dump = host.xenConsole.all().filter((l) => l.seq >= from).map((l) => l.text.replace(/^\(XEN\) /, ''));
    expect(dump.slice(0, 7)).toEqual([
      'sched_smt_power_savings: disabled',
      `NOW=${host.queue.now}`,
      'Online Cpus: 0-1',
      'Cpupool 0:',
      'Cpus: 0-1',
      'Scheduling granularity: cpu, 1 CPU per sched-resource',
      'Scheduler: SMP Credit Scheduler (credit)',
    ]);
    expect(dump).toContain('\tncpus              = 2');
    expect(dump).toContain('\tcredit             = 600');
    expect(dump).toContain('\ttslice             = 30ms');
    expect(dump).toContain('idlers: 00000001');
    expect(dump).toContain('CPU[00] current=d[IDLE]v0, curr=d[IDLE]v0, prev=NULL');
    // pCPU 1: the running vCPU, then the queue highest priority first, the idle vCPU last.
    const p1 = host.pcpus[1]!;
    const cur = p1.curr!;
    const at = dump.indexOf(`CPU[01] current=d${cur.dom.id}v0, curr=d${cur.dom.id}v0, prev=NULL`);
    expect(at).toBeGreaterThan(0);
    expect(dump[at + 1]).toBe(`CPU[01] nr_run=${p1.runq.length + 1}, sort=${dump.find((l) => l.startsWith('\trunq_sort'))!.split('= ')[1]}, sibling={1}, core={0-1}`);
    const unit = /^\t(?:run| +\d+): \[(\d+)\.(\d+)\] pri=(-?\d+) flags=([0-9a-f]+) cpu=(\d+)(?: credit=(-?\d+) \[w=(\d+),cap=(\d+)\])?$/;
    const rows = dump.slice(at + 2).map((l) => unit.exec(l)).filter((m) => m !== null);
    expect(rows[0]![0]).toMatch(/^\trun: /);
    expect(Number(rows[0]![1])).toBe(cur.dom.id);
    const last = rows[rows.length - 1]!;
    expect(last.slice(1, 6)).toEqual(['32767', '1', '-64', '0', '1']);
    const queued = rows.slice(1, -1);
    expect(queued.length).toBe(p1.runq.length);
    expect(queued.length).toBeGreaterThan(0);
    const pris = queued.map((m) => Number(m[3]));
    expect(pris).toEqual([...pris].sort((x, y) => y - x));
    // The credits are the scheduler's, as xl vcpu-list's neighbours read them; the cap is shown.
    for (const m of rows.slice(0, -1)) {
      const v = host.domain(Number(m[1]))!.vcpus[0]!;
      expect(Number(m[6])).toBe(host.scheduler.credit(v));
      expect(m[8]).toBe(v.dom.name === 'c' ? '20' : '0');
    }
  });

  it('h lists the key table; a key with no handler, or one paratop does not model, gets a note and writes nothing', () => {
    const host = two();
    const from = host.xenConsole.total;
    expect(runCommand(host, 'debug-keys h')).toMatchObject({ ok: true, out: [], err: [] });
    const lines = host.xenConsole.all().filter((l) => l.seq >= from).map((l) => l.text);
    expect(lines[0]).toBe("(XEN) 'h' pressed -> showing installed handlers");
    expect(lines).toContain("(XEN)  key 'r' (ascii '72') => dump run queues");
    const keys = lines.slice(2).map((l) => l.charCodeAt(12));
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    const before = host.xenConsole.total;
    const r = runCommand(host, 'debug-keys qx');
    expect(r.ok).toBe(true);
    expect(r.err).toEqual([
      "paratop: debug key 'q' (dump domain (and guest debug) info) is not modelled.",
      "paratop: Xen has no handler for debug key 'x' and ignores it (debug-keys h lists them).",
    ]);
    expect(host.xenConsole.total).toBe(before);
    expect(runCommand(host, 'debug-keys').ok).toBe(false);
  });
});
