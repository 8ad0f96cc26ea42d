/** Voxels one scan may have per GiB of device memory: 2^22, so 256^3 on a 4 GiB device. */
export const VOXELS_PER_GIB = 2 ** 22;

/**
 * The largest scan, in voxels, this device is trusted with. The page keeps several float32 copies of the
 * scan's grid (FLAIR, MPRAGE, mask, probability, explanation maps, the viewer's textures) and the worker
 * more, so the budget scales with the memory the browser reports (navigator.deviceMemory, in GiB,
 * Chromium only: 4 is assumed when it is missing), between 2 and 16 GiB.
 */
export function voxelBudget(deviceMemoryGiB?: number): number {
  const gib = deviceMemoryGiB !== undefined && deviceMemoryGiB > 0 ? deviceMemoryGiB : 4;
  return Math.min(16, Math.max(2, gib)) * VOXELS_PER_GIB;
}
