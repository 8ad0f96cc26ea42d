import type { Grid } from '../volume';
import { type Connectivity, type Labelling, labelComponents, lesionInstances } from './components';
import { type LesionMeasures, measureLesions } from './measures';
import { type Detection, type InstanceMatch, dice, matchInstances, normalisedDice, voxelCounts } from './metrics';

export interface InstanceSettings {
  threshold: number;
  connectivity: Connectivity;
  /** components of this many voxels or fewer (on the scan grid) are dropped (method.md: 5; a model may choose its own) */
  maxDroppedVoxels: number;
}

/** method.md's rule: components of 5 voxels or fewer are dropped. */
export const DEFAULT_MAX_DROPPED_VOXELS = 5;

export interface Lesion extends LesionMeasures {
  /** TP / FP against the ground truth when one is loaded */
  detection?: Detection;
}

export interface GroundTruthSummary {
  dice: number;
  nDsc: number;
  match: InstanceMatch;
  /** ground-truth components (same connectivity) and their measures: FN lesions are listed from here */
  gtLabels: Labelling;
  missed: LesionMeasures[];
}

export interface CaseAnalysis {
  labels: Labelling;
  lesions: Lesion[];
  groundTruth?: GroundTruthSummary;
}

/** Lesion instances, their measures and, with a ground truth, TP/FP/FN and the case's metrics. */
export function analyseCase(grid: Grid, probability: Float32Array, s: InstanceSettings, gtMask?: Float32Array): CaseAnalysis {
  const labels = lesionInstances(grid, probability, s.threshold, s.connectivity, s.maxDroppedVoxels);
  const lesions: Lesion[] = measureLesions(grid, labels, probability);
  if (!gtMask) return { labels, lesions };
  // the binary prediction for the voxel metrics is what the user sees: instances after dropping small ones
  const counts = voxelCounts(labels.labels, gtMask);
  const gtLabels = labelComponents(grid, (i) => gtMask[i] > 0, s.connectivity);
  const match = matchInstances(labels, gtLabels);
  lesions.forEach((l) => (l.detection = match.predicted[l.lesionId]));
  const gtMeasures = measureLesions(grid, gtLabels);
  const missed = match.missedGt.map((id) => gtMeasures[id - 1]);
  return { labels, lesions, groundTruth: { dice: dice(counts), nDsc: normalisedDice(counts), match, gtLabels, missed } };
}

/** Which lesion a voxel (flat index on the scan grid) lies in: a found one, else a missed ground-truth one. */
export function lesionAt(a: CaseAnalysis, voxel: number): { kind: 'predicted' | 'missed'; id: number } | null {
  const id = a.labels.labels[voxel];
  if (id > 0) return { kind: 'predicted', id };
  const gtId = a.groundTruth?.gtLabels.labels[voxel] ?? 0;
  return gtId > 0 && a.groundTruth!.missed.some((m) => m.lesionId === gtId) ? { kind: 'missed', id: gtId } : null;
}
