// Writes one generated case as NIfTI files: FLAIR and MPRAGE int16, lesion mask uint8, gzipped.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SynthCase } from '../src/core/synth';
import { type Volume, writeNifti } from '../src/core/volume';

export function writeCase(dir: string, c: SynthCase, names = { flair: 'flair', mprage: 'mprage', lesions: 'lesions' }): Record<string, number> {
  mkdirSync(dir, { recursive: true });
  const sizes: Record<string, number> = {};
  const write = (name: string, vol: Volume, datatype: 'int16' | 'uint8') => {
    const bytes = writeNifti(vol, { datatype, gzip: true, description: `LesionLens synthetic MS case, seed ${c.options.seed}` });
    writeFileSync(join(dir, `${name}.nii.gz`), bytes);
    sizes[`${name}.nii.gz`] = bytes.length;
  };
  write(names.flair, c.flair, 'int16');
  write(names.mprage, c.mprage, 'int16');
  write(names.lesions, c.lesionMask, 'uint8');
  return sizes;
}
