import { describe, expect, it } from 'vitest';
import { Cancelled, segmentVolume } from './segmentVolume';

describe('segmentVolume', () => {
  const dims: [number, number, number] = [30, 20, 25];
  const flair = Float32Array.from({ length: 30 * 20 * 25 }, (_, i) => Math.cos(i * 0.37));
  const mprage = Float32Array.from({ length: 30 * 20 * 25 }, (_, i) => Math.sin(i * 0.11));
  // a voxel-wise "model": its blended output must equal the function applied to the whole volume
  const pointwise = (f: number, m: number) => 1 / (1 + Math.exp(-(2 * f - m)));
  const predict = async (ch: Float32Array[]) => ch[0].map((f, i) => pointwise(f, ch[1][i]));

  it('blends windows into the same result as a whole-volume voxel-wise model', async () => {
    const progress: number[] = [];
    const p = await segmentVolume([flair, mprage], dims, predict, { windowSize: [16, 16, 16], onProgress: (d) => progress.push(d) });
    for (let i = 0; i < p.length; i += 97) expect(p[i]).toBeCloseTo(pointwise(flair[i], mprage[i]), 5);
    expect(progress).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // 3 x 2 x 2 windows
  });

  it('shrinks the window to the scan (rounded up to the stride) on short axes', async () => {
    const sizes: number[][] = [];
    const record = async (ch: Float32Array[], size: [number, number, number]) => {
      sizes.push(size);
      return predict(ch);
    };
    await segmentVolume([flair, mprage], dims, record, { windowSize: [96, 96, 16], sizeMultiple: 8 });
    // x: 30 -> 32, y: 20 -> 24, z: 25 > 16 keeps 16 (two windows)
    expect(sizes).toEqual([[32, 24, 16], [32, 24, 16]]);
  });

  it('stops when cancelled', async () => {
    const ctl = new AbortController();
    const run = segmentVolume([flair, mprage], dims, predict, {
      windowSize: [16, 16, 16],
      signal: ctl.signal,
      onProgress: (d) => d === 2 && ctl.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(Cancelled);
  });
});

it('a cancel during the only window gives no result', async () => {
  const dims: [number, number, number] = [8, 8, 8];
  const ctl = new AbortController();
  const ch = [new Float32Array(512), new Float32Array(512)];
  const predictThenCancel = async (c: Float32Array[]) => {
    ctl.abort(); // the user presses Cancel while this window is computed
    return c[0];
  };
  await expect(segmentVolume(ch, dims, predictThenCancel, { windowSize: [16, 16, 16], signal: ctl.signal })).rejects.toBeInstanceOf(Cancelled);
});
