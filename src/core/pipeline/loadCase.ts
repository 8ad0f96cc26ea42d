// Opening a case is the pipeline's first step: read, check, put everything on the FLAIR grid.
import { type ReadOptions, type Volume, checkImage, checkMask, describeGrid, readNifti, resampleToGrid, sameGrid, swappedRolesNotice } from '../volume';
import { coarseBrainMask } from '../brain';

/** A file's name and bytes; `imageBytes` is the .img when the file is the .hdr of a NIfTI-1 pair. */
export interface CaseFile {
  name: string;
  bytes: ArrayBuffer | Uint8Array;
  imageBytes?: ArrayBuffer | Uint8Array;
}

export interface CaseFiles {
  flair: CaseFile;
  mprage: CaseFile;
  mask?: CaseFile;
}

/** A FLAIR + MPRAGE pair (and optional ground truth), all on the FLAIR grid. */
export interface LoadedCase {
  flair: Volume;
  mprage: Volume;
  mask?: Volume;
  /** Everything that was changed or noticed on the way in, in words for the user. */
  notices: string[];
}

/**
 * Reads and checks a case. The FLAIR grid is the reference: MPRAGE (trilinear) and the mask (nearest)
 * are resampled onto it when their grids differ, and the user is told from what to what.
 * Bad inputs throw InputError with a message for the user; `options.maxVoxels` is the memory budget per scan.
 */
export function loadCase(files: CaseFiles, options: ReadOptions = {}): LoadedCase {
  const notices: string[] = [];
  const flairRead = readNifti(files.flair.bytes, `FLAIR (${files.flair.name})`, { ...options, imageBytes: files.flair.imageBytes });
  const mprageRead = readNifti(files.mprage.bytes, `MPRAGE (${files.mprage.name})`, { ...options, imageBytes: files.mprage.imageBytes });
  notices.push(...flairRead.warnings, ...mprageRead.warnings);
  const flair = flairRead.volume;
  checkImage(flair, `FLAIR (${files.flair.name})`);
  checkImage(mprageRead.volume, `MPRAGE (${files.mprage.name})`);
  let mprage = mprageRead.volume;
  // judged on each scan's own grid, before any resampling; on a scan with skull, on its brain only (the contrast
  // test compares the brain's deep white matter with its rim, which on a head would be the scalp)
  const brain = coarseBrainMask(flair);
  const onBrain = (v: Volume): Volume => {
    if (brain.alreadyStripped) return v;
    const mask = sameGrid(v, flair) ? brain.mask : resampleToGrid({ ...flair, data: Float32Array.from(brain.mask) }, v, 'nearest').data;
    return { ...v, data: v.data.map((x, i) => (mask[i] ? x : 0)) };
  };
  const swapped = swappedRolesNotice(onBrain(flair), onBrain(mprage), `FLAIR (${files.flair.name})`, `MPRAGE (${files.mprage.name})`);
  if (swapped) notices.push(swapped);
  if (!sameGrid(flair, mprage)) {
    notices.push(`MPRAGE was resampled (trilinear) from ${describeGrid(mprage)} onto the FLAIR grid of ${describeGrid(flair)}.`);
    mprage = resampleToGrid(mprage, flair, 'linear');
  }
  let mask: Volume | undefined;
  if (files.mask) {
    const label = `Ground-truth mask (${files.mask.name})`;
    const maskRead = readNifti(files.mask.bytes, label, { ...options, imageBytes: files.mask.imageBytes });
    notices.push(...maskRead.warnings);
    const checked = checkMask(maskRead.volume, label);
    notices.push(...checked.warnings);
    mask = checked.mask;
    if (!sameGrid(flair, mask)) {
      notices.push(`The ground-truth mask was resampled (nearest neighbour) from ${describeGrid(mask)} onto the FLAIR grid of ${describeGrid(flair)}.`);
      mask = resampleToGrid(mask, flair, 'nearest');
    }
  }
  return { flair, mprage, mask, notices };
}
