import type { Labelling } from './components';

/** Voxel-wise overlap counts of a binary prediction against a binary ground truth. */
export interface VoxelCounts {
  tp: number;
  fp: number;
  fn: number;
  total: number;
}

export function voxelCounts(pred: ArrayLike<number>, gt: ArrayLike<number>): VoxelCounts {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i] > 0;
    const g = gt[i] > 0;
    if (p && g) tp++;
    else if (p) fp++;
    else if (g) fn++;
  }
  return { tp, fp, fn, total: pred.length };
}

export function dice(c: VoxelCounts): number {
  const denom = 2 * c.tp + c.fp + c.fn;
  return denom === 0 ? 1 : (2 * c.tp) / denom;
}

/**
 * Normalised Dice (Raina et al.), method.md: nDSC = 2TP / (2TP + FN + k FP),
 * k = (1 - r)|GT| / (r (N - |GT|)), k = 1 when GT is empty; r = reference lesion load 0.001.
 */
export function normalisedDice(c: VoxelCounts, r = 0.001): number {
  const gt = c.tp + c.fn;
  const k = gt === 0 ? 1 : ((1 - r) * gt) / (r * (c.total - gt));
  const denom = 2 * c.tp + c.fn + k * c.fp;
  return denom === 0 ? 1 : (2 * c.tp) / denom;
}

export type Detection = 'TP' | 'FP' | 'FN';

/** For each component of `a`, the ids of `b`'s components it touches and the overlap voxel count. */
function overlaps(a: Labelling, b: Labelling): Map<number, number>[] {
  const out = Array.from({ length: a.count + 1 }, () => new Map<number, number>());
  for (let v = 0; v < a.labels.length; v++) {
    const ia = a.labels[v];
    const ib = b.labels[v];
    if (ia && ib) out[ia].set(ib, (out[ia].get(ib) ?? 0) + 1);
  }
  return out;
}

/** IoU of component `id` of `a` with the union of `b`'s components that it touches. */
function iouWithTouched(a: Labelling, b: Labelling, touched: Map<number, number>, id: number): number {
  let inter = 0;
  let unionB = 0;
  for (const [ib, n] of touched) {
    inter += n;
    unionB += b.sizes[ib];
  }
  return inter === 0 ? 0 : inter / (a.sizes[id] + unionB - inter);
}

export interface InstanceMatch {
  /** predicted[id]: TP when it overlaps the ground truth at all, else FP (method.md, for display). */
  predicted: Detection[];
  /** ids of ground-truth components that no prediction touches (FN). */
  missedGt: number[];
  /** The paper's lesion-wise evaluation: a match counts at IoU >= iouThreshold. */
  lesionwise: { tpr: number; fdr: number; fnr: number; f1: number; nGt: number; nPred: number; detectedGt: number; falsePred: number };
}

/**
 * Matches predicted lesion instances against ground-truth components. Lesion-wise metrics: a ground-truth
 * lesion is detected when its IoU with the union of the predictions touching it is >= iouThreshold; a
 * prediction is false when its IoU with the union of the ground-truth lesions it touches is below it.
 * TPR = detected / |GT lesions|, FNR = 1 - TPR, FDR = false / |predictions|, F1 = harmonic mean of TPR and 1 - FDR.
 */
export function matchInstances(pred: Labelling, gt: Labelling, iouThreshold = 0.25): InstanceMatch {
  const predTouches = overlaps(pred, gt);
  const gtTouches = overlaps(gt, pred);
  const predicted: Detection[] = [];
  let falsePred = 0;
  for (let id = 1; id <= pred.count; id++) {
    predicted[id] = predTouches[id].size > 0 ? 'TP' : 'FP';
    if (iouWithTouched(pred, gt, predTouches[id], id) < iouThreshold) falsePred++;
  }
  const missedGt: number[] = [];
  let detectedGt = 0;
  for (let id = 1; id <= gt.count; id++) {
    if (gtTouches[id].size === 0) missedGt.push(id);
    if (iouWithTouched(gt, pred, gtTouches[id], id) >= iouThreshold) detectedGt++;
  }
  const tpr = gt.count === 0 ? 1 : detectedGt / gt.count;
  const fdr = pred.count === 0 ? 0 : falsePred / pred.count;
  const precision = 1 - fdr;
  const f1 = tpr + precision === 0 ? 0 : (2 * tpr * precision) / (tpr + precision);
  return {
    predicted,
    missedGt,
    lesionwise: { tpr, fdr, fnr: 1 - tpr, f1, nGt: gt.count, nPred: pred.count, detectedGt, falsePred },
  };
}
