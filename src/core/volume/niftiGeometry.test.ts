import { describe, expect, it } from 'vitest';
import { readNifti, writeNifti } from './nifti';
import type { Volume } from './volume';

// Header geometry by the NIfTI rules (nibabel's reading), each case on a file written by our writer with
// the fields then set by hand. Each of these failed with nifti-reader-js's header.affine (issue 17, D1-D4).
const dims: [number, number, number] = [4, 5, 6];
const base = (voxToMm: number[]): Volume => ({ dims, spacingMm: [1, 1, 1], voxToMm, data: Float32Array.from({ length: 120 }, (_, i) => i + 1) });
const plain = (v: Volume, version: 1 | 2 = 1) => writeNifti(v, { gzip: false, version });
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const close = (a: readonly number[], b: readonly number[], tol = 1e-4) => a.every((x, i) => Math.abs(x - b[i]) <= tol);

describe('NIfTI geometry from the raw header fields', () => {
  const A = [2, 0, 0, -10, 0, 2, 0, -20, 0, 0, 3, -30, 0, 0, 0, 1];

  it('D1: the sform is used whenever sform_code > 0, even below qform_code', () => {
    const bytes = plain(base(A));
    const v = view(bytes);
    v.setInt16(252, 2, true); // qform_code 2 (aligned), its offset moved 26.7 mm
    v.setInt16(254, 1, true); // sform_code 1 (scanner)
    v.setFloat32(268, -10 + 26.7, true);
    const r = readNifti(bytes, 'd1.nii').volume;
    expect(close(r.voxToMm, A)).toBe(true);
  });

  it('D2: a qform quaternion whose float32 b^2 + c^2 + d^2 exceeds 1 is a 180 degree turn, not NaN', () => {
    const [b, c] = [Math.fround(0.6), Math.fround(0.8)];
    expect(b * b + c * c).toBeGreaterThan(1); // what makes sqrt(1 - ...) NaN without the clamp
    const bytes = plain(base(A));
    const v = view(bytes);
    v.setInt16(254, 0, true); // qform only
    v.setFloat32(256, b, true);
    v.setFloat32(260, c, true);
    v.setFloat32(264, 0, true);
    v.setFloat32(76, 1, true); // qfac +1
    // a = 0, (b, c, d) = (0.6, 0.8, 0): R = [[b2-c2, 2bc, 0], [2bc, c2-b2, 0], [0, 0, -1]], columns x pixdim
    const expected = [-0.28 * 2, 0.96 * 2, 0, -10, 0.96 * 2, 0.28 * 2, 0, -20, 0, 0, -3, -30, 0, 0, 0, 1];
    const r = readNifti(bytes, 'd2.nii').volume;
    expect(close(r.voxToMm, expected, 1e-5)).toBe(true);
    expect(r.spacingMm.map((s) => +s.toFixed(4))).toEqual([2, 2, 3]);
  });

  it('D3: NIfTI-2 honours the form codes: a qform-only file opens, stale srow values are ignored', () => {
    const bytes = plain(base(A), 2);
    const v = view(bytes);
    v.setInt32(348, 0, true); // sform_code 0
    for (let i = 0; i < 12; i++) v.setFloat64(400 + 8 * i, 99, true); // stale srow rows
    const r = readNifti(bytes, 'd3.nii').volume;
    expect(close(r.voxToMm, A)).toBe(true);
  });

  it('D4: a .hdr/.img pair opens with both files, and a lone .hdr is told what is missing', () => {
    const nii = plain(base(A));
    const hdr = nii.slice(0, 348);
    hdr.set([0x6e, 0x69, 0x31, 0], 344); // magic "ni1"
    view(hdr).setFloat32(108, 0, true); // vox_offset 0 in the .img
    const img = nii.slice(352);
    const r = readNifti(hdr, 'scan.hdr', { imageBytes: img }).volume;
    expect(Array.from(r.data)).toEqual(Array.from(base(A).data));
    expect(close(r.voxToMm, A)).toBe(true);
    expect(() => readNifti(hdr, 'scan.hdr')).toThrow(/header of a NIfTI-1 pair \(\.hdr\/\.img\).*Open both files together/);
  });

  it('both form codes 0: the Analyze convention (x flipped, centred), as nibabel, with a notice', () => {
    const bytes = plain(base(A));
    const v = view(bytes);
    v.setInt16(252, 0, true);
    v.setInt16(254, 0, true);
    const r = readNifti(bytes, 'old.nii');
    // pixdim 2, 2, 3; centre voxel ((n - 1) / 2) at the origin
    expect(close(r.volume.voxToMm, [-2, 0, 0, 3, 0, 2, 0, -4, 0, 0, 3, -7.5, 0, 0, 0, 1])).toBe(true);
    expect(r.warnings.join(' ')).toMatch(/no orientation in its header.*Check left and right/);
  });

  it('voxel sizes in micrometres or metres are converted to mm', () => {
    const um = [2000, 0, 0, -10000, 0, 2000, 0, -20000, 0, 0, 3000, -30000, 0, 0, 0, 1];
    const bytes = plain(base(A));
    const v = view(bytes);
    for (let i = 0; i < 12; i++) v.setFloat32(280 + 4 * i, um[i], true);
    bytes[123] = 3 + 8; // micrometres, seconds
    const r = readNifti(bytes, 'um.nii');
    expect(close(r.volume.voxToMm, A, 1e-3)).toBe(true);
    expect(r.warnings.join(' ')).toMatch(/micrometres; they were converted to mm/);
    bytes[123] = 1; // metres
    for (let i = 0; i < 12; i++) v.setFloat32(280 + 4 * i, um[i] / 1e6, true);
    expect(close(readNifti(bytes, 'm.nii').volume.voxToMm, A, 1e-3)).toBe(true);
  });

  it('the writer sets qform_code 0 for a sheared affine (a quaternion cannot hold the shear)', () => {
    const sheared = [1, 0.3, 0, -10, 0, 1, 0, -20, 0, 0, 1, -30, 0, 0, 0, 1];
    const bytes = plain(base(sheared));
    expect(view(bytes).getInt16(252, true)).toBe(0);
    expect(view(bytes).getInt16(254, true)).toBe(2);
    expect(close(readNifti(bytes, 's.nii').volume.voxToMm, sheared)).toBe(true);
    // and keeps code 2 where the qform is exact
    expect(view(plain(base(A))).getInt16(252, true)).toBe(2);
  });
});
