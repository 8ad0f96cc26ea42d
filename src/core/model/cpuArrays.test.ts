import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pooledArrayBytes, setArrayReuse } from './cpuArrays.ts';
import { fusedPRelu } from './cpuFused.ts';
import { setFastCpuKernels } from './cpuKernels.ts';

// Reuse of our cpu kernels' output arrays: an array comes back only when nothing can still see it.
const N = 1 << 17; // above cpuArrays' smallest pooled length
interface Backend { data: { get(id: object): { values: Float32Array } } }
const bufferOf = (t: tf.Tensor) => (tf.backend() as unknown as Backend).data.get(t.dataId).values.buffer;
const ramp = (scale: number) => tf.tensor(Float32Array.from({ length: N }, (_, i) => ((i % 97) - 48) * scale));

describe('cpu output arrays reused', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    setFastCpuKernels(true);
    setArrayReuse(true);
  });
  afterAll(() => setFastCpuKernels(false));

  it('a disposed output array serves the next output of that length, every element rewritten', () => {
    const a = ramp(1), b = ramp(0.5);
    const first = tf.add(a, b);
    const used = bufferOf(first);
    first.dispose();
    expect(pooledArrayBytes()).toBeGreaterThanOrEqual(N * 4);
    const second = fusedPRelu(a, 0.25)!; // a kernel that writes into a used array
    expect(bufferOf(second)).toBe(used);
    const values = second.dataSync();
    const x = a.dataSync();
    for (let i = 0; i < N; i++) expect(values[i]).toBe(Math.fround(x[i] > 0 ? x[i] : Math.fround(0.25 * x[i])));
    tf.dispose([a, b, second]);
  });

  it('never reuses an array whose values were read out (dataSync hands out the backend\'s own array)', () => {
    const a = ramp(1);
    const kept = tf.mul(a, a);
    const values = kept.dataSync();
    const copy = Float32Array.from(values);
    kept.dispose();
    const next = tf.mul(a, tf.scalar(3));
    expect(bufferOf(next)).not.toBe(values.buffer);
    expect(values).toEqual(copy);
    tf.dispose([a, next]);
  });

  it('keeps an array out of the pool while another tensor views its buffer', () => {
    const a = ramp(1);
    const out = tf.add(a, a);
    const buffer = bufferOf(out);
    // a second tensor on the same buffer, as tfjs-cpu's Slice makes with subarray
    const view = tf.tensor((tf.backend() as unknown as Backend).data.get(out.dataId).values.subarray(0, N));
    out.dispose();
    const next = tf.sub(a, tf.scalar(1));
    const nextBuffer = bufferOf(next);
    expect(nextBuffer).not.toBe(buffer);
    view.dispose();
    next.dispose();
    const after = tf.add(a, tf.scalar(1)); // both tensors on the first buffer are gone: it may come back now
    expect([buffer, nextBuffer]).toContain(bufferOf(after));
    tf.dispose([a, after]);
  });

  it('off: every output is a fresh array and the pool is empty', () => {
    setArrayReuse(false);
    expect(pooledArrayBytes()).toBe(0);
    const a = ramp(1);
    const first = tf.add(a, a);
    const used = bufferOf(first);
    first.dispose();
    const second = tf.add(a, a);
    expect(bufferOf(second)).not.toBe(used);
    tf.dispose([a, second]);
    setArrayReuse(true);
  });
});
