// Output arrays for our cpu kernels, reused once tfjs has let go of every tensor that viewed them.
// Why: every tfjs-cpu op returns a fresh array, and a fresh array's new pages cost more than the pass that fills
// it (PReLU over a batch of 4 x 32 x 48^3 on this 2-core machine: 43-53 ms into a fresh array, 19-20 ms into a
// used one), and each fresh array is more work for the garbage collector.
// Safety: an array goes back to the pool only when no tensor data of the backend views its buffer any more
// (tfjs's Slice hands out subarrays) and its values never left the backend: readSync and read give callers the
// backend's own array, which they may keep after disposing the tensor. Arrays from the pool are not zeroed:
// a kernel that takes one writes every element.
import * as tf from '@tensorflow/tfjs';

interface TensorData { values?: { buffer?: ArrayBufferLike } }
interface Storage { set(id: object, v: TensorData): void; has(id: object): boolean; get(id: object): TensorData; delete(id: object): boolean }
interface CpuBackendLike { data: Storage; readSync(id: object): unknown }

const MIN_LENGTH = 1 << 16; // below this the allocator is fast and pooling is not worth the bookkeeping
const MAX_POOLED_BYTES = 512 * 1024 * 1024;
const IDLE_MS = 2000; // an idle pool is dropped, so no memory stays held after an explanation

const pool = new Map<number, Float32Array[]>();
let pooledBytes = 0;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
const views = new WeakMap<ArrayBufferLike, number>(); // live tensor data on each buffer
const ours = new WeakSet<ArrayBufferLike>();            // buffers handed out by outputArray
const escaped = new WeakSet<ArrayBufferLike>();         // buffers read out of the backend
const installed = new WeakSet<object>();
let enabled = true;

/** Off: every output array is fresh (before/after benchmarks). Turning it off drops the pool. */
export function setArrayReuse(on: boolean): void {
  enabled = on;
  if (!on) dropPool();
}

function dropPool(): void {
  pool.clear();
  pooledBytes = 0;
}

function touch(): void {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = setTimeout(dropPool, IDLE_MS);
  (idleTimer as { unref?: () => void }).unref?.(); // never keeps a Node process alive
}

function giveBack(buffer: ArrayBufferLike): void {
  if (!enabled || !ours.has(buffer) || escaped.has(buffer) || pooledBytes + buffer.byteLength > MAX_POOLED_BYTES) return;
  const length = buffer.byteLength / 4;
  const free = pool.get(length) ?? [];
  free.push(new Float32Array(buffer)); // a new view: caches keyed by the old array (wasmConv's turned filters) never match it
  pool.set(length, free);
  pooledBytes += buffer.byteLength;
  touch();
}

/** Counts the views on each buffer as the backend stores and deletes tensor data, and marks buffers read out. */
function install(backend: CpuBackendLike): void {
  installed.add(backend);
  const data = backend.data;
  const set = data.set.bind(data), del = data.delete.bind(data), readSync = backend.readSync.bind(backend);
  const bufferOf = (v: TensorData | undefined) => (v?.values && ArrayBuffer.isView(v.values) ? v.values.buffer as ArrayBufferLike : undefined);
  const release = (b: ArrayBufferLike | undefined) => {
    if (!b) return;
    const n = (views.get(b) ?? 1) - 1;
    if (n > 0) views.set(b, n);
    else { views.delete(b); giveBack(b); }
  };
  data.set = (id, v) => {
    const old = data.has(id) ? bufferOf(data.get(id)) : undefined;
    const b = bufferOf(v);
    if (b) views.set(b, (views.get(b) ?? 0) + 1);
    set(id, v);
    release(old);
  };
  data.delete = (id) => {
    const b = data.has(id) ? bufferOf(data.get(id)) : undefined;
    const gone = del(id);
    if (gone) release(b);
    return gone;
  };
  backend.readSync = (id) => {
    const b = data.has(id) ? bufferOf(data.get(id)) : undefined;
    if (b) escaped.add(b);
    return readSync(id);
  };
}

/** A float32 array of `length` for a cpu kernel's output (stale values: write every element). */
export function outputArray(length: number): Float32Array {
  if (!enabled || length < MIN_LENGTH) return new Float32Array(length);
  const backend = tf.findBackend('cpu') as unknown as CpuBackendLike | null;
  if (!backend) return new Float32Array(length);
  if (!installed.has(backend)) install(backend);
  const reused = pool.get(length)?.pop();
  if (reused) {
    pooledBytes -= reused.byteLength;
    touch();
    return reused;
  }
  const fresh = new Float32Array(length);
  ours.add(fresh.buffer);
  return fresh;
}

/** Bytes held for reuse now (tests, benchmarks). */
export function pooledArrayBytes(): number {
  return pooledBytes;
}
