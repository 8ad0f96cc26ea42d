import { describe, expect, it } from 'vitest';
import * as nifti from 'nifti-reader-js';
import { gunzipSync } from 'fflate';
import { gridFromAffine, readNifti } from '../volume';
import { floatMapNifti, labelMapNifti } from './niftiMaps';

// An oblique, anisotropic, left-handed (radiological) affine: qfac, rotation and offsets all matter.
const c = Math.cos(0.2);
const s = Math.sin(0.2);
const AFFINE = [-1.2 * c, 0, 3 * s, 91.5, 0, 0.9, 0, -126.25, 1.2 * s, 0, 3 * c, -72, 0, 0, 0, 1];
const GRID = gridFromAffine([5, 4, 3], AFFINE);

/** The header as another program sees it: nifti-reader-js straight on the decompressed bytes. */
function header(gz: Uint8Array) {
  const raw = gunzipSync(gz);
  return nifti.readHeader(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer) as nifti.NIFTI1;
}

function expectAffine(rows: number[][], expected: number[]) {
  rows.flat().forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
}

describe('NIfTI exports on the FLAIR grid', () => {
  it('label map: int16 ids, sform and qform both give the FLAIR affine', () => {
    const labels = Int32Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? 3 : i % 5 === 0 ? 1 : 0));
    const gz = labelMapNifti(GRID, labels, 3);
    const h = header(gz);
    expect(h.datatypeCode).toBe(4); // int16
    expect(h.dims.slice(0, 4)).toEqual([3, 5, 4, 3]);
    expect(h.sform_code).toBe(2);
    expect(h.qform_code).toBe(2);
    expectAffine(h.affine, AFFINE); // sform rows
    expectAffine(h.getQformMat(), AFFINE); // from the quaternion, pixdim and qfac
    const back = readNifti(gz).volume;
    expect(Array.from(back.data)).toEqual(Array.from(labels));
    back.voxToMm.forEach((v, i) => expect(v).toBeCloseTo(AFFINE[i], 4));
  });

  it('label map beyond int16 ids is int32', () => {
    const labels = new Int32Array(60);
    labels[59] = 40000;
    const gz = labelMapNifti(GRID, labels, 40000);
    expect(header(gz).datatypeCode).toBe(8);
    expect(readNifti(gz).volume.data[59]).toBe(40000);
  });

  it('float map keeps signed values exactly', () => {
    const data = Float32Array.from({ length: 60 }, (_, i) => (i - 30) * 1.2345e-4);
    const gz = floatMapNifti(GRID, data, 'saliency FLAIR');
    const h = header(gz);
    expect(h.datatypeCode).toBe(16);
    expect(h.description).toBe('saliency FLAIR');
    expect(Array.from(readNifti(gz).volume.data)).toEqual(Array.from(data));
  });
});
