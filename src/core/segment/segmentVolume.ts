import { Blender, extractWindow, gaussianWeights, planWindows, WINDOW_OVERLAP } from './slidingWindow';

/** Lesion probability of one window: input channels (x-fastest, FLAIR then MPRAGE) of `size` voxels. */
export type WindowPredictor = (channels: Float32Array[], size: [number, number, number]) => Promise<Float32Array>;

export interface SegmentOptions {
  windowSize: [number, number, number];
  /** the model's total stride: a window on an axis shorter than windowSize shrinks to a multiple of it */
  sizeMultiple?: number;
  overlap?: number;
  onProgress?: (windowsDone: number, windowsTotal: number) => void;
  signal?: AbortSignal;
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/** The window actually used: an axis shorter than the window runs as one smaller window, padded to the stride. */
export function effectiveWindowSize(dims: [number, number, number], windowSize: [number, number, number], sizeMultiple = 1): [number, number, number] {
  return windowSize.map((s, a) => Math.min(s, Math.ceil(dims[a] / sizeMultiple) * sizeMultiple)) as [number, number, number];
}

/**
 * Whole-volume lesion probability by sliding windows with Gaussian blending (the paper: 96^3, overlap 0.25).
 * Windows run one at a time: GPU memory use is one window's, whatever the scan size.
 */
export async function segmentVolume(
  channels: Float32Array[],
  dims: [number, number, number],
  predict: WindowPredictor,
  opts: SegmentOptions,
): Promise<Float32Array> {
  const size = effectiveWindowSize(dims, opts.windowSize, opts.sizeMultiple);
  const windows = planWindows(dims, size, opts.overlap ?? WINDOW_OVERLAP);
  const weights = gaussianWeights(size);
  const blender = new Blender(dims);
  opts.onProgress?.(0, windows.length);
  for (let w = 0; w < windows.length; w++) {
    if (opts.signal?.aborted) throw new Cancelled();
    const { start } = windows[w];
    const patch = extractWindow(channels, dims, start, size);
    blender.add(await predict(patch, size), start, size, weights);
    opts.onProgress?.(w + 1, windows.length);
  }
  // a cancel during the last window must not hand back a result
  if (opts.signal?.aborted) throw new Cancelled();
  return blender.result();
}
