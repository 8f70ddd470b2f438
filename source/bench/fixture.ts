/**
 * The benchmark's big host: `n` guests with 2 vCPUs each on 64 pCPUs and 1 TiB, modes and
 * workloads cycled (as the dashboard's 1,000-guest run), created but not yet run. Used by
 * `npm run bench` (b) and by scripts/ab-model.mjs, which builds it from two revisions.
 */
import { Host } from '../model/host.js';
import type { GuestSpec } from '../model/guest-spec.js';
import { MODES } from '../model/modes.js';
import { WORKLOAD_NAMES } from '../model/guest/workloads.js';

export function cycledGuests(n: number): Host {
  const host = new Host({ seed: 1, pcpus: 64, memMiB: 1024 * 1024, dom0Vcpus: 8 });
  for (let i = 0; i < n; i++) {
    const mode = MODES[i % 3]!;
    const workload = WORKLOAD_NAMES[i % WORKLOAD_NAMES.length]!;
    const spec: GuestSpec = {
      name: `vm${String(i).padStart(4, '0')}`,
      type: mode === 'pv' ? 'pv' : mode === 'hybrid' ? 'pvh' : 'hvm',
      mode,
      memoryMiB: 512,
      maxmemMiB: 1024,
      vcpus: 2,
      maxvcpus: 2,
      cpus: null,
      weight: 256,
      cap: 0,
      timerMode: 'no_delay_for_missed_ticks',
      onCrash: 'destroy',
      vifs: ['bridge=xenbr0'],
      disks: ['/dev/vg0/x,raw,xvda,rw'],
      workload,
      guestOs: 'linux',
      hz: 250,
      source: 'bench',
    };
    const r = host.create(mode === 'full' ? { ...spec, maxmemMiB: 512 } : spec);
    if (!r.ok) throw new Error(r.error);
  }
  return host;
}
