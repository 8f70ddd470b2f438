/**
 * What the guest kernel's parts (memory pressure, lock contention) may use of the kernel. Internal
 * to source/model/guest: nothing outside this folder should call these.
 */
import type { Domain } from '../domain.js';
import type { ModeTraits } from '../modes.js';
import type { Rng } from '../rng.js';
import type { GuestCpu } from './guest-cpu.js';
import type { HypervisorPort } from './kernel.js';
import type { GuestMemory } from './memory.js';
import type { Task } from './task.js';
import type { WorkloadProfile } from './workloads.js';

export interface KernelParts {
  readonly dom: Domain;
  readonly hv: HypervisorPort;
  readonly rng: Rng;
  readonly memory: GuestMemory;
  readonly tasks: Task[];
  readonly cpus: GuestCpu[];
  readonly traits: ModeTraits;
  readonly profile: WorkloadProfile;
  readonly dead: boolean;
  readonly shuttingDown: boolean;
  interrupts: number;
  printk(text: string): void;
  newTask(name: string, cpu: number): Task;
  setRss(t: Task, kib: number): void;
  enqueue(t: Task, nowNs: number): void;
  exitTask(t: Task): void;
  /** Consumes the work done on `c` since it last ran up to `nowNs`. */
  progress(c: GuestCpu, nowNs: number): void;
  /** Schedules when the current work on `c` finishes. */
  plan(c: GuestCpu, nowNs: number): void;
}
