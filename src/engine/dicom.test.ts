// DICOM conversion through dcm2niix's WebAssembly module (the same code the browser's worker runs), on the
// small study training/make_dicom_fixture.py wrote from two NIfTI files: the geometry and values after
// conversion must be those NIfTI files', and bad studies must be refused in words.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertDicom } from './dicom';
import { readNifti, type Volume } from '../core/volume';
import { invert4, applyAffine } from '../core/volume/affine';

const FIXTURE = join(import.meta.dirname, '../../public/test-fixtures/dicom');
const folder = (sub: string) =>
  readdirSync(join(FIXTURE, sub))
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(FIXTURE, sub, name))) }));

/** max world distance (mm) between matching voxels, and max value difference, of two grids holding one image */
function compare(converted: Volume, reference: Volume) {
  const toRef = invert4(reference.voxToMm);
  let worstMm = 0;
  let worstValue = 0;
  let matched = 0;
  const [nx, ny, nz] = converted.dims;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const mm = applyAffine(converted.voxToMm, [i, j, k]);
        const r = applyAffine(toRef, mm).map(Math.round) as [number, number, number];
        const back = applyAffine(reference.voxToMm, r);
        worstMm = Math.max(worstMm, Math.hypot(mm[0] - back[0], mm[1] - back[1], mm[2] - back[2]));
        if (r.some((v, a) => v < 0 || v >= reference.dims[a])) continue;
        const [ri, rj, rk] = r;
        const refValue = reference.data[ri + reference.dims[0] * (rj + reference.dims[1] * rk)];
        worstValue = Math.max(worstValue, Math.abs(converted.data[i + nx * (j + ny * k)] - refValue));
        matched++;
      }
  return { worstMm, worstValue, matched };
}

describe('DICOM (dcm2niix, WebAssembly)', () => {
  it('a study of two series: both offered with their descriptions and a role guess; geometry and values as the source NIfTI', async () => {
    const study = await convertDicom(folder('study'));
    expect(study.notes).toEqual([]);
    expect(study.series.map((s) => [s.seriesNumber, s.description, s.roleGuess])).toEqual([
      [3, 'AX FLAIR', 'flair'],
      [5, 'AX T1 SE', 'mprage'],
    ]);
    expect(study.series[0].label).toMatch(/^Series 3 · AX FLAIR · 32 x 28 x 12 voxels of 0\.72 x 0\.72 x 3 mm$/);
    for (const [s, ref] of [
      [study.series[0], 'flair.nii'],
      [study.series[1], 't1.nii'],
    ] as const) {
      const converted = readNifti(s.nifti.bytes, s.nifti.name).volume;
      const reference = readNifti(readFileSync(join(FIXTURE, ref)), ref).volume;
      expect(converted.dims.map((d) => d)).toEqual(reference.dims.map((d) => d));
      const c = compare(converted, reference);
      console.log(`[dicom] ${s.label}: ${c.matched} voxels matched, world error ${c.worstMm.toExponential(1)} mm, value error ${c.worstValue}`);
      expect(c.matched).toBe(reference.data.length); // every voxel lands on a voxel of the source
      expect(c.worstMm).toBeLessThan(1e-3);
      expect(c.worstValue).toBe(0);
    }
  });

  it('one slice, files cut short, no pixel data, not DICOM: refused, saying which', async () => {
    await expect(convertDicom(folder('bad/single-slice'))).rejects.toThrow(/2D image \(32 x 28 x 1 voxels\).*whole series/);
    await expect(convertDicom(folder('bad/truncated'))).rejects.toThrow(/No image could be made: DICOM files are cut short .*slice_001\.dcm.*was left out/);
    await expect(convertDicom(folder('bad/no-pixel-data'))).rejects.toThrow(/No DICOM image was found in the 3 file\(s\).*no pixel data/);
    const notDicom = [{ name: 'notes.txt', bytes: new TextEncoder().encode('not an image '.repeat(40)) }];
    await expect(convertDicom(notDicom)).rejects.toThrow(/No DICOM image was found in the 1 file/);
  });

  it('a series whose images differ in size: both parts offered, and the user told why', async () => {
    const study = await convertDicom(folder('bad/mixed'));
    expect(study.series.map((s) => s.label.replace(/ voxels of .*/, ''))).toEqual([
      expect.stringMatching(/^Series 10 · AX FLAIR mixed · (24 x 20|32 x 28) x 3$/),
      expect.stringMatching(/^Series 10 · AX FLAIR mixed · (24 x 20|32 x 28) x 3$/),
    ]);
    expect(study.notes.join(' ')).toMatch(/Series 10 · AX FLAIR mixed was split into 2 volumes/);
  });

  it('a study with one good series and some files cut short: the good series is offered, with a note', async () => {
    const study = await convertDicom([...folder('study').filter((f) => f.name.startsWith('t1_')), ...folder('bad/truncated')]);
    expect(study.series.map((s) => s.seriesNumber)).toEqual([5]);
    expect(study.notes.join(' ')).toMatch(/DICOM files are cut short .*slice_001\.dcm/);
  });
});
