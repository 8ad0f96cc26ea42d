import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { readNifti, writeNifti, writeNiftiRgba } from './nifti';
import * as niftiReader from 'nifti-reader-js';
import { InputError } from './inputError';
import { type Volume, gridFromAffine } from './volume';

// An oblique, anisotropic, left-handed affine: exercises qfac, rotation and translation.
const c = Math.cos(0.3);
const s = Math.sin(0.3);
const OBLIQUE = [-0.9 * c, 0, 3 * s, 90.5, 0, 1.1, 0, -126, 0.9 * s, 0, 3 * c, -72.25, 0, 0, 0, 1];

function ramp(dims: [number, number, number], voxToMm = OBLIQUE): Volume {
  const grid = gridFromAffine(dims, voxToMm);
  const data = new Float32Array(dims[0] * dims[1] * dims[2]).map((_, i) => (i % 97) - 13.25);
  return { ...grid, data };
}

/** A minimal NIfTI-1 header written field by field here, independent of writeNifti. */
function handHeader(dim: number[], datatype: number, bitpix: number, pixdim = [1, 1, 1, 1]): Uint8Array {
  const n = dim.slice(1, dim[0] + 1).reduce((a, b) => a * Math.abs(b), 1);
  const out = new Uint8Array(352 + n * (bitpix / 8));
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, true);
  dim.forEach((d, i) => v.setInt16(40 + 2 * i, d, true));
  v.setInt16(70, datatype, true);
  v.setInt16(72, bitpix, true);
  pixdim.forEach((p, i) => v.setFloat32(76 + 4 * i, p, true));
  v.setFloat32(108, 352, true);
  out.set([0x6e, 0x2b, 0x31, 0], 344);
  return out;
}

describe('NIfTI write then read', () => {
  for (const version of [1, 2] as const)
    for (const gzip of [false, true])
      it(`returns the same voxels and affine (NIfTI-${version}, gzip ${gzip})`, () => {
        const vol = ramp([5, 4, 3]);
        const back = readNifti(writeNifti(vol, { version, gzip }), 'x').volume;
        expect(back.dims).toEqual([5, 4, 3]);
        expect(Array.from(back.data)).toEqual(Array.from(vol.data));
        back.voxToMm.forEach((m, i) => expect(m).toBeCloseTo(vol.voxToMm[i], 4));
        back.spacingMm.forEach((sp, i) => expect(sp).toBeCloseTo([0.9, 1.1, 3][i], 5));
      });

  it('writes a qform that reproduces the affine when the sform is ignored', () => {
    const bytes = writeNifti(ramp([3, 3, 3]), { gzip: false });
    new DataView(bytes.buffer).setInt16(254, 0, true); // sform_code = 0: readers must use the qform
    const back = readNifti(bytes, 'x').volume;
    back.voxToMm.forEach((m, i) => expect(m).toBeCloseTo(OBLIQUE[i], 4));
  });

  it('rounds and clamps integer datatypes', () => {
    const vol = ramp([4, 4, 4]);
    vol.data.set([-3, 0.4, 0.6, 300]);
    const back = readNifti(writeNifti(vol, { datatype: 'uint8' }), 'x').volume;
    expect(Array.from(back.data.slice(0, 4))).toEqual([0, 0, 1, 255]);
  });

  it('reads a hand-made big-endian int16 file with scaling', () => {
    const h = handHeader([3, 2, 2, 2, 1, 1, 1, 1], 4, 16, [1, 2, 2, 2]);
    const v = new DataView(h.buffer);
    // rewrite every header field as big-endian
    v.setInt32(0, 348, false);
    [3, 2, 2, 2, 1, 1, 1, 1].forEach((d, i) => v.setInt16(40 + 2 * i, d, false));
    v.setInt16(70, 4, false);
    v.setInt16(72, 16, false);
    [1, 2, 2, 2].forEach((p, i) => v.setFloat32(76 + 4 * i, p, false));
    v.setFloat32(108, 352, false);
    v.setFloat32(112, 0.5, false); // slope
    v.setFloat32(116, 10, false); // intercept
    for (let i = 0; i < 8; i++) v.setInt16(352 + 2 * i, i * 100 - 200, false);
    const vol = readNifti(h, 'be').volume;
    expect(Array.from(vol.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i * 100 - 200) * 0.5 + 10));
    expect(vol.spacingMm).toEqual([2, 2, 2]);
  });
});

describe('NIfTI bad inputs get a message for the user', () => {
  const good = writeNifti(ramp([4, 4, 4]), { gzip: false });
  const cases: [string, Uint8Array, RegExp][] = [
    ['a text file', new TextEncoder().encode('patient,age\nA,42\n'.repeat(40)), /not a NIfTI image/],
    ['a truncated file', good.slice(0, 400), /truncated/],
    ['a truncated gzip', gzipSync(good).slice(0, 60), /gzip data is truncated or corrupt/],
    ['a 2D image', handHeader([2, 8, 8, 1, 1, 1, 1, 1], 16, 32), /2D image/],
    ['a 4D series', handHeader([4, 4, 4, 4, 3, 1, 1, 1], 16, 32), /4D series/],
    ['impossible dims', handHeader([3, -4, 4, 4, 1, 1, 1, 1], 16, 32), /impossible dimensions/],
    ['a complex datatype', handHeader([3, 2, 2, 2, 1, 1, 1, 1], 32, 64), /datatype 32/],
    ['zero voxel size', handHeader([3, 2, 2, 2, 1, 1, 1, 1], 16, 32, [1, 0, 1, 1]), /impossible voxel-to-world/],
  ];
  for (const [what, bytes, message] of cases)
    it(`refuses ${what}`, () => {
      expect(() => readNifti(bytes, 'scan.nii')).toThrow(InputError);
      expect(() => readNifti(bytes, 'scan.nii')).toThrow(message);
    });

  it('accepts a 4D file with one volume as 3D', () => {
    const vol = readNifti(handHeader([4, 2, 3, 4, 1, 1, 1, 1], 16, 32), 'x').volume;
    expect(vol.dims).toEqual([2, 3, 4]);
  });

  it('reports NaN and Inf voxels and sets them to 0', () => {
    const vol = ramp([3, 3, 3]);
    vol.data[0] = NaN;
    vol.data[5] = Infinity;
    vol.data[7] = -Infinity;
    const read = readNifti(writeNifti(vol), 'x');
    expect(read.warnings.join()).toMatch(/3 voxels were NaN or infinite/);
    expect([read.volume.data[0], read.volume.data[5], read.volume.data[7]]).toEqual([0, 0, 0]);
  });
});

describe('writeNiftiRgba', () => {
  it('writes datatype 2304 (RGBA32), 32 bits per voxel, the colour bytes as given, on the grid', () => {
    const grid = gridFromAffine([3, 2, 2], OBLIQUE);
    const rgba = Uint8Array.from({ length: 48 }, (_, i) => (i * 37) % 256);
    const bytes = writeNiftiRgba(grid, rgba, { gzip: false });
    // read by nifti-reader-js, not by our reader (which takes scalar types only)
    const buffer = bytes.slice().buffer as ArrayBuffer;
    const header = niftiReader.readHeader(buffer)!;
    expect([header.datatypeCode, header.numBitsPerVoxel]).toEqual([2304, 32]);
    expect(header.dims.slice(0, 4)).toEqual([3, 3, 2, 2]);
    expect(Array.from(new Uint8Array(niftiReader.readImage(header, buffer)))).toEqual(Array.from(rgba));
    // the grid's affine (float32 in the header)
    header.affine.flat().slice(0, 12).forEach((x: number, i: number) => expect(x).toBeCloseTo(grid.voxToMm[i], 4));
    expect(() => writeNiftiRgba(grid, new Uint8Array(20))).toThrow(/20 colour bytes/);
  });
});
