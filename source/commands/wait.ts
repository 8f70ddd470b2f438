/**
 * xl shutdown -w and reboot -w (wait_for_domain_deaths in xl_vmcontrol.c): after asking, xl waits
 * for each domain's shutdown (or its destruction) and logs it as it comes. A command here returns
 * at once, so the wait is this object: whoever ran the command asks it again as simulated time
 * goes on, and shows the lines it gives, in order. Batch -c holds the next command until it is
 * done, as a shell script's next line waits for xl; the dashboard and scenarios go on and print
 * the lines when they come.
 */
import type { Domain } from '../model/domain.js';
import type { Host } from '../model/host.js';
import { REASON_CODES } from './formats.js';

export class DomainWait {
  private readonly left: Domain[];

  constructor(
    private readonly host: Host,
    doms: readonly Domain[],
  ) {
    this.left = [...doms];
  }

  get done(): boolean {
    return this.left.length === 0;
  }

  /** xl's lines for the domains that have shut down, or been destroyed, since the last call. */
  poll(): string[] {
    const lines: string[] = [];
    for (let i = 0; i < this.left.length; ) {
      const d = this.left[i]!;
      const line =
        d.shutdownReason !== null
          ? `Domain ${d.id} has been shut down, reason code ${REASON_CODES[d.shutdownReason]}`
          : this.host.domain(d.id) === undefined
            ? `Domain ${d.id} has been destroyed`
            : null;
      if (line === null) i++;
      else {
        lines.push(line);
        this.left.splice(i, 1);
      }
    }
    return lines;
  }
}
