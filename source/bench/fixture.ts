/**
 * The benchmark's big host, defined once: `n` guests with 2 vCPUs each on 64 pCPUs and 1.5 TiB,
 * modes and workloads cycled, each guest given the memory the demo guests (guests/) give its
 * workload. `cycledGuestTexts` are the configs; the dashboard's 1,000-guest run
 * (`npm run bench` (e)) boots them from files, and `cycledGuests` boots the same texts in process
 * the way the dashboard does (bootHost: the same host options, Domain-0 and parsing), for bench (b)
 * and scripts/ab-model.mjs. Created but not yet run.
 */
import { bootHost } from '../boot.js';
import { parseSizeKiB } from '../cli/size.js';
import type { GuestText } from '../config/load.js';
import type { Host } from '../model/host.js';

const WORKLOADS = ['idle', 'cpu', 'build', 'db', 'web', 'io'] as const;
/**
 * MiB per workload, as guests/ sizes them (idle01, batch01, build01, db01, web01, win2019), so a
 * guest's working set fits. With 512 MiB each, the db and build guests ran out of memory every
 * second or two, about 110 OOM kills a second host-wide: a broken host, and not the load to measure.
 */
const MEMORY_MIB = [512, 1024, 1536, 2048, 1024, 2048] as const;
const TYPES = ['type = "pv"', 'type = "pvh"', 'type = "hvm"\nxen_platform_pci = 0'] as const;

const PCPUS = 64;
/** 1,000 guests take about 1.3 TiB. */
const HOST_MEM = '1.5t';

/** The host the 1,000-guest runs use, as the dashboard's options: `--pcpus 64 --host-mem 1.5t`. */
export const CYCLED_HOST_ARGS = ['--pcpus', String(PCPUS), '--host-mem', HOST_MEM] as const;

export function cycledGuestTexts(n: number): GuestText[] {
  const texts: GuestText[] = [];
  for (let i = 0; i < n; i++) {
    const name = `vm${String(i).padStart(4, '0')}`;
    texts.push({ file: `${name}.cfg`, text: `name = "${name}"\n${TYPES[i % 3]}\nmemory = ${MEMORY_MIB[i % MEMORY_MIB.length]}\nvcpus = 2\nworkload = "${WORKLOADS[i % WORKLOADS.length]}"\n` });
  }
  return texts;
}

export function cycledGuests(n: number): Host {
  const { host, warnings } = bootHost({ seed: 1, pcpus: PCPUS, hostMemMiB: parseSizeKiB(HOST_MEM)! / 1024, guestsDir: '', guestTexts: cycledGuestTexts(n) });
  if (warnings.length > 0) throw new Error(`bench fixture: ${warnings.join('; ')}`);
  return host;
}
