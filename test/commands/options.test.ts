import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vdevNumber } from '../../source/commands/devices.js';
import { getopt } from '../../source/commands/getopt.js';
import { runCommand } from '../../source/commands/run.js';
import { sampleHost } from '../../source/model/sample.js';
import { hostWith, spec } from '../helpers.js';

const three = () =>
  hostWith([
    spec({ name: 'web01', workload: 'web', vcpus: 2, maxvcpus: 4, memoryMiB: 1024, maxmemMiB: 2048 }),
    spec({ name: 'legacy', workload: 'idle', mode: 'full', vcpus: 2, memoryMiB: 1024 }),
    spec({ name: 'db01', workload: 'db', mode: 'hybrid', vcpus: 2, memoryMiB: 1024 }),
  ]);

const names = (host: ReturnType<typeof three>): string[] => host.domains().map((d) => d.name);

describe('getopt, as xl reads options', () => {
  it('takes options anywhere among the operands, clustered, with values joined or apart, long ones by unique prefix', () => {
    expect(getopt(['--w', '7'], 'w:W', { weight: 'w', wait: 'W' })).toEqual({ bad: '' }); // weight or wait?
    const s = getopt(['web01', '-aF', '-d', 'x', '-ey', '--cap=5', '--weight', '7', '--', '-z'], 'aFd:e:c:w:', { cap: 'c', weight: 'w' });
    if ('bad' in s) throw new Error('refused');
    expect([...s.opts]).toEqual([['a', true], ['F', true], ['d', 'x'], ['e', 'y'], ['c', '5'], ['w', '7']]);
    expect(s.operands).toEqual(['web01', '-z']);
  });

  it('an unknown option, or one without its value, is refused by its letter', () => {
    expect(getopt(['-x'], 'a')).toEqual({ bad: 'x' });
    expect(getopt(['-d'], 'd:')).toEqual({ bad: 'd' });
    expect(getopt(['--nosuch'], 'a', { all: 'a' })).toEqual({ bad: '' });
  });
});

describe('xl commands take their options', () => {
  it('an option a command does not take: xl\'s "not supported", and nothing changes', () => {
    const host = three();
    expect(runCommand(host, 'pause -q web01')).toEqual({ ok: false, out: [], err: ["option `q' not supported."] });
    expect(host.domains().find((d) => d.name === 'web01')!.paused).toBe(false);
    expect(runCommand(host, 'mem-set web01').err[0]).toBe("'xl mem-set' requires at least 2 arguments.");
  });

  it("xl's global options come before the command: -v and -f change nothing, -N is create's dry run", () => {
    const host = three();
    expect(runCommand(host, 'xl -v list').out[0]).toMatch(/^Name {40}ID/);
    expect(runCommand(host, 'xl -vf pause web01').ok).toBe(true);
    expect(runCommand(host, 'xl -N pause db01')).toEqual({ ok: false, out: [], err: ['command does not implement -N (dryrun) option'] });
    expect(host.domains().find((d) => d.name === 'db01')!.paused).toBe(false);
    expect(runCommand(host, 'xl -Q list').err).toEqual(["xl: invalid option -- 'Q'", 'unknown global option']);
  });

  it('-h and --help print the command\'s usage', () => {
    const host = three();
    expect(runCommand(host, 'shutdown -h').out[0]).toBe('Usage: xl shutdown [options] <-a|Domain>');
    expect(runCommand(host, 'list --help').out).toContain('-v, --verbose           Prints out UUIDs and security context');
  });

  it('sched-credit reads -d/-w joined, apart or long, as before', () => {
    const host = three();
    expect(runCommand(host, 'sched-credit -dweb01 -w 512').ok).toBe(true);
    expect(runCommand(host, 'sched-credit --domain=db01 --weight=128 --cap 50').ok).toBe(true);
    expect(host.domains().map((d) => [d.name, d.weight, d.cap])).toEqual([['Domain-0', 256, 0], ['web01', 512, 0], ['legacy', 256, 0], ['db01', 128, 50]]);
    expect(runCommand(host, 'sched-credit -p Pool-1').err).toEqual(["unknown cpupool 'Pool-1'"]);
  });
});

describe('shutdown and reboot: the PV control interface', () => {
  it('a fully virtualized guest has none: refused without -F, with xl\'s words, and nothing changes', () => {
    const host = three();
    const r = runCommand(host, 'shutdown legacy');
    expect(r.ok).toBe(false);
    expect(r.err).toEqual([
      'Shutting down domain 2',
      'PV control interface not available: external graceful shutdown not possible.',
      'Use "-F" to fallback to ACPI power event.',
      'shutdown failed (rc=-10)',
      "paratop: legacy is fully virtualized: no PV drivers watch xenstore's control/shutdown. The guest can still power itself off (on its console: poweroff).",
    ]);
    host.advanceSeconds(3);
    expect(names(host)).toEqual(['Domain-0', 'web01', 'legacy', 'db01']);
  });

  it('-F presses the ACPI power button: the guest sees the key and shuts down in order', () => {
    const host = three();
    const legacy = host.domains().find((d) => d.name === 'legacy')!;
    const r = runCommand(host, 'shutdown -F legacy');
    expect(r.err).toEqual(['Shutting down domain 2', 'PV control interface not available: sending ACPI power button event.']);
    const log = legacy.kernel.console.all().map((l) => l.text);
    expect(log).toContain('systemd-logind[412]: Power key pressed short.');
    expect(log).toContain('reboot: Power down');
    host.advanceSeconds(2);
    expect(names(host)).toEqual(['Domain-0', 'web01', 'db01']);
  });

  it('-w waits: xl\'s line for each domain once it has shut down (reason 0, or 1 for a reboot), or been destroyed', () => {
    const host = three();
    const r = runCommand(host, 'shutdown -w web01');
    expect(r.err).toEqual(['Shutting down domain 1', 'Waiting for 1 domains']);
    const wait = r.wait!;
    expect(wait.poll()).toEqual([]);
    expect(wait.done).toBe(false);
    host.advanceSeconds(2);
    expect(wait.poll()).toEqual(['Domain 1 has been shut down, reason code 0']);
    expect(wait.done).toBe(true);
    expect(wait.poll()).toEqual([]);
    // reboot -w: the shutdown, with reason reboot, ends the wait though the guest comes back.
    const rb = runCommand(host, 'reboot -w -F -a');
    expect(rb.err[rb.err.length - 1]).toBe('Waiting for 2 domains');
    host.advanceSeconds(2);
    expect(rb.wait!.poll()).toEqual(['Domain 2 has been shut down, reason code 1', 'Domain 3 has been shut down, reason code 1']);
    // Destroyed while it is being waited for.
    const db = host.domains().find((d) => d.name === 'db01')!;
    const w2 = runCommand(host, `shutdown --wait ${db.id}`).wait!;
    runCommand(host, `destroy ${db.id}`);
    expect(w2.poll()).toEqual([`Domain ${db.id} has been destroyed`]);
    expect(runCommand(host, 'shutdown legacy').wait).toBeUndefined();
  });

  it('reboot -F presses reset: no orderly shutdown, the guest is built again at once', () => {
    const host = three();
    const legacy = host.domains().find((d) => d.name === 'legacy')!;
    expect(runCommand(host, 'reboot -F legacy').err[1]).toBe('PV control interface not available: sending ACPI reset button event.');
    host.advanceSeconds(0.001);
    expect(legacy.kernel.console.all().map((l) => l.text)).not.toContain('reboot: Restarting system');
    expect(host.domains().find((d) => d.name === 'legacy')!.id).toBe(4);
  });

  it('a guest with PV drivers (hybrid) is asked through xenstore, no -F needed', () => {
    const host = three();
    expect(runCommand(host, 'shutdown db01')).toEqual({ ok: true, out: [], err: ['Shutting down domain 3'] });
  });

  it('-a takes every guest but Domain-0, and is refused whole if one cannot be asked', () => {
    const host = three();
    expect(runCommand(host, 'shutdown').err[0]).toBe('You must specify -a or a domain id.');
    expect(runCommand(host, 'shutdown -a').ok).toBe(false);
    host.advanceSeconds(2);
    expect(names(host)).toEqual(['Domain-0', 'web01', 'legacy', 'db01']);
    const r = runCommand(host, 'shutdown --all -F --wait');
    expect(r.err).toEqual([
      'Shutting down domain 1',
      'Shutting down domain 2',
      'PV control interface not available: sending ACPI power button event.',
      'Shutting down domain 3',
      'Waiting for 3 domains',
    ]);
    host.advanceSeconds(2);
    expect(names(host)).toEqual(['Domain-0']);
  });
});

describe('list, info, destroy, dmesg, domid and domname options', () => {
  it('list -v adds the UUID (Domain-0: all zeros), the shutdown reason and the security label; -c the cpupool; -n the node affinity', () => {
    const host = three();
    const v = runCommand(host, 'list -v').out;
    expect(v[0]).toBe('Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label');
    expect(v[1]).toMatch(/^Domain-0 {32} {5}0 {2}2048 {5}4 {5}[-r][-b]----  +\d+\.\d 00000000-0000-0000-0000-000000000000 {8}- {16}-$/);
    expect(v[2]).toMatch(/ [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} {8}- {16}-$/);
    expect(new Set(v.slice(1).map((l) => l.split(' ').filter(Boolean)[6])).size).toBe(4);
    const cn = runCommand(host, 'list -c -n web01').out;
    expect(cn[0]).toBe('Name                                        ID   Mem VCPUs\tState\tTime(s)         Cpupool NODE Affinity');
    expect(cn[1]).toMatch(/ {10}Pool-0 all$/);
    expect(cn).toHaveLength(2);
  });

  it("list -v shows the config's uuid, and a guest keeps its UUID across a reboot", () => {
    const host = hostWith([spec({ name: 'u1', uuid: '6e1b2f1a-8a1b-4c2d-9e3f-0a1b2c3d4e5f' }), spec({ name: 'u2' })]);
    const uuids = (): string[] => runCommand(host, 'list -v').out.slice(1).map((l) => l.split(' ').filter(Boolean)[6]!);
    const before = uuids();
    expect(before[1]).toBe('6e1b2f1a-8a1b-4c2d-9e3f-0a1b2c3d4e5f');
    runCommand(host, 'reboot u2');
    host.advanceSeconds(2);
    expect(uuids()).toEqual(before);
  });

  it('list -l prints each domain\'s config as libxl\'s JSON', () => {
    const host = three();
    const j = JSON.parse(runCommand(host, 'list -l web01').out.join('\n')) as { domid: number; config: { c_info: { name: string; type: string }; b_info: { max_vcpus: number; target_memkb: number } } }[];
    expect(j).toHaveLength(1);
    expect(j[0]!.domid).toBe(1);
    expect(j[0]!.config.c_info.name).toBe('web01');
    expect(j[0]!.config.b_info).toMatchObject({ max_vcpus: 4, target_memkb: 1024 * 1024 });
    expect(j[0]!.config.b_info).not.toHaveProperty('vcpu_hard_affinity');
    // Affinities as the config gave them: one for every vCPU, or a list, one per vCPU.
    const pinned = hostWith([spec({ name: 'p', vcpus: 2, cpus: [1], vcpuCpusSoft: [[0], null] })]);
    const b = (JSON.parse(runCommand(pinned, 'list -l p').out.join('\n')) as { config: { b_info: Record<string, unknown> } }[])[0]!.config.b_info;
    expect([b['vcpu_hard_affinity'], b['vcpu_soft_affinity']]).toEqual([[[1]], [[0], 'all']]);
  });

  it('info -n adds the CPU topology and the NUMA node between the host and the Xen lines', () => {
    const out = runCommand(three(), 'info -n').out;
    const i = out.indexOf('cpu_topology           :');
    expect(out[i - 1]).toBe('free_cpus              : 0');
    expect(out.slice(i + 1, i + 3)).toEqual(['cpu:    core    socket     node', '  0:       0        0        0']);
    expect(out[out.indexOf('numa_info              :') + 2]).toMatch(/^ {3}0: {4} {0,2}\d+ {5} {0,2}\d+ {6}10$/);
    expect(out[out.indexOf('numa_info              :') + 3]).toMatch(/^xen_major/);
  });

  it('destroy refuses Domain-0 as xl does, and with -f as libxl does', () => {
    const host = three();
    expect(runCommand(host, 'destroy 0').err).toEqual(['Not destroying domain 0; use -f to force.', 'This can only be done when using a disaggregated hardware domain and toolstack.']);
    expect(runCommand(host, 'destroy -f Domain-0').err[1]).toBe('destroy failed (rc=-3)');
    expect(names(host)).toContain('Domain-0');
  });

  it('dmesg -c prints Xen\'s buffer and clears it', () => {
    const host = three();
    expect(runCommand(host, 'dmesg -c').out.length).toBeGreaterThan(3);
    expect(runCommand(host, 'dmesg').out).toEqual([]);
  });

  it('vm-list lists the guests, not Domain-0, by UUID, ID and name', () => {
    const out = runCommand(three(), 'vm-list').out;
    expect(out[0]).toBe('UUID                                  ID    name');
    expect(out.slice(1).map((l) => l.split(/ +/).slice(1, 3).join(' '))).toEqual(['1 web01', '2 legacy', '3 db01']);
  });

  it('domid and domname convert, with xl\'s message for what does not exist', () => {
    const host = three();
    expect(runCommand(host, 'domid legacy').out).toEqual(['2']);
    expect(runCommand(host, 'domname 3').out).toEqual(['db01']);
    expect(runCommand(host, 'domid nosuch').err).toEqual(["Can't get domid of domain name 'nosuch', maybe this domain does not exist."]);
    expect(runCommand(host, 'domname 99').err).toEqual(["Can't get domain name of domain id '99', maybe this domain does not exist."]);
  });
});

describe('rename and cpupool-list', () => {
  it('rename changes the name xl and the screens use, keeps the UUID and the running guest\'s hostname, and a reboot keeps the new name', () => {
    const host = three();
    const uuid = runCommand(host, 'list -v web01').out[1]!.split(/ +/)[6];
    const r = runCommand(host, 'rename web01 frontend');
    expect(r).toMatchObject({ ok: true, out: [], err: [] });
    expect(names(host)).toEqual(['Domain-0', 'frontend', 'legacy', 'db01']);
    expect(runCommand(host, 'domid frontend').out).toEqual(['1']);
    expect(runCommand(host, 'list -v frontend').out[1]!.split(/ +/)[6]).toBe(uuid);
    expect(host.domain(1)!.kernel.hostname).toBe('web01');
    // The old name is free again, as under xl.
    expect(runCommand(host, 'domid web01').err).toEqual(["Can't get domid of domain name 'web01', maybe this domain does not exist."]);
    runCommand(host, 'reboot frontend');
    host.advanceSeconds(5);
    const back = host.domains().find((d) => d.name === 'frontend')!;
    expect(back.id).not.toBe(1);
    expect(back.kernel.hostname).toBe('frontend');
    expect(runCommand(host, 'list -v frontend').out[1]!.split(/ +/)[6]).toBe(uuid);
  });

  it('rename is refused with libxl\'s and xl\'s words for a name in use, and changes nothing', () => {
    const host = three();
    const taken = runCommand(host, 'rename web01 db01');
    expect(taken.ok).toBe(false);
    expect(taken.err).toEqual(['libxl: error: libxl_domain.c:81:libxl__domain_rename: Domain 1:Domain with name "db01" already exists.', "Can't rename domain 'web01'."]);
    expect(runCommand(host, "rename 1 ''").ok).toBe(false);
    expect(runCommand(host, 'rename nosuch x').err).toEqual(['nosuch is an invalid domain identifier (rc=-6)']);
    expect(runCommand(host, 'rename web01').err[0]).toBe("'xl rename' requires at least 2 arguments.");
    expect(names(host)).toEqual(['Domain-0', 'web01', 'legacy', 'db01']);
    // Its own name is no clash (libxl lets a domain keep the name it has).
    expect(runCommand(host, 'rename web01 web01').ok).toBe(true);
  });

  it('cpupool-list shows the one pool, as xl formats it, with its CPUs by -c', () => {
    const host = hostWith([spec({ name: 'a' }), spec({ name: 'b' })], { pcpus: 6 });
    expect(runCommand(host, 'cpupool-list').out).toEqual(['Name               CPUs   Sched     Active   Domain count', 'Pool-0               6    credit       y          3']);
    expect(runCommand(host, 'cpupool-list -c Pool-0').out).toEqual(['Name               CPU list', 'Pool-0             0,1,2,3,4,5']);
    expect(runCommand(host, 'cpupool-list --cpus').out[1]).toBe('Pool-0             0,1,2,3,4,5');
    expect(runCommand(host, 'cpupool-list Pool-1').err).toEqual(["Pool 'Pool-1' does not exist"]);
  });
});

describe('vcpu-pin takes a soft affinity after the hard one', () => {
  it("sets either, leaves one given as '-', and vcpu-list shows both", () => {
    const host = three();
    expect(runCommand(host, 'vcpu-pin web01 0 - 1').ok).toBe(true);
    expect(runCommand(host, 'vcpu-pin web01 1 2-3 3').ok).toBe(true);
    const rows = runCommand(host, 'vcpu-list web01').out.slice(1).map((l) => l.slice(l.lastIndexOf('  ') + 2));
    expect(rows.slice(0, 2)).toEqual(['all / 1', '2-3 / 3']);
    expect(runCommand(host, 'vcpu-pin web01 1 - all').ok).toBe(true);
    expect(runCommand(host, 'vcpu-list web01').out[2]!.endsWith('2-3 / all')).toBe(true);
    expect(runCommand(host, 'vcpu-pin web01 0 1 x').err).toEqual(['Invalid cpu specification: x', 'Error: Invalid argument.']);
  });
});

describe('create takes xl\'s options and key=value settings', () => {
  const cfg = (): string => {
    const f = join(mkdtempSync(join(tmpdir(), 'paratop-create-')), 'new01.cfg');
    writeFileSync(f, 'name = "new01"\nmemory = 512\nvcpus = 1\n');
    return f;
  };

  it('config-update stores a config the next restart builds the domain from, whole, and changes nothing now', () => {
    const host = three();
    const f = cfg();
    const warning = 'WARNING: xl now has better capability to manage domain configuration, avoid using this command when possible';
    expect(runCommand(host, `config-update web01 ${f} 'name="web01"' vcpus=3 maxvcpus=3`)).toEqual({ ok: true, out: [], err: [warning] });
    const web = host.domains().find((d) => d.name === 'web01')!;
    expect([web.targetKiB, web.onlineVcpus]).toEqual([1024 * 1024, 2]);
    runCommand(host, 'mem-set web01 900m');
    runCommand(host, 'reboot web01');
    host.advanceSeconds(2);
    // Its memory and vCPUs, not the mem-set's: the stored config wins over what xl changed.
    const again = host.domains().find((d) => d.name === 'web01')!;
    expect([again.targetKiB, again.onlineVcpus, again.spec.maxvcpus]).toEqual([512 * 1024, 3, 3]);
    const bad = runCommand(host, 'config-update web01 /nonexistent/x.cfg');
    expect(bad.ok).toBe(false);
    expect(bad.err[0]).toBe(warning);
    expect(bad.err[bad.err.length - 1]).toBe('Failed to parse config: /nonexistent/x.cfg');
  });

  it('settings after the file override its lines; -p leaves the new domain paused', () => {
    const host = three();
    const f = cfg();
    const r = runCommand(host, `create -p ${f} memory=768 'name="new02"'`);
    expect(r).toEqual({ ok: true, out: [], err: [`Parsing config from ${f}`] });
    const d = host.domains().find((x) => x.name === 'new02')!;
    expect(d.memKiB).toBe(768 * 1024);
    expect(d.paused).toBe(true);
  });

  it('-n parses and prints the config without creating it; -q says nothing', () => {
    const host = three();
    const f = cfg();
    const dry = runCommand(host, `create -n ${f} vcpus=2`);
    expect((JSON.parse(dry.out.join('\n')) as { b_info: { avail_vcpus: number[] } }).b_info.avail_vcpus).toEqual([0, 1]);
    expect(names(host)).not.toContain('new01');
    expect(runCommand(host, `xl -N create ${f}`).out[0]).toBe('{');
    expect(names(host)).not.toContain('new01');
    expect(runCommand(host, `create -q -f ${f}`)).toEqual({ ok: true, out: [], err: [] });
    expect(names(host)).toContain('new01');
  });

  it('a broken setting is reported at its line past the file\'s end, and nothing is created', () => {
    const host = three();
    const f = cfg();
    const r = runCommand(host, `create ${f} memory=lots`);
    expect(r.ok).toBe(false);
    expect(r.err[1]).toMatch(new RegExp(`^${f.replace(/[.]/g, '\\.')}:4:`));
    expect(names(host)).not.toContain('new01');
  });
});

describe("on_poweroff and on_reboot: what xl does once the guest has stopped", () => {
  it('defaults: a poweroff destroys, a reboot builds the guest again', () => {
    const host = three();
    runCommand(host, 'shutdown web01');
    runCommand(host, 'reboot db01');
    host.advanceSeconds(2);
    expect(host.domains().map((d) => `${d.id}:${d.name}`)).toEqual(['0:Domain-0', '2:legacy', '4:db01']);
  });

  it('on_reboot = "destroy" ends it; on_poweroff = "restart" brings it back; "preserve" keeps it, shut down, until xl destroy', () => {
    const host = hostWith([
      spec({ name: 'once', onReboot: 'destroy' }),
      spec({ name: 'phoenix', onPoweroff: 'restart' }),
      spec({ name: 'kept', onPoweroff: 'preserve' }),
    ]);
    runCommand(host, 'reboot once');
    runCommand(host, 'shutdown phoenix');
    runCommand(host, 'shutdown kept');
    host.advanceSeconds(2);
    expect(host.domains().map((d) => `${d.id}:${d.name}`)).toEqual(['0:Domain-0', '3:kept', '4:phoenix']);
    expect(runCommand(host, 'list kept').out[1]).toMatch(/^kept +3 +\d+ +\d+ +--ps--  /);
    runCommand(host, 'destroy kept');
    expect(host.domains().map((d) => d.name)).toEqual(['Domain-0', 'phoenix']);
  });
});


describe('network-list and block-list: split drivers, connected only with PV drivers', () => {
  const host = () =>
    hostWith([
      spec({ name: 'pvg', vifs: ['mac=00:16:3E:00:00:09,bridge=xenbr0'], disks: ['phy:/dev/vg0/pvg,xvda,w', 'format=raw, vdev=xvdb2, access=rw, target=/dev/vg0/pvg2'] }),
      spec({ name: 'hvmg', mode: 'full', vifs: ['type=ioemu, model=e1000, bridge=xenbr0'], disks: ['/dev/vg0/hvmg,raw,hda,rw', '/srv/iso,raw,hdc:cdrom,r'] }),
    ]);

  it('numbers vdevs as Xen does', () => {
    expect(['xvda', 'xvdb2', 'xvdq', 'hda', 'hdb', 'hdc', 'sda1', 'eth0'].map(vdevNumber)).toEqual([51712, 51730, (1 << 28) | (16 << 8), 768, 832, 5632, 2049, null]);
  });

  it('a PV guest\'s devices are connected (4) with event channels and rings; a full guest\'s backends wait (2) with none', () => {
    const h = host();
    const net = runCommand(h, 'network-list pvg hvmg').out;
    expect(net[0]).toBe('Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       ');
    expect(net[1]).toBe('0   0  00:16:3e:00:00:09     0     4     20   768/769         /local/domain/0/backend/vif/1/0');
    expect(net[2]).toMatch(/^0 {3}0 {2}00:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2} {5}0 {5}2 {5}-1 {4}-1\/-1 {10}\/local\/domain\/0\/backend\/vif\/2\/0$/);
    const blk = runCommand(h, 'block-list pvg hvmg nosuch');
    expect(blk.out).toEqual([
      'Vdev  BE  handle state evt-ch ring-ref BE-path                       ',
      '51712 0   1      4     16     8        /local/domain/0/backend/vbd/1/51712',
      '51730 0   1      4     17     9        /local/domain/0/backend/vbd/1/51730',
      '768   0   2      2     -1     -1       /local/domain/0/backend/vbd/2/768',
      '5632  0   2      2     -1     -1       /local/domain/0/backend/vbd/2/5632',
    ]);
    expect(blk.err).toEqual(['nosuch is an invalid domain identifier']);
    expect(runCommand(h, 'network-list nosuch').err).toEqual(['nosuch is an invalid domain identifier (rc=-6)']);
  });

  it('network-attach adds a vif with the next device ID, network-detach takes one by ID or MAC and the others keep theirs; both stay across a reboot', () => {
    const h = host();
    expect(runCommand(h, 'network-attach pvg bridge=xenbr1').ok).toBe(true);
    expect(runCommand(h, 'network-attach pvg mac=00:16:3e:aa:bb:cc bridge=xenbr2').ok).toBe(true);
    expect(runCommand(h, 'network-detach pvg 1').ok).toBe(true);
    const idx = (): string[] => runCommand(h, 'network-list pvg').out.slice(1).map((l) => l.split(/ +/).slice(0, 3).join(' '));
    expect(idx()).toEqual(['0 0 00:16:3e:00:00:09', '2 0 00:16:3e:aa:bb:cc']);
    expect(runCommand(h, 'network-detach pvg 7').err).toEqual(['Unknown device 7.']);
    runCommand(h, 'reboot -w pvg');
    h.advanceSeconds(2);
    expect(idx()).toEqual(['0 0 00:16:3e:00:00:09', '2 0 00:16:3e:aa:bb:cc']);
    expect(runCommand(h, 'network-detach pvg 00:16:3E:AA:BB:CC').ok).toBe(true);
    expect(idx()).toEqual(['0 0 00:16:3e:00:00:09']);
    // A full guest gets the vif's backend, which waits: it has no netfront.
    runCommand(h, 'network-attach hvmg');
    expect(runCommand(h, 'network-list hvmg').out[2]!.split(/ +/).slice(0, 5)).toEqual(['1', '0', expect.stringMatching(/^00:16:3e:/), '1', '2']);
  });

  it('block-attach hot-plugs a disk: a PV guest connects it and logs blkfront\'s line, a full guest\'s backend waits; it stays across a reboot; block-detach takes it away', () => {
    const h = host();
    h.advanceSeconds(2);
    expect(sampleHost(h).domains.find((d) => d.name === 'pvg')!.vbds).toBe(2);
    const pvg = h.domains().find((d) => d.name === 'pvg')!;
    const from = pvg.kernel.console.total;
    expect(runCommand(h, 'block-attach pvg format=raw vdev=xvdc target=/dev/vg0/data')).toMatchObject({ ok: true, out: [], err: [] });
    expect(pvg.kernel.console.all().filter((l) => l.seq >= from).map((l) => l.text)).toEqual(['blkfront: xvdc: flush diskcache: enabled; persistent grants: enabled; indirect descriptors: enabled;']);
    runCommand(h, 'block-attach hvmg /dev/vg0/more,raw,xvdb,rw');
    expect(runCommand(h, 'block-list pvg hvmg').out.slice(3).map((l) => l.split(/ +/).slice(0, 4).join(' '))).toEqual(['51744 0 1 4', '768 0 2 2', '5632 0 2 2', '51728 0 2 2']);
    // xentop's VBDS counts it.
    expect(sampleHost(h).domains.find((d) => d.name === 'pvg')!.vbds).toBe(3);
    expect(runCommand(h, 'block-attach pvg xvda').err).toEqual(['paratop: pvg already has a disk at xvda', 'libxl_device_disk_add failed.']);
    runCommand(h, 'reboot -w pvg');
    h.advanceSeconds(2);
    const again = h.domains().find((d) => d.name === 'pvg')!;
    expect(again.spec.disks).toHaveLength(3);
    expect(runCommand(h, 'block-detach pvg 51744').ok).toBe(true);
    expect(runCommand(h, 'block-detach pvg xvdc').err).toEqual(['Error: Device xvdc not connected.']);
    expect(runCommand(h, 'block-list pvg').out).toHaveLength(3);
  });
});

describe('trigger: the hardware events only an HVM guest has', () => {
  it('power presses the ACPI button, reset reboots at once, nmi makes Linux say so; a PV guest has none of it', () => {
    const h = three();
    const legacy = h.domains().find((d) => d.name === 'legacy')!;
    expect(runCommand(h, 'trigger legacy nmi 1')).toEqual({ ok: true, out: [], err: [] });
    expect(legacy.kernel.console.all().map((l) => l.text).slice(-2)).toEqual(['Uhhuh. NMI received for unknown reason 3d on CPU 1.', 'Dazed and confused, but trying to continue']);
    expect(runCommand(h, 'trigger web01 power').err).toEqual(["libxl: error: libxl_domain.c:1825:libxl_send_trigger: Domain 1:Send trigger 'power' failed: Invalid argument"]);
    expect(runCommand(h, 'trigger legacy explode').err).toEqual(['Invalid trigger "explode"']);
    runCommand(h, 'trigger db01 power');
    expect(db01Log(h)).toContain('systemd-logind[412]: Power key pressed short.');
    runCommand(h, 'trigger legacy reset');
    h.advanceSeconds(2);
    expect(h.domains().map((d) => `${d.id}:${d.name}`)).toEqual(['0:Domain-0', '1:web01', '4:legacy']);
  });
});

function db01Log(h: ReturnType<typeof three>): string[] {
  return (h.domains().find((d) => d.name === 'db01')?.kernel.console.all() ?? []).map((l) => l.text);
}
