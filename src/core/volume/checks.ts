import { type Volume } from './volume';
import { InputError } from './inputError';

/** Refuses an image the model cannot use: all zero or constant. */
export function checkImage(vol: Volume, label: string): void {
  let min = Infinity;
  let max = -Infinity;
  for (const v of vol.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max === 0 && min === 0) {
    throw new InputError(`${label} is all zero: it holds no image. Check that you picked the right file.`);
  }
  if (max === min) {
    throw new InputError(`${label} has the same value (${min}) in every voxel: it holds no image. Check the file.`);
  }
}

/**
 * A ground-truth mask must be binary or label-like (non-negative integers). Any label > 0 is lesion;
 * when there are several labels the user is told, since they are merged into one lesion class.
 */
export function checkMask(vol: Volume, label: string): { mask: Volume; warnings: string[] } {
  const labels = new Set<number>();
  for (const v of vol.data) {
    if (v < 0 || !Number.isInteger(v)) {
      throw new InputError(
        `${label} is not a lesion mask: it holds the value ${v}, while a mask holds only 0 and 1 (or integer labels). ` +
          'Open the binary ground-truth segmentation, not an image or a probability map.',
      );
    }
    if (labels.size <= 256) labels.add(v);
  }
  if (labels.size > 256) {
    throw new InputError(`${label} has more than 256 distinct values: it looks like an image, not a lesion mask.`);
  }
  const warnings: string[] = [];
  const positive = [...labels].filter((l) => l > 0).sort((a, b) => a - b);
  if (positive.length === 0) warnings.push(`${label} is empty: it marks no lesion.`);
  if (positive.length > 1 || (positive.length === 1 && positive[0] !== 1)) {
    warnings.push(`${label} holds labels ${positive.slice(0, 8).join(', ')}${positive.length > 8 ? ', ...' : ''}; every label above 0 is treated as lesion.`);
  }
  const data = new Float32Array(vol.data.length);
  for (let i = 0; i < data.length; i++) data[i] = vol.data[i] > 0 ? 1 : 0;
  return { mask: { ...vol, data }, warnings };
}
