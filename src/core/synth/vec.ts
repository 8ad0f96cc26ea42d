// Tiny 3-vector and 3x3 helpers (row-major 3x3) for the deformation and the lesion shapes.
export type Vec3 = [number, number, number];

export function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function normalise(a: readonly number[]): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / n, a[1] / n, a[2] / n];
}

export function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Two unit vectors that complete `axis` (a unit vector) to a right-handed orthonormal frame. */
export function frameAround(axis: Vec3, twistRad: number): [Vec3, Vec3, Vec3] {
  const helper: Vec3 = Math.abs(axis[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const u = normalise(cross(axis, helper));
  const w = cross(axis, u);
  const c = Math.cos(twistRad);
  const s = Math.sin(twistRad);
  const u2: Vec3 = [c * u[0] + s * w[0], c * u[1] + s * w[1], c * u[2] + s * w[2]];
  return [axis, u2, cross(axis, u2)];
}

export function multiply3(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[3 * r + c] += a[3 * r + k] * b[3 * k + c];
  return out;
}

/** Rotation by angleRad about the unit vector axis (Rodrigues). */
export function rotation3(axis: Vec3, angleRad: number): number[] {
  const [x, y, z] = axis;
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  const t = 1 - c;
  return [t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c, t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c];
}
