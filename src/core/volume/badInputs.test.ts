// Bad inputs beyond nifti.test.ts: memory budget, lying gzip size fields, degenerate transforms, damaged
// headers and extensions, oblique and anisotropic grids. Each checks the exact words the user reads.
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { maxFileBytes, readNifti, refuseOversizedFile, writeNifti } from './nifti';
import { InputError } from './inputError';
import { loadCase } from '../pipeline/loadCase';
import { voxelBudget } from './budget';
import { type Volume, gridFromAffine } from './volume';
import { Rng } from '../synth/random';

/** A NIfTI-1 header written field by field (independent of writeNifti), followed by `dataBytes` bytes. */
function header1(dims: number[], datatype: number, bitpix: number, dataBytes: number, voxOffset = 352): Uint8Array {
  const out = new Uint8Array(352 + dataBytes);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, true);
  [3, ...dims, 1, 1, 1, 1].forEach((d, i) => v.setInt16(40 + 2 * i, d, true));
  v.setInt16(70, datatype, true);
  v.setInt16(72, bitpix, true);
  [1, 1, 1, 1].forEach((p, i) => v.setFloat32(76 + 4 * i, p, true));
  v.setFloat32(108, voxOffset, true);
  out.set([0x6e, 0x2b, 0x31, 0], 344);
  return out;
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError, but the input was accepted');
}

describe('memory budget: refused from the header, before the voxels are allocated', () => {
  it('the budget scales with the memory the browser reports: 256^3 voxels on 4 GiB', () => {
    expect(voxelBudget(4)).toBe(256 ** 3);
    expect(voxelBudget(undefined)).toBe(256 ** 3);
    expect(voxelBudget(8)).toBe(2 * 256 ** 3);
    expect(voxelBudget(0.5)).toBe(256 ** 3 / 2); // 2 GiB at least
    expect(voxelBudget(64)).toBe(4 * 256 ** 3); // 16 GiB at most
  });

  it('a header that claims 2000^3 float32 voxels (32 GB) in a 1 kB file', () => {
    const bytes = header1([2000, 2000, 2000], 16, 32, 600);
    expect(refusal(() => readNifti(bytes, 'FLAIR (huge.nii)', { maxVoxels: voxelBudget(4) }))).toBe(
      "FLAIR (huge.nii) is too large: 2000 x 2000 x 2000 voxels (8000.0 million), and this computer's limit is 16.8 million " +
        'voxels per scan (set from its memory). Resample it to coarser voxels (e.g. 1 mm) or crop it to the head first.',
    );
    // without a budget the default cap (2^27 voxels) still applies
    expect(refusal(() => readNifti(bytes, 'x'))).toMatch(/too large: 2000 x 2000 x 2000 voxels .* limit is 134\.2 million/);
  });

  it('a real, gzipped image over the budget is refused without decompressing it all', () => {
    const rng = new Rng('budget');
    const bytes = header1([128, 128, 128], 2, 8, 128 ** 3); // uint8, 2.1 MB
    for (let i = 352; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
    const gz = gzipSync(bytes);
    expect(refusal(() => readNifti(gz, 'big.nii.gz', { maxVoxels: 100_000 }))).toMatch(
      /^big\.nii\.gz is too large: 128 x 128 x 128 voxels \(2\.1 million\), and this computer's limit is 0\.1 million voxels per scan/,
    );
    expect(readNifti(gz, 'big.nii.gz', { maxVoxels: 128 ** 3 }).volume.dims).toEqual([128, 128, 128]);
  });

  it('a small image followed by megabytes of other data in one gzip: damaged, not decompressed', () => {
    const rng = new Rng('junk');
    const bytes = header1([4, 4, 4], 2, 8, 2 ** 21);
    for (let i = 352; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
    expect(refusal(() => readNifti(gzipSync(bytes), 'x.nii.gz', { maxVoxels: 100_000 }))).toBe(
      'x.nii.gz: the gzip data is truncated or corrupt (the size it records, 2097504 bytes, is far more than the 4 x 4 x 4 voxels ' +
        'of its header need). Copy or export the file again and reopen it.',
    );
  });

  it('a file too big to read whole is judged from its first 64 kB (.nii and .nii.gz)', () => {
    const rng = new Rng('oversized');
    const bytes = header1([128, 128, 128], 2, 8, 128 ** 3);
    for (let i = 352; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
    const budget = 100_000;
    expect(bytes.length).toBeGreaterThan(maxFileBytes(budget));
    for (const file of [bytes, gzipSync(bytes)])
      expect(refusal(() => refuseOversizedFile(file.slice(0, 65536), file.length, 'FLAIR (big.nii)', budget))).toMatch(
        /^FLAIR \(big\.nii\) is too large: 128 x 128 x 128 voxels \(2\.1 million\)/,
      );
    // a small header at the front of a huge file: damaged, not too large
    const small = header1([4, 4, 4], 2, 8, 64);
    expect(refusal(() => refuseOversizedFile(small, 3 * 2 ** 30, 'x.nii', budget))).toBe(
      'x.nii is 3072 MB, far more than the 4 x 4 x 4 voxels of its header need: the file is damaged or not one scan.',
    );
  });

  it('loadCase names the scan that is too large', () => {
    const small = writeNifti(ramp([8, 8, 8], AXIAL));
    const big = writeNifti(ramp([40, 40, 40], AXIAL));
    expect(refusal(() => loadCase({ flair: { name: 'f.nii.gz', bytes: small }, mprage: { name: 't1.nii.gz', bytes: big } }, { maxVoxels: 10_000 }))).toMatch(
      /^MPRAGE \(t1\.nii\.gz\) is too large: 40 x 40 x 40 voxels \(0\.1 million\)/,
    );
  });
});

describe('damaged files', () => {
  const good = writeNifti(ramp([4, 4, 4], AXIAL), { gzip: false });

  it('a gzip whose size field claims 4 GB (fflate would allocate it)', () => {
    const gz = gzipSync(good);
    gz.set([0xff, 0xff, 0xff, 0xff], gz.length - 4);
    expect(refusal(() => readNifti(gz, 'scan.nii.gz'))).toBe(
      `scan.nii.gz: the gzip data is truncated or corrupt (its end is missing or damaged: the size it records, 4294967295 bytes, cannot come from ${gz.length} compressed bytes). ` +
        'Copy or export the file again and reopen it.',
    );
  });

  it('a header cut inside its last bytes', () => {
    expect(refusal(() => readNifti(good.slice(0, 350), 'scan.nii'))).toBe(
      'scan.nii is truncated: it ends at byte 350, inside its 352-byte NIfTI-1 header. Copy or export the file again.',
    );
  });

  it('a damaged header size field', () => {
    const bad = good.slice();
    new DataView(bad.buffer).setInt32(0, 0, true);
    expect(refusal(() => readNifti(bad, 'scan.nii'))).toBe(
      'scan.nii: the NIfTI header is damaged (its size field reads 0, not 348). Copy or export the file again.',
    );
  });

  it('a transform whose voxel axes do not span 3D (two equal sform columns)', () => {
    const bad = good.slice();
    const v = new DataView(bad.buffer);
    for (let r = 0; r < 3; r++) v.setFloat32(280 + 16 * r + 4, v.getFloat32(280 + 16 * r, true), true); // column 1 = column 0
    expect(refusal(() => readNifti(bad, 'scan.nii'))).toBe(
      'scan.nii has an impossible voxel-to-world transform (voxel sizes 1.00, 1.00, 1.00 mm, voxel axes that do not span 3D). ' +
        'Check the pixdim, qform and sform fields of the file.',
    );
  });

  it('an extension chain that points backwards is ignored (no hang): the image loads', () => {
    const withExt = new Uint8Array(good.length + 32);
    withExt.set(good.slice(0, 352));
    withExt.set(good.slice(352), 384);
    const v = new DataView(withExt.buffer);
    v.setFloat32(108, 384, true); // vox_offset after a 32-byte extension
    withExt[348] = 1;
    v.setInt32(352, -16, true); // esize -16: a reader that follows it walks backwards for ever
    expect(Array.from(readNifti(withExt, 'x').volume.data)).toEqual(Array.from(readNifti(good, 'x').volume.data));
  });

  it('a vox_offset that is not a number: the voxels are read right after the header', () => {
    const bad = good.slice();
    new DataView(bad.buffer).setFloat32(108, NaN, true);
    expect(Array.from(readNifti(bad, 'x').volume.data)).toEqual(Array.from(readNifti(good, 'x').volume.data));
  });
});

// ---------------------------------------------------------------- oblique and anisotropic grids

const AXIAL = [1, 0, 0, -10, 0, 1, 0, -10, 0, 0, 1, -10, 0, 0, 0, 1];
const t = 0.35; // rotation about the x and z axes
/** Oblique (rotated about two axes), anisotropic 0.5 x 0.5 x 3 mm voxels. */
const OBLIQUE_ANISO = (() => {
  const [cx, sx, cz, sz] = [Math.cos(t), Math.sin(t), Math.cos(0.2), Math.sin(0.2)];
  const rz = [
    [cz, -sz, 0],
    [sz, cz, 0],
    [0, 0, 1],
  ];
  const rx = [
    [1, 0, 0],
    [0, cx, -sx],
    [0, sx, cx],
  ];
  const r = rz.map((row) => [0, 1, 2].map((c) => row[0] * rx[0][c] + row[1] * rx[1][c] + row[2] * rx[2][c]));
  const sp = [0.5, 0.5, 3];
  const m = [0, 1, 2].flatMap((row) => [...[0, 1, 2].map((c) => r[row][c] * sp[c]), [12.5, -30, 8][row]]);
  return [...m, 0, 0, 0, 1];
})();

function ramp(dims: [number, number, number], voxToMm: number[]): Volume {
  const data = new Float32Array(dims[0] * dims[1] * dims[2]).map((_, i) => 1 + (i % 31));
  return { ...gridFromAffine(dims, voxToMm), data };
}

describe('oblique affines and anisotropic voxels', () => {
  it('an oblique 0.5 x 0.5 x 3 mm FLAIR + MPRAGE on the same grid open as they are, with no resampling', () => {
    const vol = ramp([40, 36, 12], OBLIQUE_ANISO);
    const c = loadCase({ flair: { name: 'f.nii.gz', bytes: writeNifti(vol) }, mprage: { name: 'm.nii.gz', bytes: writeNifti(vol, { version: 2 }) } });
    expect(c.notices).toEqual([]);
    expect(c.flair.dims).toEqual([40, 36, 12]);
    c.flair.spacingMm.forEach((s, a) => expect(s).toBeCloseTo([0.5, 0.5, 3][a], 5));
    c.flair.voxToMm.forEach((m, i) => expect(m).toBeCloseTo(OBLIQUE_ANISO[i], 4));
    expect(Array.from(c.mprage.data)).toEqual(Array.from(vol.data));
  });

  it('an MPRAGE on an axial 1 mm grid is resampled onto the oblique anisotropic FLAIR grid, and the user is told', () => {
    const flair = ramp([40, 36, 12], OBLIQUE_ANISO);
    const mprage = ramp([30, 30, 30], AXIAL);
    const c = loadCase({ flair: { name: 'f.nii.gz', bytes: writeNifti(flair) }, mprage: { name: 'm.nii.gz', bytes: writeNifti(mprage) } });
    expect(c.notices).toEqual([
      'MPRAGE was resampled (trilinear) from 30 x 30 x 30 voxels of 1 x 1 x 1 mm onto the FLAIR grid of 40 x 36 x 12 voxels of 0.5 x 0.5 x 3 mm.',
    ]);
  });
});

describe('images and masks that hold no usable data', () => {
  const grid1 = (dims: [number, number, number], spacing: number, f: (i: number) => number): Volume => ({
    ...gridFromAffine(dims, [spacing, 0, 0, 0, 0, spacing, 0, 0, 0, 0, spacing, 0, 0, 0, 0, 1]),
    data: new Float32Array(dims[0] * dims[1] * dims[2]).map((_, i) => f(i)),
  });
  const file = (name: string, v: Volume) => ({ name, bytes: writeNifti(v) });
  const flair = file('f.nii.gz', grid1([8, 8, 8], 1, (i) => 1 + (i % 7)));

  it('a constant image', () => {
    expect(refusal(() => loadCase({ flair, mprage: file('m.nii.gz', grid1([8, 8, 8], 1, () => 5)) }))).toBe(
      'MPRAGE (m.nii.gz) has the same value (5) in every voxel: it holds no image. Check the file.',
    );
  });

  it('a "mask" with more than 256 values', () => {
    expect(refusal(() => loadCase({ flair, mprage: flair, mask: file('gt.nii.gz', grid1([8, 8, 8], 1, (i) => i)) }))).toBe(
      'Ground-truth mask (gt.nii.gz) has more than 256 distinct values: it looks like an image, not a lesion mask.',
    );
  });

  it('an empty mask, on another grid: opened, resampled, and both are said', () => {
    const c = loadCase({ flair, mprage: flair, mask: file('gt.nii.gz', grid1([4, 4, 4], 2, () => 0)) });
    expect(c.notices).toEqual([
      'Ground-truth mask (gt.nii.gz) is empty: it marks no lesion.',
      'The ground-truth mask was resampled (nearest neighbour) from 4 x 4 x 4 voxels of 2 x 2 x 2 mm onto the FLAIR grid of 8 x 8 x 8 voxels of 1 x 1 x 1 mm.',
    ]);
    expect(c.mask!.dims).toEqual([8, 8, 8]);
  });
});
