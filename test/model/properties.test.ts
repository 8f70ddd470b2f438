import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../source/commands/run.js';
import { NS_PER_MS } from '../../source/model/clock.js';
import { sampleHost } from '../../source/model/sample.js';
import { hostWith, spec } from '../helpers.js';

const NAMES = ['a', 'b', 'c', 'nosuch', '0'];
const command = fc.oneof(
  fc.tuple(fc.constantFrom(...NAMES), fc.integer({ min: 0, max: 5000 }), fc.constantFrom('', 'm', 'k', 'g', 'x')).map(([d, n, u]) => `mem-set ${d} ${n}${u}`),
  fc.tuple(fc.constantFrom(...NAMES), fc.integer({ min: 0, max: 5000 })).map(([d, n]) => `mem-max ${d} ${n}`),
  fc.tuple(fc.constantFrom(...NAMES), fc.integer({ min: -1, max: 6 }), fc.boolean()).map(([d, n, i]) => `vcpu-set ${i ? '-i ' : ''}${d} ${n}`),
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('0', '1', 'all'), fc.constantFrom('0', '1-2', 'all', '7', '^0')).map(([d, v, c]) => `vcpu-pin ${d} ${v} ${c}`),
  fc.tuple(fc.constantFrom(...NAMES), fc.integer({ min: 0, max: 70000 }), fc.integer({ min: -5, max: 300 })).map(([d, w, c]) => `sched-credit -d ${d} -w ${w} -c ${c}`),
  fc.tuple(fc.constantFrom('pause', 'unpause', 'shutdown', 'reboot', 'destroy'), fc.constantFrom(...NAMES)).map(([c, d]) => `${c} ${d}`),
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('pv', 'hybrid', 'full', 'zz')).map(([d, m]) => `mode ${d} ${m}`),
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('idle', 'cpu', 'build', 'db', 'web', 'io')).map(([d, w]) => `workload ${d} ${w}`),
  fc.constantFrom('list', 'info', 'vcpu-list', 'dmesg', 'sched-credit', 'help', 'bogus', 'cpupool-list', 'debug-keys r', 'debug-keys hqz'),
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('a', 'b', 'x', 'y')).map(([d, n]) => `rename ${d} ${n}`),
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('s', 'c', 'b', 'o', 'f', 't', 'h', '5')).map(([d, k]) => `sysrq ${d} ${k}`),
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('0', '1', 'all'), fc.constantFrom('-', '0', '1', 'all')).map(([d, v, s]) => `vcpu-pin ${d} ${v} - ${s}`),
  fc.tuple(fc.constantFrom('shutdown', 'reboot'), fc.constantFrom(...NAMES)).map(([c, d]) => `${c} -w -F ${d}`),
);
const step = fc.record({ cmd: command, waitMs: fc.integer({ min: 0, max: 1500 }) });

describe('no sequence of commands breaks the model', () => {
  it('keeps runstates summing to elapsed time, memory within host and maxmem, domain IDs and names unique, task counts exact', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const host = hostWith(
          [
            spec({ name: 'a', workload: 'web', vcpus: 2, maxvcpus: 4, memoryMiB: 512, maxmemMiB: 1024 }),
            spec({ name: 'b', workload: 'cpu', mode: 'full', vcpus: 1, maxvcpus: 2, memoryMiB: 512 }),
            spec({ name: 'c', workload: 'db', mode: 'hybrid', vcpus: 2, memoryMiB: 768 }),
          ],
          { pcpus: 2, memMiB: 4096 },
        );
        const seen = new Set<number>();
        for (const { cmd, waitMs } of steps) {
          runCommand(host, cmd);
          host.advance(waitMs * NS_PER_MS);
          const s = sampleHost(host);
          let used = host.xenKiB;
          const ids = new Set<number>();
          for (const d of s.domains) {
            expect(ids.has(d.id)).toBe(false);
            ids.add(d.id);
            seen.add(d.id);
            used += d.memKiB;
            expect(d.memKiB).toBeLessThanOrEqual(d.maxmemKiB);
            expect(d.memKiB).toBeGreaterThan(0);
            for (const v of d.vcpus) {
              expect(v.runstateNs.reduce((x, y) => x + y, 0)).toBe(host.now - host.domain(d.id)!.createdNs);
              for (const x of v.runstateNs) expect(x).toBeGreaterThanOrEqual(0);
            }
            expect(d.mem.freeKiB).toBeGreaterThanOrEqual(0);
            // vmstat's r and b are kept as counts: they equal the tasks in those states.
            const k = host.domain(d.id)!.kernel;
            expect([k.runnableTasks(), k.blockedTasks()]).toEqual([k.tasks.filter((t) => t.state === 'R').length, k.tasks.filter((t) => t.state === 'D').length]);
          }
          expect(used).toBeLessThanOrEqual(host.totalKiB);
          // Names stay unique, whatever was renamed, rebooted or created.
          expect(new Set(s.domains.map((d) => d.name)).size).toBe(s.domains.length);
          expect(s.domains[0]!.id).toBe(0);
        }
        // IDs are never reused: every domain ever seen had a distinct ID (checked per sample above),
        // and new ones are larger than all before.
        expect(Math.max(...seen)).toBeGreaterThanOrEqual(seen.size - 1);
      }),
      { numRuns: 40, seed: 20261121 },
    );
  });
});

describe('the model does not depend on how its time is cut into steps', () => {
  /** What a sample says of each domain, as numbers (the JSON, CSV and screens are made from these). */
  const digest = (host: ReturnType<typeof hostWith>): string =>
    JSON.stringify(
      sampleHost(host).domains.map((d) => [d.id, d.name, d.cpuNs, d.memKiB, d.targetKiB, d.statNs, d.mem.freeKiB, d.mem.cacheKiB, d.clockOffsetNs, d.opsDone, d.vcpus.map((v) => v.runstateNs)]),
    );

  it('the same commands at the same instants give the same samples, whether the host is advanced in one step or many', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ cmd: command, waitMs: fc.integer({ min: 1, max: 1500 }), cuts: fc.array(fc.integer({ min: 1, max: 1499 }), { maxLength: 4 }) }), { minLength: 1, maxLength: 12 }), (steps) => {
        const make = () =>
          hostWith(
            [
              spec({ name: 'a', workload: 'web', vcpus: 2, maxvcpus: 4, memoryMiB: 512, maxmemMiB: 1024 }),
              spec({ name: 'b', workload: 'idle', mode: 'full', vcpus: 2, memoryMiB: 512 }),
              spec({ name: 'c', workload: 'db', mode: 'hybrid', vcpus: 2, memoryMiB: 768 }),
            ],
            { pcpus: 2, memMiB: 4096 },
          );
        const whole = make();
        const pieces = make();
        for (const { cmd, waitMs, cuts } of steps) {
          runCommand(whole, cmd);
          runCommand(pieces, cmd);
          whole.advance(waitMs * NS_PER_MS);
          // The same span, cut where the generator says (a dashboard's refreshes, a scenario's steps).
          let done = 0;
          for (const c of [...new Set(cuts.filter((x) => x < waitMs))].sort((x, y) => x - y)) {
            pieces.advance((c - done) * NS_PER_MS);
            done = c;
          }
          pieces.advance((waitMs - done) * NS_PER_MS);
          expect(digest(pieces)).toBe(digest(whole));
        }
      }),
      { numRuns: 25, seed: 20261203 },
    );
  });
});
