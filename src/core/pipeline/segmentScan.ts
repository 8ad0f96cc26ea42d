// The one path from a scan to its lesion probability: scan channels -> brain (extracted when the scan has a
// skull) -> z-score over the brain -> the model's grid (RAS, model spacing) -> sliding windows -> back to the
// scan grid, nothing outside the brain. The worker, the scripts and the benches all
// segment through here, so a figure measured by a script is what a user's scan gets.
import { effectiveWindowSize, modelGridFor, modelGridNotice, segmentVolume, WINDOW_OVERLAP, type WindowPredictor } from '../segment';
import { percentileNonZero, resampleToGrid, zscoreNonZero, type Grid } from '../volume';
import { channelRoles, type ModelManifest, type Normalisation, type ImageRole } from '../model';
import { brainMask, type BrainMask } from '../brain';

/** Changes whenever the preprocessing does (results cached by scripts are recomputed). */
export const PIPELINE_VERSION = 'ras-order+brain-extraction-1';

/** The model's view of a scan: z-scored channels on the model grid, and how to map results back. */
export interface ModelInput {
  scanGrid: Grid;
  /** the model's grid (the scan grid itself when the spacing already matches) */
  modelGrid: Grid;
  /** normalised channels on modelGrid, x fastest, in the manifest's channel order */
  channels: Float32Array[];
  /** sliding-window size on modelGrid, x, y, z voxels */
  windowSizeXyz: [number, number, number];
  sizeMultiple: number;
  /** what the user is told about the preprocessing (e.g. brain extraction, resampling) */
  notices: string[];
  /** the brain on the scan grid; `alreadyStripped`: the scan had no skull and nothing was removed */
  brain: BrainMask;
}

type InputManifest = Pick<ModelManifest, 'spacingMmXyz' | 'windowXyz' | 'sizeMultiple' | 'spatialAxes' | 'inputChannels'> & { normalisation?: Normalisation };

/** The opened scans in scan order (FLAIR first): which one feeds each role. */
const SCAN_INDEX: Record<ImageRole, number> = { flair: 0, mprage: 1 };

function normalise(data: Float32Array, how: Normalisation): Float32Array {
  if (how === 'percentile-brain') return percentileNonZero(data).data;
  return how === 'none' ? data : zscoreNonZero(data).data;
}

/**
 * `scanChannels`: the opened scans, FLAIR then the T1, on one grid; the model gets those its manifest names, in its
 * order (a FLAIR-only model the FLAIR alone, a T1-first model the T1 first). `brain`: the scan's brain when it is
 * known already (it depends on the scan only, not on the model).
 */
export function prepareModelInput(scanChannels: Float32Array[], scanGrid: Grid, m: InputManifest, brain: BrainMask = brainMask({ ...scanGrid, data: scanChannels[0] })): ModelInput {
  if (m.spatialAxes !== 'zyx') throw new Error(`this app feeds models in z, y, x order; the manifest says '${m.spatialAxes}'`);
  const rawChannels = channelRoles(m).map((role) => {
    const c = scanChannels[SCAN_INDEX[role]];
    if (!c) throw new Error(`the model takes a ${role === 'flair' ? 'FLAIR' : 'T1'} channel, and no such scan is open`);
    return c;
  });
  const modelGrid = modelGridFor(scanGrid, m.spacingMmXyz);
  const notices: string[] = [];
  // the brain comes from the first channel (FLAIR); a skull-stripped scan is recognised and left as it is
  let inBrain = rawChannels;
  if (!brain.alreadyStripped) {
    inBrain = rawChannels.map((c) => c.map((v, i) => (brain.mask[i] ? v : 0)));
    notices.push(
      brain.edited
        ? `Your corrected brain (${brain.volumeMl.toFixed(0)} ml) was used: nothing outside it is segmented.`
        : `The scan includes skull and scalp: the brain was extracted (${brain.volumeMl.toFixed(0)} ml) before segmentation, as the model was trained on brains only; nothing outside it is segmented. Check the brain outline (Overlays: Brain), and correct it there if needed.`,
    );
  }
  let channels = inBrain.map((c) => normalise(c, m.normalisation ?? 'zscore-brain'));
  if (modelGrid !== scanGrid) {
    notices.push(modelGridNotice(scanGrid, modelGrid)!);
    channels = channels.map((c) => resampleToGrid({ ...scanGrid, data: c }, modelGrid, 'linear').data);
  }
  const windowSizeXyz = effectiveWindowSize(modelGrid.dims, m.windowXyz, m.sizeMultiple);
  return { scanGrid, modelGrid, channels, windowSizeXyz, sizeMultiple: m.sizeMultiple, notices, brain };
}

export interface RunOptions {
  /** largest window edge in voxels (GPU-fault recovery halves it); default: the model's window */
  maxWindowEdge?: number;
  signal?: AbortSignal;
  onProgress?: (windowsDone: number, windowsTotal: number) => void;
}

/** Lesion probability on the model grid. */
export function probabilityOnModelGrid(input: ModelInput, predict: WindowPredictor, o: RunOptions = {}): Promise<Float32Array> {
  const edge = o.maxWindowEdge ?? Infinity;
  return segmentVolume(input.channels, input.modelGrid.dims, predict, {
    windowSize: input.windowSizeXyz.map((s) => Math.min(s, edge)) as [number, number, number],
    sizeMultiple: input.sizeMultiple,
    overlap: WINDOW_OVERLAP,
    signal: o.signal,
    onProgress: o.onProgress,
  });
}

/** The model-grid probability on the scan grid (itself when the grids are one), 0 outside an extracted brain. */
export function toScanGrid(input: ModelInput, onModelGrid: Float32Array): Float32Array {
  const out = input.modelGrid === input.scanGrid ? onModelGrid : resampleToGrid({ ...input.modelGrid, data: onModelGrid }, input.scanGrid, 'linear').data;
  if (!input.brain.alreadyStripped) for (let i = 0; i < out.length; i++) if (!input.brain.mask[i]) out[i] = 0;
  return out;
}

/** Scan channels -> lesion probability on the scan grid, with the model-grid input it used. */
export async function segmentScan(rawChannels: Float32Array[], scanGrid: Grid, manifest: InputManifest, predict: WindowPredictor, o: RunOptions = {}) {
  const input = prepareModelInput(rawChannels, scanGrid, manifest);
  const probability = toScanGrid(input, await probabilityOnModelGrid(input, predict, o));
  return { input, probability };
}
