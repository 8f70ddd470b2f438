import { NS_PER_S } from '../source/model/clock.js';
import type { GuestSpec } from '../source/model/guest-spec.js';
import { Host } from '../source/model/host.js';
import type { HostOptions } from '../source/model/host.js';
import { sampleHost } from '../source/model/sample.js';
import type { DomainSample, HostSample } from '../source/model/sample.js';

export function spec(overrides: Partial<GuestSpec> & { name: string }): GuestSpec {
  const mode = overrides.mode ?? 'pv';
  return {
    type: mode === 'pv' ? 'pv' : 'hvm',
    mode,
    memoryMiB: 1024,
    maxmemMiB: overrides.memoryMiB ?? 1024,
    vcpus: 1,
    maxvcpus: overrides.vcpus ?? 1,
    cpus: null,
    weight: 256,
    cap: 0,
    timerMode: 'no_delay_for_missed_ticks',
    onCrash: 'destroy',
    vifs: ['bridge=xenbr0'],
    disks: ['/dev/vg/guest,raw,xvda,rw'],
    workload: 'idle',
    guestOs: 'linux',
    hz: 250,
    source: 'test',
    ...overrides,
  };
}

export function hostWith(specs: GuestSpec[], opts: HostOptions = {}): Host {
  const host = new Host(opts);
  for (const s of specs) {
    const r = host.create(s);
    if (!r.ok) throw new Error(r.error);
  }
  return host;
}

/** Runs `warmS` simulated seconds, then returns samples before and after `spanS` more. */
export function measure(host: Host, warmS: number, spanS: number): [HostSample, HostSample] {
  host.advance(warmS * NS_PER_S);
  const a = sampleHost(host);
  host.advance(spanS * NS_PER_S);
  return [a, sampleHost(host)];
}

export function dom(s: HostSample, name: string): DomainSample {
  const d = s.domains.find((x) => x.name === name);
  if (d === undefined) throw new Error(`no domain ${name}`);
  return d;
}

/** Share of one pCPU (%) a domain used between two samples. */
export function cpuPct(a: HostSample, b: HostSample, name: string): number {
  return ((dom(b, name).cpuNs - dom(a, name).cpuNs) / (b.tNs - a.tNs)) * 100;
}

/** The guest's own view (vmstat-like %) of one stat field between two samples. */
export function guestPct(a: HostSample, b: HostSample, name: string, field: number): number {
  const x = dom(a, name).statNs;
  const y = dom(b, name).statNs;
  let total = 0;
  for (let i = 0; i < 8; i++) total += y[i]! - x[i]!;
  return ((y[field]! - x[field]!) / total) * 100;
}
