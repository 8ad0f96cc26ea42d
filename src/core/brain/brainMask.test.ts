import { describe, expect, it } from 'vitest';
import { brainMask, otsuThreshold } from './brainMask';
import { headPhantom } from './headPhantom.testing';

const head = (withSkull: boolean) => headPhantom({ withSkull });

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
