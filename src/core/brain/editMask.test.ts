import { describe, expect, it } from 'vitest';
import { growBrainMask, userBrainMask } from './editMask';
import { gridFromAffine } from '../volume';

// A 10-voxel cube in a 20^3 grid; the expected masks are counted by brute force over every pair of voxels.
const dims: [number, number, number] = [20, 20, 20];
function cube(): Uint8Array {
  const m = new Uint8Array(20 ** 3);
  for (let k = 5; k < 15; k++) for (let j = 5; j < 15; j++) for (let i = 5; i < 15; i++) m[i + 20 * (j + 20 * k)] = 1;
  return m;
}
function bruteGrow(mask: Uint8Array, spacing: number[], mm: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  const inside: number[][] = [];
  for (let v = 0; v < mask.length; v++) if (mask[v]) inside.push([v % 20, Math.floor(v / 20) % 20, Math.floor(v / 400)]);
  for (let v = 0; v < mask.length; v++) {
    const p = [v % 20, Math.floor(v / 20) % 20, Math.floor(v / 400)];
    out[v] = inside.some((q) => Math.hypot(...q.map((c, a) => (c - p[a]) * spacing[a])) <= mm + 1e-9) ? 1 : 0;
  }
  return out;
}
const count = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);

describe('growBrainMask', () => {
  it('grows by the exact distance, with anisotropic spacing', () => {
    const spacing = [1, 1, 2.5];
    const grown = growBrainMask(cube(), { dims, spacingMm: spacing as [number, number, number] }, 2.6);
    expect(Array.from(grown)).toEqual(Array.from(bruteGrow(cube(), spacing, 2.6)));
    // by hand: 2 voxels more on each side in x and y (1 mm), 1 in z (2.5 mm), corners rounded
    expect(count(grown)).toBeGreaterThan(14 * 14 * 10);
    expect(count(grown)).toBeLessThan(14 * 14 * 12);
  });

  it('shrinks: a voxel leaves when the outside is within the distance (cube of 10 by 2 mm -> 6^3)', () => {
    expect(count(growBrainMask(cube(), { dims, spacingMm: [1, 1, 1] }, -2))).toBe(6 ** 3);
    expect(count(growBrainMask(cube(), { dims, spacingMm: [1, 1, 1] }, -1.5))).toBe(8 ** 3);
  });

  it('the grid edge counts as outside when shrinking', () => {
    const full = new Uint8Array(20 ** 3).fill(1);
    expect(count(growBrainMask(full, { dims, spacingMm: [1, 1, 1] }, -2))).toBe(16 ** 3);
  });
});

describe('userBrainMask', () => {
  it('measures the volume (ml) and the share of the scan kept', () => {
    const grid = gridFromAffine(dims, [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
    const flair = { ...grid, data: new Float32Array(20 ** 3).fill(1) };
    const b = userBrainMask(cube(), flair);
    expect(b.volumeMl).toBeCloseTo((1000 * 8) / 1000, 9); // 1000 voxels of 8 mm^3
    expect(b.keptShare).toBeCloseTo(1000 / 8000, 9);
    expect(b.alreadyStripped).toBe(false);
  });
});
