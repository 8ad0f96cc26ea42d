// Explanations run where the segmentation ran: on the model grid, with the z-scored channels the model saw
// (ModelInput). The lesion comes in as scan-grid voxels (what the user clicked) and the maps go back onto a
// box of the scan grid. On a scan at the model's spacing both grids are one and nothing is resampled.
import type { SegmentationModel } from '../model';
import { applyAffine, invert4, multiply4, resampleToGrid, subGrid } from '../volume';
import { contextExperiment, explainInstance, prepareInstance, type ContextResult, type Crop, type ExplainOptions, type Explanation, type InstanceRequest } from '../xai';
import type { ModelInput } from './segmentScan';

/** Scan-grid voxels -> the same lesion on the model grid: the model voxels whose nearest scan voxel is in it
 * (nearest-neighbour resampling of the mask). A lesion thinner than a model voxel keeps, per scan voxel, the
 * model voxel nearest its centre, so no clicked lesion comes out empty. */
export function lesionOnModelGrid(input: ModelInput, lesionVoxelsScan: ArrayLike<number>): Int32Array {
  if (input.modelGrid === input.scanGrid) return Int32Array.from(lesionVoxelsScan);
  const { scanGrid, modelGrid } = input;
  const mask = new Float32Array(scanGrid.dims[0] * scanGrid.dims[1] * scanGrid.dims[2]);
  for (let i = 0; i < lesionVoxelsScan.length; i++) mask[lesionVoxelsScan[i]] = 1;
  const onModel = resampleToGrid({ ...scanGrid, data: mask }, modelGrid, 'nearest').data;
  const out: number[] = [];
  for (let v = 0; v < onModel.length; v++) if (onModel[v] > 0) out.push(v);
  if (out.length) return Int32Array.from(out);
  // scan voxel centre -> model voxel, rounded
  const m = multiply4(invert4(modelGrid.voxToMm), scanGrid.voxToMm);
  const [sx, sy] = scanGrid.dims;
  const [mx, my, mz] = modelGrid.dims;
  const seen = new Set<number>();
  for (let i = 0; i < lesionVoxelsScan.length; i++) {
    const v = lesionVoxelsScan[i];
    const q = applyAffine(m, [v % sx, Math.floor(v / sx) % sy, Math.floor(v / (sx * sy))]).map(Math.round);
    if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[0] >= mx || q[1] >= my || q[2] >= mz) continue;
    seen.add(q[0] + mx * (q[1] + my * q[2]));
  }
  if (!seen.size) throw new Error('the lesion lies outside the model grid');
  return Int32Array.from([...seen].sort((a, b) => a - b));
}


/** The box of the scan grid that covers a model-grid crop (clipped to the scan). */
function scanBoxOf(input: ModelInput, crop: Crop): Crop {
  const m = multiply4(invert4(input.scanGrid.voxToMm), input.modelGrid.voxToMm);
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const cx of [crop.origin[0] - 0.5, crop.origin[0] + crop.dims[0] - 0.5])
    for (const cy of [crop.origin[1] - 0.5, crop.origin[1] + crop.dims[1] - 0.5])
      for (const cz of [crop.origin[2] - 0.5, crop.origin[2] + crop.dims[2] - 0.5])
        applyAffine(m, [cx, cy, cz]).forEach((s, r) => {
          lo[r] = Math.min(lo[r], s);
          hi[r] = Math.max(hi[r], s);
        });
  const origin = [0, 1, 2].map((a) => Math.max(0, Math.ceil(lo[a]))) as Crop['origin'];
  const end = [0, 1, 2].map((a) => Math.min(input.scanGrid.dims[a], Math.floor(hi[a]) + 1));
  return { origin, dims: [0, 1, 2].map((a) => Math.max(1, end[a] - origin[a])) as Crop['dims'] };
}

/** Maps on a model-grid crop -> the same maps on the scan-grid box that covers it (linear; 0 outside the crop). */
export function cropMapsToScanGrid(input: ModelInput, crop: Crop, maps: readonly Float32Array[]): { crop: Crop; maps: Float32Array[] } {
  if (input.modelGrid === input.scanGrid) return { crop, maps: [...maps] };
  const from = subGrid(input.modelGrid, crop.origin, crop.dims);
  const box = scanBoxOf(input, crop);
  const to = subGrid(input.scanGrid, box.origin, box.dims);
  return { crop: box, maps: maps.map((data) => resampleToGrid({ ...from, data }, to, 'linear').data) };
}

/** The instance request on the model grid for a lesion given in scan-grid voxels. */
export function instanceOnModelGrid(input: ModelInput, lesionVoxelsScan: ArrayLike<number>): InstanceRequest {
  return { channels: input.channels, dimsXyz: input.modelGrid.dims, spacingMm: input.modelGrid.spacingMm, lesionVoxels: lesionOnModelGrid(input, lesionVoxelsScan) };
}

export interface LesionExplanation extends Explanation {
  /** the maps as the app shows them (result.shown), on a box of the scan grid */
  shownOnScan: { crop: Crop; maps: Float32Array[] };
}

export interface ExplainLesionOptions extends Omit<ExplainOptions, 'onProgress'> {
  /** after each batch: work done and total, and the running FLAIR map (the one shown while it sharpens) on a scan-grid box, when there is one */
  onProgress?: (done: number, total: number, partial: { crop: Crop; maps: Float32Array[] } | null) => void;
}

/** One lesion's explanation: on the model grid, maps back on the scan grid; quantities are measured on the model grid. */
export async function explainLesion(model: SegmentationModel, input: ModelInput, lesionVoxelsScan: ArrayLike<number>, o: ExplainLesionOptions): Promise<LesionExplanation> {
  let crop: Crop | null = null;
  const e = await explainInstance(model, instanceOnModelGrid(input, lesionVoxelsScan), {
    ...o,
    onPrepared: (p) => {
      crop = p.crop;
      o.onPrepared?.(p);
    },
    // only the FLAIR map is resampled: each batch pays for what is shown, not for every channel
    onProgress: (done, total, partial) => o.onProgress?.(done, total, partial && crop ? cropMapsToScanGrid(input, crop, [partial[0]]) : null),
  });
  return { ...e, shownOnScan: cropMapsToScanGrid(input, e.result.crop, e.result.shown) };
}

/** The context experiment for a scan-grid lesion, on the model grid (its exact crop). */
export async function lesionContext(
  model: SegmentationModel,
  input: ModelInput,
  lesionVoxelsScan: ArrayLike<number>,
  radiiMm: number[],
  signal?: AbortSignal,
  onStep?: (done: number, total: number) => void,
): Promise<ContextResult> {
  const p = await prepareInstance(model, instanceOnModelGrid(input, lesionVoxelsScan), { cropMode: 'exact' });
  return contextExperiment(model, p, radiiMm, signal, onStep);
}
