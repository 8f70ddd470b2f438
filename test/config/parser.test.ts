import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, loadGuestDir, parseGuestConfig } from '../../source/config/load.js';
import { parseConfig } from '../../source/config/parser.js';

const examples = join(import.meta.dirname, '..', 'fixtures', 'xl-examples');

function problem(text: string): string {
  const r = parseGuestConfig(text, 'bad.cfg');
  if (r.ok) throw new Error('expected a problem');
  return formatProblem(r.problem);
}

describe("Xen's own example configs", () => {
  it.each(readdirSync(examples).filter((f) => f.startsWith('xlexample')))('parses %s', (f) => {
    const r = parseGuestConfig(readFileSync(join(examples, f), 'utf8'), f);
    expect(r.ok).toBe(true);
  });

  it('reads the HVM example as an HVM guest with PV drivers (hybrid), 2 vCPUs, 128 MiB', () => {
    const r = parseGuestConfig(readFileSync(join(examples, 'xlexample.hvm'), 'utf8'), 'x');
    if (!r.ok) throw new Error('parse failed');
    expect(r.spec).toMatchObject({ name: 'example.hvm', type: 'hvm', mode: 'hybrid', vcpus: 2, memoryMiB: 128, vifs: [''], disks: ['/dev/vg/guest-volume,raw,xvda,rw'] });
  });

  it('reads the PVH example as hybrid and the PV one as pv', () => {
    const pvh = parseGuestConfig(readFileSync(join(examples, 'xlexample.pvhlinux'), 'utf8'), 'x');
    const pv = parseGuestConfig(readFileSync(join(examples, 'xlexample.pvlinux'), 'utf8'), 'x');
    expect(pvh.ok && pvh.spec.mode).toBe('hybrid');
    expect(pv.ok && pv.spec.mode).toBe('pv');
  });
});

describe('xl.cfg syntax', () => {
  it('takes ; or newline between settings, hex numbers, escapes, multi-line lists with a trailing comma', () => {
    const s = parseConfig(`name="a\\tb\\x41"; memory = 0x200\ndisk = [ 'x',\n  "y",\n]\n# comment\nvcpus=2 # trailing`);
    expect(s.get('name')?.value).toBe('a\tbA');
    expect(s.get('memory')?.value).toBe(512);
    expect(s.get('disk')?.value).toEqual(['x', 'y']);
    expect(s.get('vcpus')?.value).toBe(2);
  });

  it('appends to a list with += and lets a later setting win', () => {
    const s = parseConfig(`vif = ['a']\nvif += ['b']\nmemory = 1\nmemory = 2\n`);
    expect(s.get('vif')?.value).toEqual(['a', 'b']);
    expect(s.get('memory')?.value).toBe(2);
  });

  it('keeps unknown keys and ignores them', () => {
    const r = parseGuestConfig(`name = "x"\nsdl = 1\nviridian = [ "base" ]\n`, 'x.cfg');
    expect(r.ok).toBe(true);
  });

  it('maps type and xen_platform_pci to modes', () => {
    const mode = (t: string): string => {
      const r = parseGuestConfig(`name = "x"\n${t}\n`, 'x.cfg');
      return r.ok ? r.spec.mode : r.problem.message;
    };
    expect(mode('type = "pv"')).toBe('pv');
    expect(mode('type = "pvh"')).toBe('hybrid');
    expect(mode('type = "hvm"')).toBe('hybrid');
    expect(mode('type = "hvm"\nxen_platform_pci = 0')).toBe('full');
    expect(mode('builder = "hvm"\nxen_platform_pci = 0')).toBe('full');
    expect(mode('')).toBe('pv');
  });

  it('reads timer_mode by name or number, defaulting to xl\'s no_delay_for_missed_ticks', () => {
    const tm = (t: string): string => {
      const r = parseGuestConfig(`name = "x"\ntype="hvm"\n${t}\n`, 'x.cfg');
      return r.ok ? r.spec.timerMode : r.problem.message;
    };
    expect(tm('')).toBe('no_delay_for_missed_ticks');
    expect(tm('timer_mode = 0')).toBe('delay_for_missed_ticks');
    expect(tm('timer_mode = "one_missed_tick_pending"')).toBe('one_missed_tick_pending');
  });

  it('reads cpus in xl cpu-list syntax', () => {
    const cpus = (t: string): unknown => {
      const r = parseGuestConfig(`name = "x"\ncpus = ${t}\n`, 'x.cfg');
      return r.ok ? r.spec.cpus : r.problem.message;
    };
    expect(cpus('"all"')).toBe(null);
    expect(cpus('"0-2,5"')).toEqual([0, 1, 2, 5]);
    expect(cpus('"0-3,^2"')).toEqual([0, 1, 3]);
    expect(cpus('2')).toEqual([2]);
  });

  it('reads a cpus list per vCPU, as xl does: cpus = ["1", "3"] puts vCPU 0 on pCPU 1 and vCPU 1 on 3', () => {
    const r = parseGuestConfig('name = "x"\nvcpus = 3\ncpus = ["1", "2-3"]\n', 'x.cfg');
    if (!r.ok) throw new Error(r.problem.message);
    expect(r.spec.cpus).toBe(null);
    expect(r.spec.vcpuCpus).toEqual([[1], [2, 3]]);
    expect(problem('name = "x"\nvcpus = 1\ncpus = ["1", "2"]\n')).toBe('bad.cfg:3:1: "cpus" lists 2 affinities for 1 vCPU');
  });

  it('reads cpus_soft as cpus is read, one set or a list per vCPU, and refuses what names no pCPU', () => {
    const one = parseGuestConfig('name = "x"\nvcpus = 2\ncpus_soft = "2-3"\n', 'x.cfg');
    expect(one.ok && [one.spec.cpusSoft, one.spec.vcpuCpusSoft]).toEqual([[2, 3], null]);
    const per = parseGuestConfig('name = "x"\nvcpus = 2\ncpus = "all"\ncpus_soft = ["0", "1"]\n', 'x.cfg');
    expect(per.ok && [per.spec.cpus, per.spec.vcpuCpusSoft]).toEqual([null, [[0], [1]]]);
    expect(problem('name = "x"\ncpus_soft = "1-x"\n')).toMatch(/^bad\.cfg:2:1: "cpus_soft": /);
  });

  it('reads on_poweroff and on_reboot as on_crash, in any case, and leaves the defaults out', () => {
    const r = parseGuestConfig('name = "x"\non_poweroff = "Restart"\non_reboot = "destroy"\n', 'x.cfg');
    expect(r.ok && [r.spec.onPoweroff, r.spec.onReboot]).toEqual(['restart', 'destroy']);
    const d = parseGuestConfig('name = "x"\non_poweroff = "destroy"\non_reboot = "restart"\n', 'x.cfg');
    expect(d.ok && [d.spec.onPoweroff, d.spec.onReboot]).toEqual([undefined, undefined]);
    expect(problem('name = "x"\non_reboot = "explode"\n')).toMatch(/^bad\.cfg:2:1: "on_reboot" must be one of destroy, restart/);
  });

  it("reads the scheduler weight from xl's cpu_weight (and paratop's old weight), and a uuid", () => {
    const r = parseGuestConfig('name = "x"\ncpu_weight = 512\ncap = 50\nuuid = "6E1B2F1A-8A1B-4C2D-9E3F-0A1B2C3D4E5F"\n', 'x.cfg');
    if (!r.ok) throw new Error(r.problem.message);
    expect([r.spec.weight, r.spec.cap, r.spec.uuid]).toEqual([512, 50, '6e1b2f1a-8a1b-4c2d-9e3f-0a1b2c3d4e5f']);
    const old = parseGuestConfig('name = "x"\nweight = 128\n', 'x.cfg');
    expect(old.ok && old.spec.weight).toBe(128);
    expect(problem('name = "x"\nuuid = "not-a-uuid"\n')).toBe('bad.cfg:2:1: Failed to parse UUID: not-a-uuid');
  });
});

describe('broken configs name file:line:col and why', () => {
  it('says xl no longer accepts Python', () => {
    expect(problem('name = "x"\nmemory = 512 * 2\n')).toBe(
      'bad.cfg:2:14: unexpected \'*\': xl.cfg is not Python: xl no longer accepts Python code in configs, only `key = value`',
    );
    expect(problem('import os\nname = "x"\n')).toMatch(/^bad\.cfg:1:1: unexpected 'import': xl\.cfg is not Python/);
    expect(problem('name = "x"\nvcpus = int(2)\n')).toMatch(/^bad\.cfg:2:12: unexpected '\(': xl\.cfg is not Python/);
    expect(problem('name = "x"\ntype = hvm\n')).toBe('bad.cfg:2:8: unexpected \'hvm\' in value of "type": strings need quotes, e.g. type = "hvm"');
    // Where xl.cfg wants a number, quoting the word would not help.
    expect(problem('name = "x"\nvcpus = two\n')).toBe('bad.cfg:2:9: unexpected \'two\' in value of "vcpus": it takes a number, e.g. vcpus = 2');
  });

  it('reads type and on_crash as libxl reads enums (any case), the deprecated builder as xl does, and not both', () => {
    const spec = (text: string) => {
      const r = parseGuestConfig(`name = "x"\n${text}\n`, 'x.cfg');
      if (!r.ok) throw new Error(formatProblem(r.problem));
      return r.spec;
    };
    expect(spec('type = "PV"').mode).toBe(spec('type = "pv"').mode);
    expect(spec('type = "HVM"\nxen_platform_pci = 0').mode).toBe('full');
    expect(spec('builder = "hvm"\nxen_platform_pci = 0').mode).toBe('full');
    expect(spec('builder = "generic"').mode).toBe('pv');
    expect(spec('on_crash = "Restart"').onCrash).toBe('restart');
    expect(problem('name = "x"\nbuilder = "xen"\n')).toBe('bad.cfg:2:1: Invalid domain type xen.');
    expect(problem('name = "x"\nmemory = 8g\n')).toBe("bad.cfg:2:10: bad number '8g': sizes in xl.cfg are plain numbers of MiB, e.g. 8192 (a suffix is for xl's commands)");
    expect(problem('name = "x"\nbuilder = "hvm"\ntype = "hvm"\n')).toBe('bad.cfg:3:1: Can\'t specify both "type" and "builder" options.');
  });

  it('names an invisible or look-alike character by its code point, and reads past a byte-order mark', () => {
    expect(problem('name = "x"\nmemory\u00a0= 512\n')).toBe('bad.cfg:2:7: unexpected character (U+00A0), a non-breaking space');
    expect(problem('name = \u201cx\u201d\n')).toBe('bad.cfg:1:8: unexpected character "\u201c" (U+201C): a typographic quote, use " or \'');
    expect(problem('name = "x"\nvcpus = 2\u0007\n')).toBe('bad.cfg:2:10: unexpected character (U+0007)');
    expect(problem('\ufeffname = "x"\nvcpus = two\n')).toBe('bad.cfg:2:9: unexpected \'two\' in value of "vcpus": it takes a number, e.g. vcpus = 2');
    const r = parseGuestConfig('\ufeffname = "x"\nmemory = 256\n', 'bom.cfg');
    expect(r.ok && r.spec.name).toBe('x');
  });

  it('reports an unterminated string and a missing value', () => {
    expect(problem('name = "x\nmemory = 1\n')).toBe('bad.cfg:1:8: unterminated string starting "x');
    expect(problem('name = "x"\nmemory =\n')).toBe('bad.cfg:2:9: expected a value for "memory", found end of line');
    expect(problem('name = "x"\ndisk = [ "a" "b" ]\n')).toBe('bad.cfg:2:14: expected \',\' or \']\' in list "disk", found \'"b"\'');
  });

  it('checks values against xl\'s rules', () => {
    expect(problem('memory = 512\n')).toBe('bad.cfg: Domain name must be specified.');
    expect(problem('name="x"\nmemory = 1024\nmaxmem = 512\n')).toBe('bad.cfg:3:1: maxmem (512) must be greater than or equal to memory (1024)');
    expect(problem('name="x"\nvcpus = 4\nmaxvcpus = 2\n')).toBe('bad.cfg:2:1: vcpus (4) must not be more than maxvcpus (2)');
    expect(problem('name="x"\ntype = "hvmx"\n')).toBe('bad.cfg:2:1: Invalid domain type hvmx.');
    expect(problem('name="x"\nworkload = "mine"\n')).toBe('bad.cfg:2:1: unknown workload "mine" (one of idle, cpu, build, db, web, io)');
    expect(problem('name="x"\nguest_os = "windows"\n')).toMatch(/^bad\.cfg:2:1: guest_os = "windows" is an unmodified OS: it cannot run paravirtualized/);
    expect(problem('name="x"\nMemory = 5\n')).toBe("bad.cfg:2:1: setting name 'Memory' must be lowercase (xl.cfg keys are lowercase)");
    expect(problem('name="x"\nweight = 0\n')).toBe('bad.cfg:2:1: "weight" must be between 1 and 65535, got 0');
  });

  it("takes one config file of any name, as xl create does, and says so when a folder holds no *.cfg", () => {
    const one = loadGuestDir(join(examples, 'xlexample.pvhlinux'));
    expect(one.specs.map((s) => [s.name, s.type])).toEqual([['example.pvhlinux', 'pvh']]);
    expect(one.problems).toEqual([]);
    const dir = loadGuestDir(examples);
    expect(dir.specs).toEqual([]);
    expect(dir.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/xl-examples: no \*\.cfg guest configs here \(not read: SOURCE\.md, xlexample\.hvm, xlexample\.pvhlinux, xlexample\.pvlinux\); name them \*\.cfg, or give one with --guests FILE or -c 'create FILE'$/),
    ]);
  });

  it('says why a folder boots no guests: empty, only subfolders, or not there (in strerror words)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'paratop-guests-'));
    expect(loadGuestDir(empty).problems.map(formatProblem)).toEqual([expect.stringMatching(/: no \*\.cfg guest configs here \(the folder is empty\); name them \*\.cfg/)]);
    mkdirSync(join(empty, 'xl-examples'));
    expect(loadGuestDir(empty).problems.map(formatProblem)).toEqual([expect.stringMatching(/: no \*\.cfg guest configs here \(subfolders are not searched: xl-examples\/\)/)]);
    expect(loadGuestDir(join(empty, 'nope')).problems.map(formatProblem)).toEqual([expect.stringMatching(/nope: cannot read: No such file or directory$/)]);
    rmSync(empty, { recursive: true });
  });

  it('loads the good guests of a folder and reports the broken ones', () => {
    const r = loadGuestDir(join(import.meta.dirname, '..', 'fixtures', 'mixed-guests'));
    expect(r.specs.map((s) => s.name)).toEqual(['good1', 'good2']);
    expect(r.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/mixed-guests\/broken\.cfg:3:10: unexpected '\(': xl\.cfg is not Python/),
      expect.stringMatching(/mixed-guests\/dup\.cfg: Domain with name "good1" already exists/),
    ]);
  });
});
