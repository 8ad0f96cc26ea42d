import { writeNifti, type Grid } from '../volume';

/**
 * The lesion instance label map as NIfTI on the given grid (the original FLAIR's): 0 background, 1..count lesion ids,
 * int16 when the ids fit (every viewer reads it), int32 beyond.
 */
export function labelMapNifti(grid: Grid, labels: Int32Array, count: number): Uint8Array {
  return writeNifti({ ...grid, data: Float32Array.from(labels) }, { datatype: count <= 32767 ? 'int16' : 'int32', description: 'LesionLens lesion instances' });
}

/** A binary mask (the brain) as uint8 NIfTI on the given grid. */
export function maskNifti(grid: Grid, mask: Uint8Array, description: string): Uint8Array {
  return writeNifti({ ...grid, data: Float32Array.from(mask) }, { datatype: 'uint8', description });
}

/** A float map (probability, one saliency channel) as float32 NIfTI on the given grid. */
export function floatMapNifti(grid: Grid, data: Float32Array, description: string): Uint8Array {
  return writeNifti({ ...grid, data }, { datatype: 'float32', description });
}
