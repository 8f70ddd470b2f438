/**
 * A domain: identity, configuration, scheduling parameters, memory reservation, lifecycle state,
 * and its vCPUs. The guest kernel that runs inside it lives in guest/kernel.ts.
 *
 * Guarantees: memKiB <= maxmemKiB; vcpus.length == maxvcpus and never changes for a domain's
 * life (hotplug brings existing vCPUs up and down, as in Xen).
 */
import type { GuestSpec } from './guest-spec.js';
import type { GuestKernel } from './guest/kernel.js';
import type { Mode } from './modes.js';
import type { VCpu } from './vcpu.js';

export type ShutdownReason = 'poweroff' | 'reboot' | 'suspend' | 'crash' | 'watchdog' | 'soft_reset';

export class Domain {
  weight: number;
  cap: number;
  /** Index of this domain in the scheduler's per-domain arrays. */
  schedSlot = -1;
  readonly vcpus: VCpu[] = [];
  memKiB: number;
  targetKiB: number;
  maxmemKiB: number;
  paused = false;
  dying = false;
  shutdownReason: ShutdownReason | null = null;
  /** xenstore's cpu/N/availability: the vCPUs the toolstack has made available (vcpus= at create, then xl vcpu-set). */
  availableVcpus: number;
  /** A config stored by xl config-update: the next restart builds the domain from it, as it is, instead. */
  updatedSpec: GuestSpec | null = null;
  kernel!: GuestKernel;

  constructor(
    readonly id: number,
    /** Its name in xenstore; `xl rename` changes it (Host.rename). */
    public name: string,
    /** The config it was built from, and the one a reboot builds it again from. */
    public spec: GuestSpec,
    readonly mode: Mode,
    readonly createdNs: number,
  ) {
    this.weight = spec.weight;
    this.cap = spec.cap;
    this.memKiB = spec.memoryMiB * 1024;
    this.targetKiB = spec.memoryMiB * 1024;
    this.maxmemKiB = spec.maxmemMiB * 1024;
    this.availableVcpus = spec.vcpus;
  }

  get onlineVcpus(): number {
    let n = 0;
    for (const v of this.vcpus) if (v.up) n++;
    return n;
  }

  cpuNs(nowNs: number): number {
    let t = 0;
    for (const v of this.vcpus) t += v.runstateNs(nowNs)[0];
    return t;
  }
}
