/**
 * A task (process) inside a guest. State letters as ps shows them: R runnable/running, S sleeping,
 * D uninterruptible (waiting on disk).
 */
import { doubleFields } from '../arrays.js';
import type { EventTarget, SimEvent } from '../clock.js';

export type TaskState = 'R' | 'S' | 'D';

/**
 * What a task does: its workload's cycles, spin on the CPU (`stress --cpu`, `yes`: userFrac of each
 * slice in user mode), or nothing but sleep (a shell, `sleep`). Only workload tasks follow
 * `workload` changes.
 */
export type TaskKind = 'workload' | 'hog' | 'sleeper';

/** What handles a task's wake-up (its sleep or I/O ended) and keeps count of its states: its kernel. */
export interface TaskSink {
  taskWoke(t: Task): void;
  /** The task's state went from `from` to `to` (vmstat's r and b are these counts). */
  taskStateChanged(from: TaskState, to: TaskState): void;
}

/** Times, fractions and sizes (see doubleFields). */
const TASK_DOUBLES = ['startNs', 'remainingNs', 'userFrac', 'softirqFrac', 'hvFrac', 'pendingOps', 'cpuNs', 'pendingDom0Ns', 'pendingDiskReadKiB', 'pendingDiskWriteKiB', 'pendingNetKiB', 'pendingDiskOps', 'pendingCtxsw', 'waitNs', 'rssKiB', 'hogUserFrac'] as const satisfies readonly (keyof Task)[];

export class Task implements EventTarget {
  private st: TaskState = 'S';
  /** CPU it last ran on (guest CPU index). */
  cpu: number;
  /** CPU work left in the current burst, ns. */
  remainingNs = 0;
  /** Shares of the burst spent in user mode and in softirq; the rest is system. */
  userFrac = 1;
  softirqFrac = 0;
  /** Share of the burst the hypervisor spends on the task's behalf (counted as system inside). */
  hvFrac = 0;
  /** Completed cycles' useful work waits to be counted when the burst ends. */
  pendingOps = 0;
  wake: SimEvent | null = null;
  cpuNs = 0;
  /** Domain-0 work this burst will ask for when it completes, ns. */
  pendingDom0Ns = 0;
  pendingDiskReadKiB = 0;
  pendingDiskWriteKiB = 0;
  pendingNetKiB = 0;
  pendingDiskOps = 0;
  /** The cycle's own context switches (a server sleeping on its sockets between requests), counted in vmstat's cs. */
  pendingCtxsw = 0;
  waitNs = 0;
  waitIsIo = false;
  /** Anonymous memory it uses now, KiB. */
  rssKiB = 0;
  /** Killed (OOM) or told to exit (workload change): leaves when its burst ends. */
  exited = false;
  /** A kernel thread (init, the balloon driver, backends): never picked by the OOM killer. */
  kernelThread = false;
  kind: TaskKind = 'workload';
  /** A hog's share of user time (the rest is system: its system calls). */
  hogUserFrac = 1;
  /** Started from a login shell: the terminal it runs on (ps's TTY column). */
  tty: string | null = null;
  /** Its parent's pid (ps -ef's PPID): init's children unless a shell started it. */
  ppid = 1;

  constructor(
    readonly pid: number,
    readonly name: string,
    cpu: number,
    readonly startNs: number,
    private readonly sink: TaskSink,
  ) {
    this.cpu = cpu;
    doubleFields(this, TASK_DOUBLES);
  }

  get state(): TaskState {
    return this.st;
  }

  /** Every change is counted by the kernel, so reading vmstat's r and b walks no task list. */
  set state(to: TaskState) {
    const from = this.st;
    if (from === to) return;
    this.st = to;
    this.sink.taskStateChanged(from, to);
  }

  /** Its wake event (the task is its own event target: see EventTarget). */
  fire(): void {
    this.sink.taskWoke(this);
  }
}
