import { describe, expect, it } from 'vitest';
import { composeLabels, composeLuts, labelColours } from './labelComposite';

describe('composeLabels', () => {
  it('pastes each part where its box lies, ids shifted past the earlier parts, later parts on top', () => {
    // part A: 2 x 1 x 1 at x = 1..2, ids 1 and 2; part B: 1 x 2 x 1 at (2, 0..1), id 1 (overlaps A's second voxel)
    const a = { box: { origin: [1, 0, 0] as [number, number, number], dims: [2, 1, 1] as [number, number, number] }, labels: [1, 2], count: 2 };
    const b = { box: { origin: [2, 0, 0] as [number, number, number], dims: [1, 2, 1] as [number, number, number] }, labels: [1, 1], count: 1 };
    const c = composeLabels([a, b])!;
    // worked by hand: the union box is x 1..2, y 0..1, z 0 (2 x 2 x 1), x fastest
    expect(c.box).toEqual({ origin: [1, 0, 0], dims: [2, 2, 1] });
    expect(c.count).toBe(3);
    // (1,0): A id 1; (2,0): A id 2 covered by B (2 + 1); (1,1): nothing; (2,1): B
    expect(Array.from(c.labels)).toEqual([1, 3, 0, 3]);
  });

  it('leaves a zero of a later part transparent over an earlier one', () => {
    const box = { origin: [0, 0, 0] as [number, number, number], dims: [3, 1, 1] as [number, number, number] };
    const c = composeLabels([{ box, labels: [4, 4, 4], count: 4 }, { box, labels: [0, 1, 0], count: 1 }])!;
    expect(Array.from(c.labels)).toEqual([4, 5, 4]);
  });

  it('pads the box with empty voxels when asked', () => {
    const c = composeLabels([{ box: { origin: [5, 5, 5], dims: [1, 1, 1] }, labels: [1], count: 1 }], 1)!;
    expect(c.box).toEqual({ origin: [4, 4, 4], dims: [3, 3, 3] });
    // only the centre (index 1 + 3 + 9 = 13) is labelled
    expect(Array.from(c.labels).map((id, v) => (id ? v : -1)).filter((v) => v >= 0)).toEqual([13]);
  });

  it('returns null without parts', () => {
    expect(composeLabels([])).toBeNull();
  });
});

describe('composeLuts', () => {
  it('joins the tables after their background entries, in id order', () => {
    const one = { R: [0, 10, 20], G: [0, 11, 21], B: [0, 12, 22], A: [0, 128, 255], I: [0, 1, 2] };
    const two = { R: [0, 30], G: [0, 31], B: [0, 32], A: [0, 200], I: [0, 1] };
    expect(composeLuts([one, two])).toEqual({
      R: [0, 10, 20, 30], G: [0, 11, 21, 31], B: [0, 12, 22, 32], A: [0, 128, 255, 200], I: [0, 1, 2, 3],
    });
  });
});

describe('labelColours', () => {
  it('looks each id up in the table, 0 transparent', () => {
    const lut = { R: [0, 10, 20], G: [0, 11, 21], B: [0, 12, 22], A: [0, 128, 255], I: [0, 1, 2] };
    expect(Array.from(labelColours(Int32Array.from([0, 2, 1, 7]), lut))).toEqual([0, 0, 0, 0, 20, 21, 22, 255, 10, 11, 12, 128, 0, 0, 0, 0]);
  });
});
