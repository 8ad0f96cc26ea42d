// 4x4 affine matrices as 16 numbers, row-major: m[4*row + col]. Points are column vectors [x, y, z, 1].

export type Mat4 = readonly number[];

export function identity4(): number[] {
  return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}

export function multiply4(a: Mat4, b: Mat4): number[] {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[4 * r + k] * b[4 * k + c];
      out[4 * r + c] = s;
    }
  return out;
}

/** Inverse by Gauss-Jordan elimination with partial pivoting; throws on a singular matrix. */
export function invert4(m: Mat4): number[] {
  const a = Array.from(m);
  const inv = identity4();
  for (let col = 0; col < 4; col++) {
    let pivot = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(a[4 * r + col]) > Math.abs(a[4 * pivot + col])) pivot = r;
    if (Math.abs(a[4 * pivot + col]) < 1e-12) throw new Error('affine is singular (not invertible)');
    if (pivot !== col)
      for (let c = 0; c < 4; c++) {
        [a[4 * col + c], a[4 * pivot + c]] = [a[4 * pivot + c], a[4 * col + c]];
        [inv[4 * col + c], inv[4 * pivot + c]] = [inv[4 * pivot + c], inv[4 * col + c]];
      }
    const p = a[4 * col + col];
    for (let c = 0; c < 4; c++) {
      a[4 * col + c] /= p;
      inv[4 * col + c] /= p;
    }
    for (let r = 0; r < 4; r++) {
      if (r === col) continue;
      const f = a[4 * r + col];
      if (f === 0) continue;
      for (let c = 0; c < 4; c++) {
        a[4 * r + c] -= f * a[4 * col + c];
        inv[4 * r + c] -= f * inv[4 * col + c];
      }
    }
  }
  return inv;
}

export function applyAffine(m: Mat4, p: readonly [number, number, number]): [number, number, number] {
  const [x, y, z] = p;
  return [
    m[0] * x + m[1] * y + m[2] * z + m[3],
    m[4] * x + m[5] * y + m[6] * z + m[7],
    m[8] * x + m[9] * y + m[10] * z + m[11],
  ];
}

/** Column lengths of the 3x3 part: the voxel size in mm along each voxel axis. */
export function columnNorms(m: Mat4): [number, number, number] {
  const n = (c: number) => Math.hypot(m[c], m[4 + c], m[8 + c]);
  return [n(0), n(1), n(2)];
}

/** True when two affines agree to within tolMm on every entry (translations in mm). */
export function affinesClose(a: Mat4, b: Mat4, tolMm = 1e-3): boolean {
  for (let i = 0; i < 16; i++) if (Math.abs(a[i] - b[i]) > tolMm) return false;
  return true;
}
