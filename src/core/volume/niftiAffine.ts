// The voxel-to-world affine of a NIfTI header, computed here from the raw header fields by the rules of
// nifti1.h as nibabel, FSL, SPM and FreeSurfer apply them (not from nifti-reader-js's header.affine, which
// prefers the qform when sform_code < qform_code, leaves the quaternion's `a` unclamped and ignores the
// form codes of NIfTI-2 files):
//   sform_code > 0            -> the srow_x/y/z rows
//   else qform_code > 0       -> quaternion (b, c, d; a = sqrt(max(0, 1 - b^2 - c^2 - d^2))), qfac, pixdim, qoffset
//   else (both 0, Analyze)    -> pixdim only, x flipped (radiological), centred: what nibabel and FSL show
// then scaled to mm by xyzt_units (metres and micrometres are converted; unknown is taken as mm).

export interface NiftiGeometry {
  version: 1 | 2;
  dims: [number, number, number];
  pixdim: number[];
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z, 4 numbers each */
  srow: number[];
  /** xyzt_units & 7: 1 metre, 2 mm, 3 micrometre, 0 unknown */
  spaceUnits: number;
}

/** Reads the geometry fields of a NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header. */
export function readGeometry(raw: Uint8Array, version: 1 | 2, littleEndian: boolean): NiftiGeometry {
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const le = littleEndian;
  if (version === 1) {
    const f32 = (at: number) => v.getFloat32(at, le);
    return {
      version,
      dims: [1, 2, 3].map((i) => v.getInt16(40 + 2 * i, le)) as [number, number, number],
      pixdim: Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i)),
      qformCode: v.getInt16(252, le),
      sformCode: v.getInt16(254, le),
      quatern: [f32(256), f32(260), f32(264)],
      qoffset: [f32(268), f32(272), f32(276)],
      srow: Array.from({ length: 12 }, (_, i) => f32(280 + 4 * i)),
      spaceUnits: raw[123] & 7,
    };
  }
  const f64 = (at: number) => v.getFloat64(at, le);
  return {
    version,
    dims: [1, 2, 3].map((i) => Number(v.getBigInt64(16 + 8 * i, le))) as [number, number, number],
    pixdim: Array.from({ length: 8 }, (_, i) => f64(104 + 8 * i)),
    qformCode: v.getInt32(344, le),
    sformCode: v.getInt32(348, le),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: Array.from({ length: 12 }, (_, i) => f64(400 + 8 * i)),
    spaceUnits: v.getInt32(500, le) & 7,
  };
}

export type AffineSource = 'sform' | 'qform' | 'pixdim';

/** The qform affine: rotation of the unit quaternion (a, b, c, d), qfac on the third axis, pixdim, qoffset. */
export function qformAffine(g: Pick<NiftiGeometry, 'quatern' | 'qoffset' | 'pixdim'>): number[] {
  let [b, c, d] = g.quatern;
  const bcd = b * b + c * c + d * d;
  // float32 rounding can push b^2 + c^2 + d^2 just past 1 (then a = 0, a 180 degree turn); renormalise
  let a = 0;
  if (bcd > 1) {
    const s = 1 / Math.sqrt(bcd);
    [b, c, d] = [b * s, c * s, d * s];
  } else a = Math.sqrt(1 - bcd);
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - b * b - c * c],
  ];
  const qfac = g.pixdim[0] < 0 ? -1 : 1; // 0 (a writer's omission) counts as 1, as nifti1.h says
  const s = [Math.abs(g.pixdim[1]), Math.abs(g.pixdim[2]), Math.abs(g.pixdim[3]) * qfac];
  const m = [0, 0, 0, g.qoffset[0], 0, 0, 0, g.qoffset[1], 0, 0, 0, g.qoffset[2], 0, 0, 0, 1];
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) m[4 * row + col] = r[row][col] * s[col];
  return m;
}

const UNIT_TO_MM: Record<number, number> = { 0: 1, 1: 1000, 2: 1, 3: 0.001 };

/** The affine by the rules above, which field it came from, and what the user should be told. */
export function niftiAffine(g: NiftiGeometry, fileName: string): { voxToMm: number[]; source: AffineSource; warnings: string[] } {
  const warnings: string[] = [];
  let m: number[];
  let source: AffineSource;
  if (g.sformCode > 0) {
    m = [...g.srow, 0, 0, 0, 1];
    source = 'sform';
  } else if (g.qformCode > 0) {
    m = qformAffine(g);
    source = 'qform';
  } else {
    const [px, py, pz] = [1, 2, 3].map((i) => Math.abs(g.pixdim[i]));
    const [nx, ny, nz] = g.dims;
    m = [-px, 0, 0, ((nx - 1) / 2) * px, 0, py, 0, -((ny - 1) / 2) * py, 0, 0, pz, -((nz - 1) / 2) * pz, 0, 0, 0, 1];
    source = 'pixdim';
    warnings.push(
      `${fileName} has no orientation in its header (qform_code and sform_code are both 0): it is shown in the ` +
        'Analyze convention (left and right as radiological), as FSL and nibabel show it. Check left and right before reading it.',
    );
  }
  const unit = UNIT_TO_MM[g.spaceUnits] ?? 1;
  if (unit !== 1) {
    for (let i = 0; i < 12; i++) m[i] *= unit;
    warnings.push(`${fileName} gives its voxel sizes in ${g.spaceUnits === 1 ? 'metres' : 'micrometres'}; they were converted to mm.`);
  }
  return { voxToMm: m, source, warnings };
}
