/**
 * Memory inside a guest, as its kernel sees it.
 *
 * Guarantees: kernel + anon-resident + cache + buffers + free == total, with free >= 0 after every
 * operation; anon memory that does not fit is in swap (swapUsed), and moving memory to or from
 * swap is counted in the cumulative si/so counters (KiB).
 */
import { doubleFields } from '../arrays.js';

/** Sizes: working sets vary by a fraction per cycle (see doubleFields). */
const MEMORY_DOUBLES = ['totalKiB', 'anonKiB', 'cacheKiB', 'buffersKiB', 'swapUsedKiB', 'siKiB', 'soKiB'] as const satisfies readonly (keyof GuestMemory)[];

export class GuestMemory {
  totalKiB: number;
  readonly kernelKiB: number;
  anonKiB = 0;
  cacheKiB = 0;
  buffersKiB: number;
  swapUsedKiB = 0;
  readonly swapTotalKiB: number;
  siKiB = 0;
  soKiB = 0;

  constructor(totalKiB: number) {
    this.totalKiB = totalKiB;
    this.kernelKiB = Math.round(30 * 1024 + totalKiB * 0.03);
    this.buffersKiB = Math.round(Math.min(64 * 1024, totalKiB * 0.01));
    // A swap partition a quarter the size of the memory it booted with, 1 GiB at most.
    this.swapTotalKiB = Math.min(1024 * 1024, Math.round(totalKiB / 4));
    doubleFields(this, MEMORY_DOUBLES);
  }

  get residentAnonKiB(): number {
    return this.anonKiB - this.swapUsedKiB;
  }

  get freeKiB(): number {
    return this.totalKiB - this.kernelKiB - this.residentAnonKiB - this.cacheKiB - this.buffersKiB;
  }

  /** What could be freed without swapping: free plus page cache (si_mem_available, roughly). */
  get availableKiB(): number {
    return this.freeKiB + this.cacheKiB;
  }

  /** The kernel keeps this much free (min_free_kbytes and watermarks). */
  get minFreeKiB(): number {
    return Math.round(Math.max(8 * 1024, this.totalKiB * 0.01));
  }

  /** Reads into the page cache, as far as free memory allows. */
  growCache(kib: number): void {
    const room = Math.max(0, this.freeKiB - this.minFreeKiB);
    this.cacheKiB += Math.min(kib, room);
  }

  /** Restores free >= minFree: drop cache, then swap anon out. Returns KiB that could not be found. */
  reclaim(): number {
    let short = this.minFreeKiB - this.freeKiB;
    if (short <= 0) return 0;
    const fromCache = Math.min(short, this.cacheKiB);
    this.cacheKiB -= fromCache;
    short -= fromCache;
    if (short <= 0) return 0;
    const canSwap = Math.min(short, this.swapTotalKiB - this.swapUsedKiB, this.residentAnonKiB);
    this.swapUsedKiB += canSwap;
    this.soKiB += canSwap;
    return short - canSwap;
  }

  /** Brings swapped anon memory back when there is room. */
  swapIn(): void {
    if (this.swapUsedKiB <= 0) return;
    const room = Math.max(0, this.freeKiB + this.cacheKiB - 2 * this.minFreeKiB);
    const back = Math.min(room, this.swapUsedKiB);
    if (back <= 0) return;
    if (back > this.freeKiB - this.minFreeKiB) this.cacheKiB -= back - Math.max(0, this.freeKiB - this.minFreeKiB);
    this.swapUsedKiB -= back;
    this.siKiB += back;
  }
}
