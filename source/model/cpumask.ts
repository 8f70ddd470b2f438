/**
 * Sets of pCPUs (or a guest's CPUs) as Xen, xl and Linux print them: the cpulist ranges ("0-3",
 * "0,2-3") of xl's cpumaps, sysfs's cpu/online and Xen's %*pbl; Xen's %*pb hex mask; and the
 * CPU[NN] label of Xen's dumps.
 */

/** "0-3", "0,2-3": sorted CPU ids as ranges, the kernel's cpulist format (and xl's cpumap, Xen's %*pbl). */
export function cpuList(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    parts.push(i === j ? `${ids[i]}` : `${ids[i]}-${ids[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * A cpumask as Xen's %*pb prints it: hex, 32 CPUs to a comma-separated group, the highest group
 * first, each group eight digits (`n`: how many CPUs the mask spans).
 */
export function cpumaskHex(cpus: readonly number[], n: number): string {
  const groups: string[] = [];
  for (let g = Math.ceil(Math.max(1, n) / 32) - 1; g >= 0; g--) {
    let word = 0;
    for (const c of cpus) if (c >= 32 * g && c < 32 * (g + 1)) word |= 1 << (c - 32 * g);
    groups.push((word >>> 0).toString(16).padStart(8, '0'));
  }
  return groups.join(',');
}

/** How Xen's dumps name pCPU `id`: CPU[07]. */
export const cpuTag = (id: number): string => `CPU[${String(id).padStart(2, '0')}]`;
