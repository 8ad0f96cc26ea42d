import { describe, expect, it } from 'vitest';
import { gridFromAffine } from '../volume';
import { brainMask, otsuThreshold } from './brainMask';

// A head drawn by hand on 1.5 mm voxels: a brain ellipsoid (tissue 0.7-0.9 with darker CSF in the middle),
// a dark CSF and skull layer around it (4 mm), bright scalp (5 mm) and air outside.
function head(withSkull: boolean) {
  const dims: [number, number, number] = [80, 96, 80];
  const grid = gridFromAffine(dims, [1.5, 0, 0, -60, 0, 1.5, 0, -72, 0, 0, 1.5, -60, 0, 0, 0, 1]);
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  const brain = new Uint8Array(data.length);
  for (let k = 0; k < 80; k++)
    for (let j = 0; j < 96; j++)
      for (let i = 0; i < 80; i++) {
        const [x, y, z] = [1.5 * i - 60, 1.5 * j - 72, 1.5 * k - 60];
        // radius of this direction's brain surface: 48 x 60 x 40 mm ellipsoid
        const r = Math.hypot(x / 48, y / 60, z / 40);
        const v = i + 80 * (j + 96 * k);
        const mm = (r - 1) * 45; // roughly mm outside the brain's surface
        if (r <= 1) {
          brain[v] = 1;
          data[v] = r < 0.25 ? 0.3 : 0.7 + 0.2 * Math.sin(x / 7) * Math.cos(y / 9);
        } else if (withSkull && mm <= 4) data[v] = 0.08;
        else if (withSkull && mm <= 9) data[v] = 1.0;
      }
  return { volume: { ...grid, data }, brain };
}

const dice = (a: Uint8Array, b: Uint8Array) => {
  let both = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    both += a[i] & b[i];
    sum += a[i] + b[i];
  }
  return (2 * both) / sum;
};

describe('brain extraction', () => {
  it("finds Otsu's split of two clusters (worked by hand: halfway between 0.2 and 0.8)", () => {
    const values = [...Array(500).fill(0.2), ...Array(500).fill(0.8)];
    const t = otsuThreshold(values);
    expect(t).toBeGreaterThan(0.2);
    expect(t).toBeLessThanOrEqual(0.8);
  });

  it('removes skull and scalp, keeping the brain with its dark CSF', () => {
    const { volume, brain } = head(true);
    const b = brainMask(volume);
    expect(b.keptShare).toBeLessThan(0.75);
    expect(b.alreadyStripped).toBe(false);
    expect(dice(b.mask, brain)).toBeGreaterThan(0.95);
    // nothing of the scalp survives: every kept voxel is within 3 mm of the brain
    let scalp = 0;
    for (let v = 0; v < brain.length; v++) if (b.mask[v] && !brain[v] && volume.data[v] === 1) scalp++;
    expect(scalp).toBeLessThan(0.005 * b.mask.reduce((a, c) => a + c, 0));
  });

  it('recognises a skull-stripped scan and changes nothing', () => {
    const { volume, brain } = head(false);
    const b = brainMask(volume);
    expect(b.alreadyStripped).toBe(true);
    let differ = 0;
    for (let v = 0; v < brain.length; v++) if (b.mask[v] !== (volume.data[v] !== 0 ? 1 : 0)) differ++;
    expect(differ).toBe(0);
    expect(dice(b.mask, brain)).toBe(1);
  });
});
