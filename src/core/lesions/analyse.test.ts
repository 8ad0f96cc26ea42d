import { expect, it } from 'vitest';
import { analyseCase, lesionAt } from './analyse';
import { gridFromAffine } from '../volume';

it('analyses a hand-made case: one hit, one false alarm, one miss, one speck dropped', () => {
  const dims: [number, number, number] = [20, 10, 10];
  const grid = gridFromAffine(dims, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  const p = new Float32Array(2000);
  const gt = new Float32Array(2000);
  const box = (a: Float32Array, x0: number, x1: number, v: number) => {
    for (let k = 2; k < 4; k++) for (let j = 2; j < 4; j++) for (let i = x0; i < x1; i++) a[i + 20 * (j + 10 * k)] = v;
  };
  box(p, 1, 4, 0.9); // 12 voxels, overlaps the GT lesion
  box(gt, 2, 5, 1);
  box(p, 8, 10, 0.8); // 8 voxels, no GT: FP
  box(gt, 14, 17, 1); // missed GT lesion: FN
  p[5 + 20 * (8 + 10 * 8)] = 0.95; // a 1-voxel speck: dropped (<= 5 voxels)
  const a = analyseCase(grid, p, { threshold: 0.5, connectivity: 18, maxDroppedVoxels: 5 }, gt);
  expect(a.lesions.map((l) => [l.voxels, l.detection])).toEqual([[12, 'TP'], [8, 'FP']]);
  expect(a.groundTruth!.missed.map((m) => m.voxels)).toEqual([12]);
  // voxels: TP 8, FP 4 + 8 = 12, FN 4 + 12 = 16 -> Dice 16 / (16 + 28)
  expect(a.groundTruth!.dice).toBeCloseTo(16 / 44, 10);
  // lesion-wise: GT1 IoU 8/16 = 0.5 detected, GT2 missed; pred2 false -> TPR 0.5, FDR 0.5
  expect(a.groundTruth!.match.lesionwise.tpr).toBe(0.5);
  expect(a.groundTruth!.match.lesionwise.fdr).toBe(0.5);
  // the lesion under a voxel: found ones by their table id, else the missed ground-truth one, else none
  expect(lesionAt(a, 1 + 20 * (2 + 10 * 2))).toEqual({ kind: 'predicted', id: 1 });
  expect(lesionAt(a, 9 + 20 * (3 + 10 * 3))).toEqual({ kind: 'predicted', id: 2 });
  expect(lesionAt(a, 15 + 20 * (2 + 10 * 3))).toEqual({ kind: 'missed', id: a.groundTruth!.missed[0].lesionId });
  // inside the found lesion's ground truth but outside the prediction: a matched lesion, not a missed one
  expect(lesionAt(a, 4 + 20 * (2 + 10 * 2))).toBeNull();
  expect(lesionAt(a, 0)).toBeNull();
});
