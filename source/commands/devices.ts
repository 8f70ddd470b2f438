/**
 * A guest's virtual devices as xl network-list and block-list show them (xl_vif.c, xl_block.c),
 * read from its config's `vif` and `disk` lines. A device is a split driver: Domain-0's backend
 * (netback, blkback) and the guest's frontend meet over xenstore, an event channel and shared
 * rings. A guest with PV drivers (pv, hybrid) connects (XenbusState 4); a fully virtualized one
 * has no frontend, so its backend waits (2, InitWait) with no event channel or ring (-1), and the
 * guest uses the device model's emulated NIC and IDE disk instead.
 */
import type { Domain } from '../model/domain.js';
import { vifDevids } from '../model/guest-spec.js';
import { MODE_TRAITS } from '../model/modes.js';

/** XenbusState: the backend waits for a frontend (2), or both are connected (4). */
const INIT_WAIT = 2;
const CONNECTED = 4;

/** The settings of one vif or disk spec: `key=value` ones by key, the rest in order. */
function specParts(spec: string): { keys: Map<string, string>; positional: string[] } {
  const keys = new Map<string, string>();
  const positional: string[] = [];
  for (const raw of spec.split(',')) {
    const p = raw.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq > 0) keys.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
    else positional.push(p);
  }
  return { keys, positional };
}

/** A vif's MAC: its spec's `mac=`, else one in Xen's 00:16:3e range made from the domain's name and the vif's index (xl draws one at random). */
export function vifMac(spec: string, name: string, devid: number): string {
  const given = specParts(spec).keys.get('mac');
  if (given !== undefined && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(given)) return given.toLowerCase();
  let h = 0x811c9dc5;
  for (const ch of `${name}/${devid}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const b = [(h >>> 16) & 0x7f, (h >>> 8) & 0xff, h & 0xff];
  return ['00', '16', '3e', ...b.map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

/** `xl network-list DOM...`. */
export function xlNetworkList(doms: readonly Domain[]): string[] {
  const out = [`${'Idx'.padEnd(3)} ${'BE'.padEnd(2)} ${'Mac Addr.'.padEnd(17)} ${'handle'.padEnd(6)} ${'state'.padEnd(5)} ${'evt-ch'.padEnd(6)} ${'tx-'.padStart(5)}/${'rx-ring-ref'.padEnd(5)} ${'BE-path'.padEnd(30)}`];
  for (const d of doms) {
    const ids = vifDevids(d.spec);
    d.spec.vifs.forEach((v, k) => {
      const i = ids[k]!;
      const up = MODE_TRAITS[d.mode].pvDrivers;
      const [evtch, tx, rx] = up ? [20 + 2 * i, 768 + 2 * i, 769 + 2 * i] : [-1, -1, -1];
      out.push(
        `${String(i).padEnd(3)} ${'0'.padEnd(2)} ${vifMac(v, d.name, i)}${String(i).padStart(6)} ${String(up ? CONNECTED : INIT_WAIT).padStart(5)} ${String(evtch).padStart(6)} ${String(tx).padStart(5)}/${String(rx).padEnd(11)} ${`/local/domain/0/backend/vif/${d.id}/${i}`.padEnd(30)}`,
      );
    });
  }
  return out;
}

/**
 * A virtual device name as Xen numbers it (docs/misc/vbd-interface.txt): xvdX 202:(disk<<4|part)
 * (past xvdp, 1<<28 | disk<<8 | part), hdX 3 or 22 (two disks each), sdX 8. Null if it is not one.
 */
export function vdevNumber(vdev: string): number | null {
  const m = /^(xvd|hd|sd)([a-z]+)(\d*)$/.exec(vdev.replace(/:cdrom$/, ''));
  if (m === null) return null;
  const [, kind, letters, part] = m as unknown as [string, string, string, string];
  let disk = 0;
  for (const c of letters) disk = disk * 26 + (c.charCodeAt(0) - 96);
  disk -= 1;
  const p = part === '' ? 0 : Number(part);
  if (kind === 'xvd') return disk < 16 && p < 16 ? (202 << 8) | (disk << 4) | p : (1 << 28) | (disk << 8) | p;
  if (kind === 'hd') return disk < 4 ? ((disk < 2 ? 3 : 22) << 8) | ((disk % 2) * 64) | p : null;
  return disk < 16 ? (8 << 8) | (disk << 4) | p : null;
}

/** A disk spec's vdev (`vdev=`, or the positional one that names a device), as xl's disk parser finds it. */
export function diskVdev(spec: string): string | null {
  const { keys, positional } = specParts(spec);
  const v = keys.get('vdev') ?? positional.find((p) => vdevNumber(p) !== null);
  return v ?? null;
}

/** `xl block-list DOM...`. */
export function xlBlockList(doms: readonly Domain[]): string[] {
  const out = [`${'Vdev'.padEnd(5)} ${'BE'.padEnd(3)} ${'handle'.padEnd(6)} ${'state'.padEnd(5)} ${'evt-ch'.padEnd(6)} ${'ring-ref'.padEnd(8)} ${'BE-path'.padEnd(30)}`];
  for (const d of doms) {
    d.spec.disks.forEach((spec, i) => {
      const vdev = diskVdev(spec);
      const n = vdev === null ? null : vdevNumber(vdev);
      if (n === null) return;
      const up = MODE_TRAITS[d.mode].pvDrivers;
      out.push(
        `${String(n).padEnd(5)} ${'0'.padEnd(3)} ${String(d.id).padEnd(6)} ${String(up ? CONNECTED : INIT_WAIT).padEnd(5)} ${String(up ? 16 + i : -1).padEnd(6)} ${String(up ? 8 + i : -1).padEnd(8)} ${`/local/domain/0/backend/vbd/${d.id}/${n}`.padEnd(30)}`,
      );
    });
  }
  return out;
}
