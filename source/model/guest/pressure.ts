/**
 * Memory pressure inside a guest: the balloon driver's kernel thread, working sets that vary per
 * cycle, reclaim (cache, then swap), and the OOM killer (model-notes.md "Memory").
 *
 * Guarantees: after every change to anonymous memory the guest's free memory is back above its
 * watermark, or the OOM killer has run, or the kernel has panicked (`crash`). The balloon never
 * takes anonymous memory (GFP_NORETRY), so it never causes an OOM kill by itself.
 */
import { EventPriority, NS_PER_S } from '../clock.js';
import type { SimEvent } from '../clock.js';
import { BALLOON_STEP_CPU_NS, BALLOON_STEP_KIB, BalloonDriver } from './balloon.js';
import type { KernelParts } from './kernel-parts.js';
import type { Task } from './task.js';

export class MemoryPressure {
  /** pv/hybrid only: the balloon driver and its kernel thread. */
  readonly balloon: BalloonDriver | null;
  balloonTask: Task | null = null;
  private balloonTimer: SimEvent | null = null;
  oomKills = 0;
  /** The driver's target, KiB: memory/target from xenstore, or what the guest wrote to target_kb. */
  targetKiB: number;
  private restarts = 0;

  constructor(
    private readonly k: KernelParts,
    hasBalloon: boolean,
  ) {
    this.balloon = hasBalloon ? new BalloonDriver() : null;
    this.targetKiB = k.dom.targetKiB;
  }

  stop(): void {
    if (this.balloonTimer) this.balloonTimer.cancelled = true;
    this.balloonTimer = null;
  }

  /** The balloon thread starts a burst: as many 2 MiB steps as it will take now (at most 64). */
  startBalloonBurst(t: Task): void {
    const k = this.k;
    const steps = Math.max(1, Math.min(64, Math.ceil(Math.abs(this.targetKiB - k.dom.memKiB) / BALLOON_STEP_KIB)));
    t.remainingNs = steps * BALLOON_STEP_CPU_NS;
    t.userFrac = 0;
    t.softirqFrac = 0;
    t.hvFrac = 0.5;
    t.pendingOps = steps;
  }

  /** The balloon thread's burst is done: make its steps. */
  finishBalloonBurst(t: Task): void {
    const steps = t.pendingOps;
    t.pendingOps = 0;
    this.balloonSteps(steps);
  }

  /** The toolstack wrote memory/target: the balloon driver (if any) goes to work. */
  targetChanged(): void {
    const k = this.k;
    if (this.balloon === null || k.dead) return;
    this.targetKiB = k.dom.targetKiB;
    this.retarget();
  }

  /** The guest wrote target_kb itself: xenstore's memory/target stays as the toolstack set it. */
  setDriverTarget(kib: number): void {
    if (this.balloon === null || this.k.dead) return;
    this.targetKiB = Math.max(0, Math.round(kib));
    this.retarget();
  }

  private retarget(): void {
    this.balloon!.retarget();
    if (this.balloonTimer) {
      this.balloonTimer.cancelled = true;
      this.balloonTimer = null;
    }
    this.kickBalloon();
  }

  private kickBalloon(): void {
    const k = this.k;
    const t = this.balloonTask;
    if (t === null || t.state === 'R' || k.dom.memKiB === this.targetKiB) return;
    k.enqueue(t, k.hv.queue.now);
  }

  /** Performs up to `steps` 2 MiB steps toward the target, then decides what the driver does next. */
  private balloonSteps(steps: number): void {
    const k = this.k;
    const b = this.balloon!;
    const dom = k.dom;
    const mem = k.memory;
    const t = this.balloonTask!;
    let failed = false;
    for (let i = 0; i < steps && dom.memKiB !== this.targetKiB; i++) {
      if (dom.memKiB > this.targetKiB) {
        const step = Math.min(BALLOON_STEP_KIB, dom.memKiB - this.targetKiB);
        // si_mem_available: free above the watermark plus page cache the kernel can drop.
        const spare = mem.freeKiB - mem.minFreeKiB + mem.cacheKiB;
        if (spare < step) {
          failed = true;
          break;
        }
        mem.totalKiB -= step;
        mem.reclaim();
        dom.memKiB -= step;
        b.ballooned += step;
      } else {
        const step = Math.min(BALLOON_STEP_KIB, this.targetKiB - dom.memKiB);
        // populate_physmap fails past the domain's max_pages (maxmem) or when the host is out of memory.
        if (k.hv.hostFreeKiB() < step || dom.memKiB + step > dom.maxmemKiB) {
          failed = true;
          break;
        }
        mem.totalKiB += step;
        dom.memKiB += step;
        b.ballooned = Math.max(0, b.ballooned - step);
        mem.swapIn();
      }
    }
    t.state = 'S';
    if (dom.memKiB === this.targetKiB) {
      b.succeeded();
      return;
    }
    if (!failed) {
      k.enqueue(t, k.hv.queue.now);
      return;
    }
    b.failed();
    if (b.state === 'ecanceled') return; // gives up silently until the target changes
    this.balloonTimer = k.hv.queue.schedule(k.hv.queue.now + b.scheduleDelayS * NS_PER_S, EventPriority.Guest, () => {
      this.balloonTimer = null;
      if (!k.dead) this.kickBalloon();
    });
  }

  /**
   * A task starts a cycle and touches its working set: it may have grown, and pages of it that
   * were swapped out come back in. The kernel then restores its watermark: drops cache, swaps out,
   * and when swap is full too, the OOM killer picks a victim.
   */
  touchMemory(t: Task): void {
    const k = this.k;
    const p = k.profile;
    const mem = k.memory;
    const base = p.rssMiBPerTask * 1024;
    k.setRss(t, p.rssJitter > 0 ? base * (1 - p.rssJitter + 2 * p.rssJitter * k.rng.next()) : base);
    if (mem.swapUsedKiB > 0 && mem.anonKiB > 0) {
      const back = mem.swapUsedKiB * Math.min(1, t.rssKiB / mem.anonKiB);
      mem.swapUsedKiB -= back;
      mem.siKiB += back;
    }
    this.applyPressure();
  }

  /** Restores free memory above the watermark: cache, then swap, then the OOM killer. */
  applyPressure(): void {
    const k = this.k;
    for (let guard = 0; k.memory.reclaim() > 0 && guard < 64; guard++) {
      if (!this.oomKill()) return;
    }
  }

  /** The task the OOM killer picks: the largest user task (oom_badness, with every oom_score_adj 0). */
  private oomVictim(): Task | null {
    let victim: Task | null = null;
    for (const x of this.k.tasks) {
      if (x.kernelThread || x.exited) continue;
      if (victim === null || x.rssKiB > victim.rssKiB) victim = x;
    }
    return victim;
  }

  /** SysRq f: the OOM killer on demand, memory short or not; with no task to kill it says so and goes on. */
  manualOom(): void {
    const v = this.oomVictim();
    if (v === null) this.k.printk('OOM request ignored. No task eligible');
    else this.kill(v);
  }

  /** The OOM killer: the largest user task goes; with none left, the kernel panics. False if it panicked. */
  private oomKill(): boolean {
    const k = this.k;
    const victim = this.oomVictim();
    if (victim === null) {
      k.printk('Out of memory and no killable processes...');
      k.hv.crash(k.dom, 'System is deadlocked on memory');
      return false;
    }
    this.kill(victim);
    return true;
  }

  /** Kills `v` as the OOM killer does, and systemd starts its service again 5 s later. */
  private kill(v: Task): void {
    const k = this.k;
    const rss = Math.round(v.rssKiB);
    k.printk(`Out of memory: Killed process ${v.pid} (${v.name}) total-vm:${rss + 65536}kB, anon-rss:${rss}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:${Math.round(rss / 512) + 40}kB oom_score_adj:0`);
    this.oomKills++;
    k.exitTask(v);
    const name = v.name;
    this.restarts++;
    const n = this.restarts;
    k.hv.queue.schedule(k.hv.queue.now + 5 * NS_PER_S, EventPriority.Guest, () => {
      if (k.dead || k.shuttingDown) return;
      k.printk(`systemd[1]: ${name}.service: Main process exited, code=killed, status=9/KILL`);
      k.printk(`systemd[1]: ${name}.service: Scheduled restart job, restart counter is at ${n}.`);
      const t = k.newTask(name, v.cpu);
      k.setRss(t, k.profile.rssMiBPerTask * 1024);
      this.applyPressure();
      if (!t.exited) k.enqueue(t, k.hv.queue.now);
    });
  }
}
