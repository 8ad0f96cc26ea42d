// The context experiment (method.md): keep the input only within k mm of the lesion (Euclidean
// distance between voxel centres, anisotropic spacing), set everything else to 0 (the brain mean
// after z-scoring), re-run the model, and find the smallest k at which the lesion is still detected.
// "Detected": the re-run's prediction, made into instances by the app's own rules (probability >=
// manifest.threshold, 18-connected components, components of 5 voxels or fewer dropped), has an
// instance that overlaps the lesion by at least one voxel (the paper's TP rule).
import * as tf from '@tensorflow/tfjs';
import { lesionInstances } from '../lesions/components.ts';
import { lesionProbability as probabilityOf, type SegmentationModel } from '../model/index.ts';
import { Cancelled } from '../segment/segmentVolume.ts';
import { signedDistanceMm } from '../volume/distance.ts';
import { batchInput, blendOverWindows, type PreparedInstance } from './instance.ts';

export interface ContextStep {
  radiusMm: number;
  detected: boolean;
  /** lesion voxels covered by overlapping re-run instances */
  overlapVoxels: number;
}

export interface ContextResult {
  steps: ContextStep[];
  /** smallest radius with detection and detection at every larger radius tried; null when never */
  minimalContextMm: number | null;
}

/** The lesion probability on the crop as the app segments it: one run over the crop, or for a blended instance
 * the windows' probabilities blended with their weights (exact near the lesion: see core/xai/windows.ts). */
export async function lesionProbability(model: SegmentationModel, p: PreparedInstance, input: Float32Array[]): Promise<Float32Array> {
  const prob = tf.tidy(() => blendOverWindows(p, batchInput([input], p.crop), (xw, w) => {
    const pw = probabilityOf(model.logits(xw), model.manifest.output);
    return w.weights ? tf.mul(pw, tf.tensor5d(w.weights, [1, w.dims[2], w.dims[1], w.dims[0], 1])) : pw;
  }));
  const data = new Float32Array(await prob.data());
  prob.dispose();
  return data;
}

export async function contextExperiment(
  model: SegmentationModel,
  p: PreparedInstance,
  radiiMm: number[] = Array.from({ length: 16 }, (_, k) => k),
  signal?: AbortSignal,
  onStep?: (done: number, total: number) => void,
): Promise<ContextResult> {
  const distance = signedDistanceMm(p.lesionMask, p.crop.dims, p.request.spacingMm);
  const steps: ContextStep[] = [];
  for (const radiusMm of radiiMm) {
    if (signal?.aborted) throw new Cancelled();
    const input = p.input.map((c) => c.map((v, i) => (distance[i] <= radiusMm + 1e-6 ? v : 0)));
    const prob = await lesionProbability(model, p, input);
    const instances = lesionInstances({ dims: p.crop.dims }, prob, model.manifest.threshold, 18, 5);
    const touching = new Set<number>();
    let overlapVoxels = 0;
    for (const v of p.lesionCrop) {
      const id = instances.labels[v];
      if (id) {
        touching.add(id);
        overlapVoxels++;
      }
    }
    steps.push({ radiusMm, detected: touching.size > 0, overlapVoxels });
    onStep?.(steps.length, radiiMm.length);
  }
  let minimal: number | null = null;
  for (let i = steps.length - 1; i >= 0 && steps[i].detected; i--) minimal = steps[i].radiusMm;
  return { steps, minimalContextMm: minimal };
}
