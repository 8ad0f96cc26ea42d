import { describe, expect, it } from 'vitest';
import { dice, matchInstances, normalisedDice, voxelCounts } from './metrics';
import { labelComponents } from './components';

describe('voxel metrics, worked by hand', () => {
  it('Dice and nDSC of a known overlap', () => {
    // 1000 voxels; GT = 10 voxels (0..9), prediction = voxels 5..14: TP 5, FP 5, FN 5
    const gt = new Uint8Array(1000);
    const pred = new Uint8Array(1000);
    for (let i = 0; i < 10; i++) gt[i] = 1;
    for (let i = 5; i < 15; i++) pred[i] = 1;
    const c = voxelCounts(pred, gt);
    expect(c).toEqual({ tp: 5, fp: 5, fn: 5, total: 1000 });
    expect(dice(c)).toBeCloseTo(0.5, 12);
    // k = 0.999 * 10 / (0.001 * 990) = 10.0909...; nDSC = 10 / (10 + 5 + 50.4545...) = 0.15278
    const k = (0.999 * 10) / (0.001 * 990);
    expect(normalisedDice(c)).toBeCloseTo(10 / (15 + 5 * k), 12);
    expect(normalisedDice(c)).toBeCloseTo(0.152778, 5);
  });
  it('nDSC uses k = 1 when the ground truth is empty', () => {
    expect(normalisedDice({ tp: 0, fp: 3, fn: 0, total: 100 })).toBe(0);
    expect(normalisedDice({ tp: 0, fp: 0, fn: 0, total: 100 })).toBe(1);
  });
});

describe('matchInstances, worked by hand', () => {
  // 1D-like volume 20 x 1 x 1: components are runs
  const dims: [number, number, number] = [20, 1, 1];
  const lab = (s: string) => labelComponents({ dims }, (i) => s[i] === '#', 6);
  it('TP/FP by any overlap, FN when untouched, and IoU >= 0.25 for the lesion-wise rates', () => {
    //          0123456789012345678 9
    const gt = '####....##....###...';
    const pr = '.#......##.##.......';
    const m = matchInstances(lab(pr), lab(gt));
    // predictions: [1] touches gt run 0-3 (IoU 1/4 = 0.25 -> counts), [8-9] exact, [11-12] touches nothing
    expect(m.predicted.slice(1)).toEqual(['TP', 'TP', 'FP']);
    expect(m.missedGt).toEqual([3]); // the run at 14-16
    expect(m.lesionwise).toMatchObject({ nGt: 3, nPred: 3, detectedGt: 2, falsePred: 1 });
    expect(m.lesionwise.tpr).toBeCloseTo(2 / 3, 12);
    expect(m.lesionwise.fdr).toBeCloseTo(1 / 3, 12);
    expect(m.lesionwise.f1).toBeCloseTo(2 / 3, 12);
  });
  it('a touching prediction below IoU 0.25 is marked TP but not counted as a detection', () => {
    const gt = '##########..........';
    const pr = '.#..................'; // IoU 1/10
    const m = matchInstances(lab(pr), lab(gt));
    expect(m.predicted[1]).toBe('TP');
    expect(m.lesionwise.detectedGt).toBe(0);
    expect(m.lesionwise.falsePred).toBe(1);
  });
});
