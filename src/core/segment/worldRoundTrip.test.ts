// An oblique scan with anisotropic voxels (0.5 x 0.5 x 3 mm) goes to the model's 1 mm grid and back, as in
// the worker: the lesions found afterwards must sit where they are in the world (mm), not just in voxels.
import { describe, expect, it } from 'vitest';
import { gridAtSpacing, modelGridNotice } from './modelGrid';
import { type Volume, applyAffine, gridFromAffine, readNifti, resampleToGrid, writeNifti } from '../volume';
import { analyseCase } from '../lesions';

const angle = 0.3;
const [c, s] = [Math.cos(angle), Math.sin(angle)];
// rotated about z and tilted about x: every voxel axis is oblique to the world axes
const R = [
  [c, -s * Math.cos(0.25), s * Math.sin(0.25)],
  [s, c * Math.cos(0.25), -c * Math.sin(0.25)],
  [0, Math.sin(0.25), Math.cos(0.25)],
];
const SPACING = [0.5, 0.5, 3];
const VOX_TO_MM = [...[0, 1, 2].flatMap((r) => [...[0, 1, 2].map((a) => R[r][a] * SPACING[a]), [-20, 14, 31][r]]), 0, 0, 0, 1];
const LESIONS_MM: { centre: [number, number, number]; radius: number }[] = [
  { centre: [2.3, 40.1, 52.6], radius: 6 },
  { centre: [-6.8, 27.4, 41.2], radius: 5 },
];

/** Lesion balls drawn in world mm onto the scan grid (value 1 inside, 0 outside). */
function scanWithLesions(): Volume {
  const grid = gridFromAffine([96, 96, 16], VOX_TO_MM);
  const data = new Float32Array(96 * 96 * 16);
  for (let k = 0; k < 16; k++)
    for (let j = 0; j < 96; j++)
      for (let i = 0; i < 96; i++) {
        const p = applyAffine(VOX_TO_MM, [i, j, k]);
        if (LESIONS_MM.some((l) => Math.hypot(p[0] - l.centre[0], p[1] - l.centre[1], p[2] - l.centre[2]) <= l.radius)) data[i + 96 * (j + 96 * k)] = 1;
      }
  return { ...grid, data };
}

describe('oblique, anisotropic scan through the model grid and back', () => {
  const settings = { threshold: 0.5, connectivity: 18 as const, maxDroppedVoxels: 5 };

  it('says that it resamples, from what to what', () => {
    const scan = scanWithLesions();
    expect(modelGridNotice(scan, gridAtSpacing(scan, [1, 1, 1]))).toBe(
      "The scan (96 x 96 x 16 voxels of 0.5 x 0.5 x 3 mm) was resampled to the model's 48 x 48 x 48 voxels of 1 x 1 x 1 mm for segmentation; the result was resampled back.",
    );
    const iso = gridFromAffine([10, 10, 10], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(modelGridNotice(iso, gridAtSpacing(iso, [1, 1, 1]))).toBeNull();
  });

  it('keeps each lesion where it is in the world (NIfTI write/read, to 1 mm and back)', () => {
    // through the file format first: the oblique affine must survive it
    const scan = readNifti(writeNifti(scanWithLesions()), 'f.nii.gz').volume;
    const modelGrid = gridAtSpacing(scan, [1, 1, 1]);
    // a perfect "model" on its own grid: the lesion map itself, resampled there as the worker resamples the scan
    const onModelGrid = resampleToGrid(scan, modelGrid, 'linear');
    const back = resampleToGrid(onModelGrid, scan, 'linear').data;
    const before = analyseCase(scan, scan.data, settings).lesions;
    const after = analyseCase(scan, back, settings).lesions;
    expect(before.length).toBe(2);
    expect(after.length).toBe(2);
    for (const l of LESIONS_MM) {
      const near = (x: { centroidMm: number[] }) => Math.hypot(...x.centroidMm.map((v, a) => v - l.centre[a]));
      const a = after.reduce((best, x) => (near(x) < near(best) ? x : best));
      const b = before.reduce((best, x) => (near(x) < near(best) ? x : best));
      // the voxelised ball's centre is within a slice of the drawn one; the round trip moves it by far less
      expect(near(b)).toBeLessThan(1.5);
      expect(Math.hypot(...a.centroidMm.map((v, i) => v - b.centroidMm[i]))).toBeLessThan(0.5);
      expect(a.volumeMm3 / b.volumeMm3).toBeGreaterThan(0.8);
      expect(a.volumeMm3 / b.volumeMm3).toBeLessThan(1.2);
      expect(b.volumeMm3 / ((4 / 3) * Math.PI * l.radius ** 3)).toBeGreaterThan(0.7);
    }
  });
});
