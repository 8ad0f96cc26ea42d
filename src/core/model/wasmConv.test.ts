import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fusedConv, fusedConvTranspose } from './cpuFused.ts';
import { setFastCpuKernels } from './cpuKernels.ts';
import { initWasmKernels, setWasmKernels, wasmKernels } from './wasmConv.ts';

// The WebAssembly convolutions (one thread and two) against tfjs-cpu's own kernels, an independent
// implementation, on the same inputs; sums run in another order, so agreement is to float32 rounding.
const seeded = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 0.5);
const tensor = (shape: number[], seed: number) => tf.tensor(seeded(shape.reduce((a, b) => a * b, 1), seed), shape);
type Mode = 'tfjs' | 'wasm-1' | 'wasm-2';
const run = (mode: Mode, f: () => tf.Tensor) => {
  setFastCpuKernels(mode !== 'tfjs');
  setWasmKernels(mode !== 'tfjs', mode === 'wasm-2');
  const t = f();
  return { shape: t.shape, values: t.dataSync() as Float32Array };
};

/** dy that is zero outside a small box: the sparse gradients the row mask skips */
const sparse = (shape: number[], seed: number) => {
  const v = seeded(shape.reduce((a, b) => a * b, 1), seed);
  const [, d, h, w, c] = shape;
  for (let i = 0; i < v.length; i++) {
    const x = Math.floor(i / c) % w, y = Math.floor(i / (c * w)) % h, z = Math.floor(i / (c * w * h)) % d;
    if (z < 2 || z > 3 || y < 1 || y > 2 || x > 4) v[i] = 0;
  }
  return tf.tensor(v, shape);
};

/** ours (one thread, then two) against tfjs's kernels, to float32 rounding of the largest value */
function expectTfjsAgreement(ours: () => tf.Tensor, theirs: () => tf.Tensor = ours) {
  const want = run('tfjs', theirs);
  const scale = Math.max(...want.values.map(Math.abs));
  expect(scale).toBeGreaterThan(0.1);
  for (const mode of ['wasm-1', 'wasm-2'] as const) {
    const got = run(mode, ours);
    expect(got.shape).toEqual(want.shape);
    let worst = 0;
    for (let i = 0; i < got.values.length; i++) worst = Math.max(worst, Math.abs(got.values[i] - want.values[i]));
    expect(worst / scale, mode).toBeLessThan(1e-5);
  }
}

describe('wasm conv3d', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const info = await initWasmKernels(2);
    expect(info.threads).toBe(2); // Node always has SharedArrayBuffer and worker_threads
  });
  afterAll(() => { setWasmKernels(true); setFastCpuKernels(true); });
  const x = tensor([2, 7, 6, 9, 3], 1);
  const wide = tensor([1, 6, 7, 10, 16], 2);
  const grad = (input: tf.Tensor, f: (a: tf.Tensor5D) => tf.Tensor, dy: tf.Tensor) => () => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor5D), dy)))(input);
  const cases: [string, () => tf.Tensor][] = [
    ['3x3x3 same, 3 -> 5 channels (a block of 4 and one left)', () => tf.conv3d(x as tf.Tensor5D, tensor([3, 3, 3, 3, 5], 2) as tf.Tensor5D, 1, 'same')],
    ['3x3x3 stride 2 same, odd sizes', () => tf.conv3d(x as tf.Tensor5D, tensor([3, 3, 3, 3, 8], 3) as tf.Tensor5D, 2, 'same')],
    ['2x3x2 valid, dilation 2', () => tf.conv3d(x as tf.Tensor5D, tensor([2, 3, 2, 3, 4], 4) as tf.Tensor5D, 1, 'valid', 'NDHWC', 2)],
    ['1x1x1, 3 -> 7', () => tf.conv3d(x as tf.Tensor5D, tensor([1, 1, 1, 3, 7], 5) as tf.Tensor5D, 1, 'valid')],
    ['16 -> 24 channels, padding 1 as a number (8-channel blocks, width 10 = 4 + 4 + 2)', () => tf.conv3d(wide as tf.Tensor5D, tensor([3, 3, 3, 16, 24], 6) as tf.Tensor5D, 1, 1 as unknown as 'valid')],
    ['16 -> 1 channel head', () => tf.conv3d(wide as tf.Tensor5D, tensor([1, 1, 1, 16, 1], 7) as tf.Tensor5D, 1, 'valid')],
    ['input gradient, stride 1', grad(x, (a) => tf.conv3d(a, tensor([3, 3, 3, 3, 6], 8) as tf.Tensor5D, 1, 'same'), tensor([2, 7, 6, 9, 6], 9))],
    ['input gradient, stride 2', grad(x, (a) => tf.conv3d(a, tensor([3, 3, 3, 3, 4], 10) as tf.Tensor5D, 2, 'same'), tensor([2, 4, 3, 5, 4], 11))],
    ['input gradient of a zero-outside-a-box dy (row mask)', grad(wide, (a) => tf.conv3d(a, tensor([3, 3, 3, 16, 8], 12) as tf.Tensor5D, 1, 'same'), sparse([1, 6, 7, 10, 8], 13))],
    ['transposed conv, kernel 2 stride 2', () => tf.conv3dTranspose(tensor([1, 3, 4, 5, 6], 14) as tf.Tensor5D, tensor([2, 2, 2, 4, 6], 15) as tf.Tensor5D, [1, 6, 8, 10, 4], 2, 'valid')],
    ['transposed conv, kernel 3 stride 2, padding 1, output padding 1 (the U-Net\'s)', () => tf.conv3dTranspose(tensor([2, 3, 4, 5, 12], 16) as tf.Tensor5D, tensor([3, 3, 3, 8, 12], 17) as tf.Tensor5D, [2, 6, 8, 10, 8], 2, 1 as unknown as 'valid')],
  ];
  for (const [name, f] of cases) it(name, () => expectTfjsAgreement(f));

  // channels first in and out, with a bias: against tfjs's kernels on the transposed tensors
  const cf = (t: tf.Tensor) => tf.transpose(t, [0, 4, 1, 2, 3]);
  const cl = (t: tf.Tensor) => tf.transpose(t, [0, 2, 3, 4, 1]);
  const xCf = cf(tensor([2, 5, 6, 9, 12], 20));
  const bias = tensor([8], 21);
  const layoutCases: [string, () => tf.Tensor, () => tf.Tensor][] = [
    ['channels-first conv, stride 2, padding 1, bias, batch 2',
      () => fusedConv(xCf, tensor([3, 3, 3, 12, 8], 22), bias, [2, 2, 2], 1),
      () => cf(tf.add(tf.conv3d(cl(xCf) as tf.Tensor5D, tensor([3, 3, 3, 12, 8], 22) as tf.Tensor5D, 2, 1 as unknown as 'valid'), bias))],
    ['channels-first transposed conv, stride 2, padding 1, output padding 1, bias',
      () => fusedConvTranspose(xCf, tensor([3, 3, 3, 8, 12], 23), bias, [2, 2, 2], 1, [1, 1, 1]),
      () => cf(tf.add(tf.conv3dTranspose(cl(xCf) as tf.Tensor5D, tensor([3, 3, 3, 8, 12], 23) as tf.Tensor5D, [2, 10, 12, 18, 8], 2, 1 as unknown as 'valid'), bias))],
    ['input gradient of the channels-first conv (its adjoint)',
      () => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(fusedConv(a, tensor([3, 3, 3, 12, 8], 24), undefined, [1, 1, 1], 1), cf(tensor([2, 5, 6, 9, 8], 25)))))(xCf),
      () => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(cl(a) as tf.Tensor5D, tensor([3, 3, 3, 12, 8], 24) as tf.Tensor5D, 1, 'same'), tensor([2, 5, 6, 9, 8], 25))))(xCf)],
  ];
  for (const [name, ours, theirs] of layoutCases) it(name, () => expectTfjsAgreement(ours, theirs));

  const mm = (shapeA: number[], shapeB: number[], ta: boolean, tb: boolean, seed: number) => () => tf.matMul(tensor(shapeA, seed), tensor(shapeB, seed + 1), ta, tb);
  const matmuls: [string, () => tf.Tensor][] = [
    ['batched matmul [3, 2] items, 7x5 by 5x10 (attention-like)', mm([3, 2, 7, 5], [3, 2, 5, 10], false, false, 30)],
    ['matmul by a transposed right side (q k^T)', mm([4, 9, 6], [4, 11, 6], false, true, 32)],
    ['matmul of a transposed left side (a weight-gradient shape)', mm([2, 6, 9], [2, 6, 3], true, false, 34)],
    ['both transposed, 2D', mm([5, 13], [3, 5], true, true, 36)],
  ];
  for (const [name, f] of matmuls) it(name, () => expectTfjsAgreement(f));

  it('a hand-worked 1-channel 3x1x1 convolution with zero padding, and NaN passes through', () => {
    setFastCpuKernels(true);
    setWasmKernels(true);
    expect(wasmKernels()?.threads).toBe(2);
    const f = tf.tensor([10, 100, 1000], [3, 1, 1, 1, 1]) as tf.Tensor5D;
    const y = tf.conv3d(tf.tensor([1, 2, 3], [1, 3, 1, 1, 1]) as tf.Tensor5D, f, 1, 'same');
    // y[z] = 10 x[z-1] + 100 x[z] + 1000 x[z+1]
    expect(Array.from(y.dataSync())).toEqual([100 + 2000, 10 + 200 + 3000, 20 + 300]);
    const n = tf.conv3d(tf.tensor([0, NaN, 0, 0, 0], [1, 5, 1, 1, 1]) as tf.Tensor5D, f, 1, 'same');
    expect(Array.from(n.dataSync()).map(Number.isNaN)).toEqual([true, true, true, false, false]);
  });
});

describe('the committed wasm module', () => {
  const hasClang = (() => {
    try {
      execFileSync('clang', ['--version']);
      execFileSync('wasm-ld', ['--version']);
      return true;
    } catch { return false; }
  })();
  // CI installs clang and lld (.ci/run); a machine without them cannot rebuild, and says so
  it.skipIf(!hasClang)('matches its C source (scripts/build-wasm.sh rebuilds it byte for byte)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wasm-')), 'kernels.generated.ts');
    execFileSync('bash', [resolve(import.meta.dirname, '../../../scripts/build-wasm.sh'), '--out', out]);
    const body = (f: string) => readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('export '));
    expect(body(out)).toEqual(body(resolve(import.meta.dirname, 'wasm/kernels.generated.ts')));
  });
});
