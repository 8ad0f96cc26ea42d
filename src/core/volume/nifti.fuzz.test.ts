// Fuzz test of the NIfTI reader: thousands of seeded random mutations of small valid files. Every input
// must either load as a sane volume or be refused with an InputError (a message for the user); any other
// exception is a bug. Count-limited, so it always ends; the same seed always tries the same inputs.
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { readNifti, writeNifti } from './nifti';
import { InputError } from './inputError';
import { type Volume, gridFromAffine } from './volume';
import { invert4 } from './affine';
import { Rng } from '../synth/random';

const INPUTS = 6000;

function volume(dims: [number, number, number], voxToMm: number[]): Volume {
  const data = new Float32Array(dims[0] * dims[1] * dims[2]).map((_, i) => ((i * 37) % 101) - 20);
  return { ...gridFromAffine(dims, voxToMm), data };
}

const c = Math.cos(0.4);
const s = Math.sin(0.4);
const OBLIQUE = [0.5 * c, -0.5 * s, 0, 10, 0.5 * s, 0.5 * c, 0, -20, 0, 0, 3, 30, 0, 0, 0, 1];
const AXIAL = [-1, 0, 0, 5, 0, 1, 0, -5, 0, 0, 1, 0, 0, 0, 0, 1];

/** Valid, small files in every form the reader takes: NIfTI-1 and -2, several datatypes, raw and gzip. */
const SEEDS: { name: string; bytes: Uint8Array }[] = [
  { name: 'n1 float32', bytes: writeNifti(volume([4, 3, 5], OBLIQUE), { version: 1, gzip: false }) },
  { name: 'n1 int16', bytes: writeNifti(volume([6, 5, 4], AXIAL), { version: 1, gzip: false, datatype: 'int16' }) },
  { name: 'n2 uint8', bytes: writeNifti(volume([3, 4, 3], AXIAL), { version: 2, gzip: false, datatype: 'uint8' }) },
  { name: 'n2 float32', bytes: writeNifti(volume([5, 4, 3], OBLIQUE), { version: 2, gzip: false }) },
  { name: 'n1 uint16', bytes: writeNifti(volume([2, 7, 3], OBLIQUE), { version: 1, gzip: false, datatype: 'uint16' }) },
];

// Header fields worth hitting with extreme values: [offset, type] for NIfTI-1 and NIfTI-2.
type Field = [number, 'i16' | 'i32' | 'i64' | 'f32' | 'f64'];
const N1_FIELDS: Field[] = [
  [0, 'i32'], ...[0, 1, 2, 3, 4, 5, 6, 7].map((i): Field => [40 + 2 * i, 'i16']), [70, 'i16'], [72, 'i16'],
  ...[0, 1, 2, 3, 4].map((i): Field => [76 + 4 * i, 'f32']), [108, 'f32'], [112, 'f32'], [116, 'f32'], [252, 'i16'], [254, 'i16'],
  ...[0, 1, 2, 3, 4, 5].map((i): Field => [256 + 4 * i, 'f32']), ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i): Field => [280 + 4 * i, 'f32']),
  [348, 'i32'], [352, 'i32'], [356, 'i32'],
];
const N2_FIELDS: Field[] = [
  [0, 'i32'], [12, 'i16'], [14, 'i16'], ...[0, 1, 2, 3, 4, 5, 6, 7].map((i): Field => [16 + 8 * i, 'i64']),
  ...[0, 1, 2, 3, 4].map((i): Field => [104 + 8 * i, 'f64']), [168, 'i64'], [176, 'f64'], [184, 'f64'], [344, 'i32'], [348, 'i32'],
  ...[0, 1, 2, 3, 4, 5].map((i): Field => [352 + 8 * i, 'f64']), ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i): Field => [400 + 8 * i, 'f64']),
  [540, 'i32'], [544, 'i32'],
];
const EXTREMES = [0, -1, 1, 2, 3, 7, 8, 16, 32, 255, 256, 352, 544, 1e6, -32768, 32767, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, 1e30, -1e30, 1e-30, NaN, Infinity, -Infinity];

function setField(bytes: Uint8Array, [at, type]: Field, value: number, little: boolean): void {
  if (at + 8 > bytes.length) return;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const int = (lo: number, hi: number) => (Number.isFinite(value) ? Math.max(lo, Math.min(hi, Math.trunc(value))) : 0);
  if (type === 'i16') v.setInt16(at, int(-32768, 32767), little);
  else if (type === 'i32') v.setInt32(at, int(-(2 ** 31), 2 ** 31 - 1), little);
  else if (type === 'i64') v.setBigInt64(at, BigInt(int(-(2 ** 62), 2 ** 62)), little);
  else if (type === 'f32') v.setFloat32(at, value, little);
  else v.setFloat64(at, value, little);
}

/** One random input: a seed file with 1 to 3 mutations, then sometimes gzip, sometimes mutated after gzip. */
function mutate(rng: Rng): { bytes: Uint8Array; how: string[] } {
  const seed = rng.pick(SEEDS);
  let bytes: Uint8Array = seed.bytes.slice();
  const how = [seed.name];
  const isN2 = seed.name.startsWith('n2');
  const mutations = rng.int(1, 3);
  for (let m = 0; m < mutations; m++) {
    const kind = rng.int(0, 6);
    if (kind === 0) {
      const flips = rng.int(1, 8);
      for (let f = 0; f < flips; f++) bytes[rng.int(0, bytes.length - 1)] ^= 1 << rng.int(0, 7);
      how.push(`flip ${flips} bits`);
    } else if (kind === 1) {
      const field = rng.pick(isN2 ? N2_FIELDS : N1_FIELDS);
      const value = rng.pick(EXTREMES);
      setField(bytes, field, value, rng.next() < 0.8);
      how.push(`field @${field[0]} = ${value}`);
    } else if (kind === 2) {
      const length = rng.int(0, bytes.length);
      bytes = bytes.slice(0, length);
      how.push(`truncate to ${length}`);
    } else if (kind === 3) {
      const at = rng.int(0, bytes.length);
      const junk = Uint8Array.from({ length: rng.int(1, 64) }, () => rng.int(0, 255));
      bytes = Uint8Array.from([...bytes.slice(0, at), ...junk, ...bytes.slice(at)]);
      how.push(`insert ${junk.length} random bytes at ${at}`);
    } else if (kind === 4) {
      const at = rng.int(0, Math.max(0, bytes.length - 1));
      bytes.fill(rng.pick([0, 0xff, 0x80]), at, at + rng.int(1, 128));
      how.push(`fill a run from ${at}`);
    } else if (kind === 5) {
      // the extension flag set, with a random (often impossible) extension size after it
      const flag = isN2 ? 540 : 348;
      if (bytes.length > flag + 12) {
        bytes[flag] = 1;
        new DataView(bytes.buffer, bytes.byteOffset).setInt32(flag + 4, rng.pick([-16, 0, 8, 16, 32, 1 << 30, -(1 << 30)]), true);
      }
      how.push('extension flag with a bad size');
    } else {
      bytes = Uint8Array.from({ length: rng.int(0, 700) }, () => rng.int(0, 255));
      if (rng.next() < 0.5 && bytes.length > 2) bytes.set([0x1f, 0x8b, 8], 0);
      how.push('random bytes');
    }
  }
  if (rng.next() < 0.3) {
    bytes = gzipSync(bytes);
    how.push('gzip');
    if (rng.next() < 0.5) {
      const at = rng.int(0, bytes.length - 1);
      bytes[at] ^= 1 << rng.int(0, 7);
      how.push(`flip a bit of the gzip at ${at} of ${bytes.length}`);
    }
  }
  return { bytes, how };
}

describe('NIfTI reader fuzz', () => {
  it(`${INPUTS} mutated files: each loads as a sane volume or is refused with an InputError`, () => {
    for (const seed of SEEDS) expect(() => readNifti(seed.bytes, seed.name)).not.toThrow();
    const rng = new Rng('nifti-fuzz');
    const outcomes = { loaded: 0, refused: 0 };
    const messages = new Map<string, number>();
    for (let n = 0; n < INPUTS; n++) {
      const { bytes, how } = mutate(rng);
      let read;
      try {
        read = readNifti(bytes, 'scan.nii', { maxVoxels: 1e6 });
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`input ${n} (${how.join(', ')}) threw ${(e as Error).name}: ${(e as Error).message}`);
        outcomes.refused++;
        const kind = e.message.replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, '#').slice(0, 60);
        messages.set(kind, (messages.get(kind) ?? 0) + 1);
        continue;
      }
      outcomes.loaded++;
      const v = read.volume;
      const where = `input ${n} (${how.join(', ')})`;
      expect(v.data.length, where).toBe(v.dims[0] * v.dims[1] * v.dims[2]);
      expect(v.dims.every((d) => Number.isInteger(d) && d >= 1), where).toBe(true);
      expect(v.data.every(Number.isFinite), where).toBe(true);
      expect(v.spacingMm.every((sp) => sp > 0 && Number.isFinite(sp)), where).toBe(true);
      expect(() => invert4(v.voxToMm), where).not.toThrow();
    }
    console.log(`NIfTI fuzz: ${INPUTS} inputs tried, ${outcomes.loaded} loaded, ${outcomes.refused} refused with an InputError`);
    console.log([...messages].sort((a, b) => b[1] - a[1]).map(([m, k]) => `  ${k} x ${m}`).join('\n'));
    expect(outcomes.loaded + outcomes.refused).toBe(INPUTS);
    // both outcomes must occur, or the mutator is not exercising the reader
    expect(outcomes.loaded).toBeGreaterThan(INPUTS / 20);
    expect(outcomes.refused).toBeGreaterThan(INPUTS / 4);
  }, 120_000);
});
