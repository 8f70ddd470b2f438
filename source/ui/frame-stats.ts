/**
 * Per-frame CPU cost, for `npm run bench`: when PARATOP_STATS names a file, each refresh records
 * the process CPU time from the model step to the moment its update reached the terminal, and the
 * figures are written there at exit. Costs nothing otherwise.
 */
import { writeFileSync } from 'node:fs';

export class FrameStats {
  private startUs: number | null = null;
  private modelEndUs: number | null = null;
  readonly frameCpuUs: number[] = [];
  readonly modelCpuUs: number[] = [];

  constructor(private readonly file: string | undefined) {}

  get enabled(): boolean {
    return this.file !== undefined;
  }

  begin(): void {
    if (this.file === undefined) return;
    const u = process.cpuUsage();
    this.startUs = u.user + u.system;
  }

  /** The model has stepped; what follows (sampling it, rates, layout, render, diff, write) is the dashboard's work. */
  modelDone(): void {
    if (this.file === undefined || this.startUs === null) return;
    const u = process.cpuUsage();
    this.modelEndUs = u.user + u.system;
  }

  end(): void {
    if (this.file === undefined || this.startUs === null) return;
    const u = process.cpuUsage();
    const now = u.user + u.system;
    this.frameCpuUs.push(now - this.startUs);
    this.modelCpuUs.push((this.modelEndUs ?? this.startUs) - this.startUs);
    this.startUs = null;
    this.modelEndUs = null;
  }

  save(extra: Record<string, number>): void {
    if (this.file === undefined) return;
    writeFileSync(this.file, JSON.stringify({ frameCpuUs: this.frameCpuUs, modelCpuUs: this.modelCpuUs, ...extra }));
  }
}
