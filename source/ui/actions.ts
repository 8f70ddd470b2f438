/**
 * Keys that act on the selected guest do so by running the xl command they stand for, so the
 * user sees (and learns) the command. This says which command a key means right now.
 */
import type { Host } from '../model/host.js';
import type { Mode } from '../model/modes.js';
import type { Command } from './keymap.js';

export const MEM_STEP_MIB = 256;
const NEXT_MODE: Record<Mode, Mode> = { pv: 'hybrid', hybrid: 'full', full: 'pv' };

export function actionCommand(c: Command, host: Host, selectedId: number): string | null {
  const d = host.domain(selectedId);
  if (d === undefined) return null;
  const name = d.name;
  switch (c) {
    case 'memUp':
      return `mem-set ${name} ${Math.round(d.targetKiB / 1024) + MEM_STEP_MIB}m`;
    case 'memDown':
      return `mem-set ${name} ${Math.max(MEM_STEP_MIB, Math.round(d.targetKiB / 1024) - MEM_STEP_MIB)}m`;
    case 'vcpuUp':
      return `vcpu-set ${name} ${d.onlineVcpus + 1}`;
    case 'vcpuDown':
      return `vcpu-set ${name} ${Math.max(1, d.onlineVcpus - 1)}`;
    case 'modeNext':
      return `mode ${name} ${NEXT_MODE[d.mode]}`;
    case 'domPause':
      return `${d.paused ? 'unpause' : 'pause'} ${name}`;
    default:
      return null;
  }
}
