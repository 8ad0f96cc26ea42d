import { Blender, extractWindow, gaussianWeights, planWindows } from './slidingWindow';

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
  // an axis shorter than the window runs as one smaller window (fully convolutional models), padded to the stride
  const m = opts.sizeMultiple ?? 1;
  const size = opts.windowSize.map((s, a) => Math.min(s, Math.ceil(dims[a] / m) * m)) as [number, number, number];
  const windows = planWindows(dims, size, opts.overlap ?? 0.25);
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
  return blender.result();
}
