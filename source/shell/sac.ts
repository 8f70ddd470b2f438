/**
 * EMS's Special Administration Console: what a Windows guest runs on its serial port (COM1) in
 * place of a login shell. Its commands, as `?` lists them (Windows Server 2003 on); those this
 * model can answer do so from the guest: `s` reads its clock (which drifts in a fully virtualized
 * guest as any other), `t` its tasks, `restart` and `shutdown` stop it at once, `crashdump` stops
 * it with bug check 0xE2, as the blue screen's report on the port shows. `cmd` and the commands
 * about processes, channels and network settings say they are not modelled.
 */
import { NS_PER_S } from '../model/clock.js';
import { STOP_MANUALLY_INITIATED_CRASH } from '../model/guest/boot-log.js';
import { guestClockS, uptimeNs } from './procfs.js';
import type { Guest } from './procfs.js';

export const SAC_PROMPT = 'SAC>';

/** `?` and `help`, as SAC prints them. */
const HELP = [
  'ch                   Channel management commands.  Use ch -? for more help.',
  'cmd                  Create a Command Prompt channel.',
  'd                    Dump the current kernel log.',
  'f                    Toggle detailed or abbreviated tlist info.',
  '? or help            Display this list.',
  'i                    List all IP network numbers and their IP addresses.',
  'i <#> <ip> <subnet> <gateway> Set IP addr., subnet and gateway.',
  'id                   Display the computer identification information.',
  'k <pid>              Kill the given process.',
  'l <pid>              Lower the priority of a process to the lowest possible.',
  'lock                 Lock access to Command Prompt channels.',
  'm <pid> <MB-allow>   Limit the memory usage of a process to <MB-allow>.',
  'p                    Toggle paging the display.',
  'r <pid>              Raise the priority of a process by one.',
  's                    Display the current time and date (24 hour clock used).',
  's mm/dd/yyyy hh:mm   Set the current time and date (24 hour clock used).',
  't                    Tlist.',
  'restart              Restart the system immediately.',
  'shutdown             Shutdown the system immediately.',
  'crashdump            Crash the system. You must have crash dump enabled.',
];

const two = (n: number): string => String(n).padStart(2, '0');

/** SAC's `s`: the date and time by the guest's own clock, in GMT, to the millisecond. */
function dateLine(g: Guest): string {
  const t = guestClockS(g);
  const d = new Date(Math.floor(t * 1000));
  const ms = String(d.getUTCMilliseconds()).padStart(4, '0');
  return `Date: ${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()}  Time (GMT): ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}:${ms}`;
}

/**
 * `t`: the guest's memory and uptime, then its processes (paratop's short form of SAC's tlist). A
 * Windows kernel's threads belong to the System process, so the model's kernel threads are counted
 * in its row; process IDs are multiples of 4, System's being 4 (the model's pid times four).
 */
function tlist(g: Guest): string[] {
  const up = uptimeNs(g) / NS_PER_S;
  const h = Math.floor(up / 3600);
  const m = Math.floor((up % 3600) / 60);
  const s = (up % 60).toFixed(3).padStart(6, '0');
  const out = [`memory: ${Math.round(g.k.memory.totalKiB)} kb  uptime:  ${Math.floor(h / 24)} ${h % 24}:${two(m)}:${s}`, '', '    User Time   Kernel Time    Ws   Pid Name'];
  const row = (userNs: number, kernelNs: number, rssKiB: number, pid: number, name: string): string =>
    `${(userNs / NS_PER_S).toFixed(3).padStart(13)} ${(kernelNs / NS_PER_S).toFixed(3).padStart(13)} ${String(Math.round(rssKiB)).padStart(6)}K ${String(4 * pid).padStart(5)} ${name}`;
  const live = g.k.tasks.filter((t) => !t.exited);
  const system = live.filter((t) => t.kernelThread);
  const init = system.find((t) => t.pid === 1);
  if (init !== undefined) {
    let user = 0;
    let all = 0;
    let rss = 0;
    for (const t of system) {
      user += t.cpuNs * t.userFrac;
      all += t.cpuNs;
      rss += t.rssKiB;
    }
    out.push(row(user, all - user, rss, init.pid, init.name));
  }
  for (const t of live) {
    if (t.kernelThread) continue;
    const user = t.cpuNs * t.userFrac;
    out.push(row(user, t.cpuNs - user, t.rssKiB, t.pid, t.name));
  }
  return out;
}

/** Runs one line typed at SAC>: what it prints. */
export function sacCommand(g: Guest, line: string): string[] {
  const words = line.trim().split(/\s+/);
  const cmd = (words[0] ?? '').toLowerCase();
  switch (cmd) {
    case '':
      return [];
    case '?':
    case 'help':
      return HELP;
    case 's':
      if (words.length > 1) return ['paratop: setting the guest\'s clock from SAC is not modelled.'];
      return [dateLine(g)];
    case 't':
      return tlist(g);
    case 'restart':
      g.host.shutdownSelf(g.dom, true, true);
      return [];
    case 'shutdown':
      g.host.shutdownSelf(g.dom, false, true);
      return [];
    case 'crashdump':
      g.host.crash(g.dom, STOP_MANUALLY_INITIATED_CRASH);
      return [];
    case 'ch':
      return ['Channel List', '', '(Use "ch -?" for information on using channels)', '', '# Status  Channel Name ', '0 (AV)    SAC'];
    case 'cmd':
    case 'd':
    case 'f':
    case 'i':
    case 'id':
    case 'k':
    case 'l':
    case 'lock':
    case 'm':
    case 'p':
    case 'r':
      return [`paratop: SAC's "${cmd}" is not modelled (s, t, ch, restart, shutdown and crashdump are).`];
    default:
      return ["Unrecognized command.  Try the 'help' command for more details."];
  }
}
