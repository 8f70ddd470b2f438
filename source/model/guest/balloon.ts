/**
 * The Linux Xen balloon driver (drivers/xen/balloon.c), as a state machine the guest kernel runs.
 *
 * Guarantees: memory moves in steps of at most BALLOON_STEP_KIB (512 pages); deflating the guest
 * only takes what it can spare (free memory and reclaimable cache, as si_mem_available), never
 * anonymous memory, so the balloon itself never invokes the OOM killer; growing only takes what
 * the host has free. When a step cannot be made the driver waits 1, 2, 4, 8 … s (max 32) and after
 * MAX_RETRY_COUNT failures gives up, silently, until the target changes.
 */
export const BALLOON_STEP_KIB = 2048;
export const MAX_RETRY_COUNT = 4;
export const MAX_SCHEDULE_DELAY_S = 32;
/** CPU the driver spends per 2 MiB step (hypercall for 512 pages, page-table work), ns. */
export const BALLOON_STEP_CPU_NS = 40_000;

export type BalloonState = 'done' | 'eagain' | 'ecanceled';

export class BalloonDriver {
  state: BalloonState = 'done';
  retryCount = 0;
  scheduleDelayS = 1;
  /** Pages (KiB) currently in the balloon, i.e. handed back to Xen. */
  ballooned = 0;

  /** The target changed: start over with a short delay. */
  retarget(): void {
    this.state = 'done';
    this.retryCount = 0;
    this.scheduleDelayS = 1;
  }

  /** A step could not be made: back off, or give up after MAX_RETRY_COUNT tries. */
  failed(): void {
    this.retryCount++;
    if (this.retryCount > MAX_RETRY_COUNT) {
      this.state = 'ecanceled';
      return;
    }
    this.state = 'eagain';
    this.scheduleDelayS = Math.min(MAX_SCHEDULE_DELAY_S, this.retryCount === 1 ? 1 : this.scheduleDelayS * 2);
  }

  succeeded(): void {
    this.state = 'done';
    this.retryCount = 0;
    this.scheduleDelayS = 1;
  }
}
