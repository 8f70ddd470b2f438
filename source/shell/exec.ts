/**
 * `paratop exec DOMAIN -- COMMAND [ARGS…]`: boot the host, wait for the guest to boot, log in and
 * run one command line in its shell, as `ssh guest COMMAND` would: the words are joined with spaces
 * and the guest's shell parses them (so `'echo 0 > /sys/…/online'` works quoted as one word or as
 * several). Simulated time advances as the command needs (`vmstat 1 5` takes 5 simulated seconds),
 * as fast as the model can unless --speed paces it. Resolves to the command's exit status.
 */
import { NS_PER_MS, NS_PER_S } from '../model/clock.js';
import type { Host } from '../model/host.js';
import { findDomain } from '../commands/table.js';
import { noLoginShell, shellFor } from './shell.js';

export interface ExecIo {
  out(line: string): void;
  err(line: string): void;
  /** Waits `ms` of real time (pacing for a finite --speed). */
  sleep(ms: number): Promise<void>;
  /** True once the user asked to stop (SIGINT/SIGTERM): the command is interrupted. */
  stopped(): boolean;
}

/** How long a guest may take to boot before exec gives up, simulated. */
const BOOT_LIMIT_NS = 120 * NS_PER_S;
const STEP_NS = 100 * NS_PER_MS;

export async function runExec(host: Host, domain: string, command: readonly string[], speed: number, io: ExecIo): Promise<number> {
  const d = findDomain(host, domain);
  if (typeof d === 'string') {
    io.err(`paratop: exec: ${d}`);
    return 2;
  }
  const os = noLoginShell(d);
  if (os !== null) {
    io.err(`paratop: exec: ${d.name} runs ${os}: its console has no login shell`);
    return 2;
  }
  const line = command.join(' ');
  if (line.trim() === '') {
    io.err('paratop: exec: no command given (paratop exec DOMAIN -- COMMAND [ARGS...])');
    return 2;
  }
  const pace = async (ns: number): Promise<void> => {
    host.advance(ns);
    if (Number.isFinite(speed)) await io.sleep((ns / NS_PER_S / speed) * 1000);
  };
  const start = host.now;
  let dom = d;
  // Wait for the guest (it may also be rebooting after a -c command): the shell is up when getty is.
  for (;;) {
    const cur = host.domains().find((x) => x.name === d.name);
    if (cur !== undefined) {
      dom = cur;
      if (shellFor(host, dom).available) break;
    }
    if (host.now - start > BOOT_LIMIT_NS) {
      io.err(`paratop: exec: ${d.name} did not finish booting within ${BOOT_LIMIT_NS / NS_PER_S} simulated seconds`);
      return 1;
    }
    if (io.stopped()) return 130;
    await pace(STEP_NS);
  }
  const sh = shellFor(host, dom);
  if (sh.user === null) sh.login('root');
  sh.sink = { out: io.out, err: io.err };
  let status: number | null = null;
  sh.run(line, false, (s) => {
    status = s;
  });
  let interrupted = false;
  while (status === null) {
    if (io.stopped() && !interrupted) {
      interrupted = true;
      sh.key({ type: 'interrupt' });
      continue;
    }
    if (dom.kernel.dead) {
      io.err(`paratop: exec: ${dom.name} went away while the command ran`);
      return 255;
    }
    await pace(STEP_NS);
  }
  sh.sink = null;
  return status;
}
