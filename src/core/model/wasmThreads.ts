// Worker threads for the wasm kernels: every thread (the caller's too) runs the same module on one shared
// memory and takes chunks of output rows from an atomic counter until none is left, so a sparse gradient
// (rows the row mask skips) still spreads evenly. The caller blocks until all threads are done: tfjs's
// cpu kernels are synchronous. Works in Node (worker_threads) and in browsers (Web Workers, on a
// cross-origin isolated page).
//
// Control block (int32 at `control`): generation, stop, job count, next chunk, chunk count, threads done,
// a thread failed, then per job: params address, rows, rows per chunk, first chunk, kind (which export runs it).
import { inNode, startNodeThread } from '../threads.ts';
const GEN = 0, STOP = 1, JOBS = 2, NEXT = 3, CHUNKS = 4, DONE = 5, FAILED = 6, JOB0 = 8, JOB_WORDS = 5;
export const MAX_JOBS = 64;
export const CONTROL_BYTES = (JOB0 + MAX_JOBS * JOB_WORDS) * 4;

/** What a job's rows are: convolution rows, or the layout switches before and after them. */
export type JobKind = 'conv' | 'pack' | 'unpack';
const KINDS: JobKind[] = ['conv', 'pack', 'unpack'];
/** Runs rows [row0, row1) of a job of that kind (each thread with its own scratch). */
export type RunRows = (kind: JobKind, params: number, row0: number, row1: number) => void;
export interface Job { kind: JobKind; params: number; rows: number }

/** Takes chunks until none is left; the same loop on every thread. */
export function workShare(ctrl: Int32Array, runRows: RunRows): void {
  const chunks = ctrl[CHUNKS], jobs = ctrl[JOBS];
  for (;;) {
    const c = Atomics.add(ctrl, NEXT, 1);
    if (c >= chunks) return;
    let j = 0;
    while (j + 1 < jobs && ctrl[JOB0 + (j + 1) * JOB_WORDS + 3] <= c) j++;
    const at = JOB0 + j * JOB_WORDS;
    const row0 = (c - ctrl[at + 3]) * ctrl[at + 2];
    runRows(KINDS[ctrl[at + 4]], ctrl[at], row0, Math.min(ctrl[at + 1], row0 + ctrl[at + 2]));
  }
}

/** What a worker thread is started with. */
export interface ThreadInit { module: WebAssembly.Module; memory: WebAssembly.Memory; control: number; scratch: number }

/** A worker thread's life: instantiate, say ready, then one workShare per generation until stopped. */
export async function threadMain(init: ThreadInit, ready: () => void): Promise<void> {
  const instance = await WebAssembly.instantiate(init.module, { env: { memory: init.memory } });
  const runRows = rowRunner(instance.exports as unknown as KernelExports, init.scratch);
  const ctrl = new Int32Array(init.memory.buffer, init.control, CONTROL_BYTES / 4);
  let seen = Atomics.load(ctrl, GEN);
  ready();
  for (;;) {
    Atomics.wait(ctrl, GEN, seen);
    seen = Atomics.load(ctrl, GEN);
    if (Atomics.load(ctrl, STOP)) return;
    try {
      workShare(ctrl, runRows);
    } catch {
      Atomics.store(ctrl, FAILED, 1); // the caller throws; it must not wait for this thread forever
    } finally {
      Atomics.add(ctrl, DONE, 1);
      Atomics.notify(ctrl, DONE);
    }
  }
}

/** The module's row exports (wasm/conv3d.c). */
export interface KernelExports {
  convRows(params: number, row0: number, row1: number, liveTaps: number): void;
  packRows(params: number, row0: number, row1: number): void;
  unpackRows(params: number, row0: number, row1: number): void;
}

/** One thread's RunRows over its instance's exports; `scratch`: its own tap list. */
export function rowRunner(k: KernelExports, scratch: number): RunRows {
  return (kind, params, row0, row1) => {
    if (kind === 'conv') k.convRows(params, row0, row1, scratch);
    else if (kind === 'pack') k.packRows(params, row0, row1);
    else k.unpackRows(params, row0, row1);
  };
}

export interface KernelPool {
  /** worker threads (the caller is one more) */
  size: number;
  /** Runs every job's rows on all threads; returns when all are done. */
  run(jobs: Job[], runRows: RunRows): void;
  stop(): void;
}

interface AnyWorker { postMessage(m: unknown): void; terminate(): unknown; unref?(): void }

/** Starts `n` worker threads; thread t (1..n) gets scratch(t). Rejects if a Worker cannot be made. */
export async function startPool(module: WebAssembly.Module, memory: WebAssembly.Memory, n: number, control: number,
  scratch: (t: number) => number): Promise<KernelPool> {
  const ctrl = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  ctrl.fill(0);
  const workers: AnyWorker[] = [];
  const started: Promise<void>[] = [];
  const isNode = inNode();
  for (let t = 1; t <= n; t++) {
    const init: ThreadInit = { module, memory, control, scratch: scratch(t) };
    if (isNode) {
      const w = await startNodeThread(new URL('./wasmThread.node.ts', import.meta.url).href, init);
      started.push(new Promise((ok, fail) => { w.once('message', () => ok()); w.once('error', fail); }));
      workers.push(w as unknown as AnyWorker);
    } else {
      const w = new Worker(new URL('./wasmThread.worker.ts', import.meta.url), { type: 'module' });
      started.push(new Promise((ok, fail) => {
        w.onmessage = () => ok();
        w.onerror = (e) => fail(new Error(e.message || 'the kernel thread failed to start'));
      }));
      w.postMessage(init);
      workers.push(w);
    }
  }
  await Promise.all(started);
  // Atomics.wait is refused on a browser's main thread: spin there (the caller works meanwhile anyway)
  let canWait = true;
  return {
    size: n,
    run(jobs, runRows) {
      if (jobs.length > MAX_JOBS) throw new Error(`too many kernel jobs (${jobs.length})`);
      let chunks = 0;
      jobs.forEach((j, i) => {
        const per = Math.max(1, Math.ceil(j.rows / ((n + 1) * 8)));
        ctrl.set([j.params, j.rows, per, chunks, KINDS.indexOf(j.kind)], JOB0 + i * JOB_WORDS);
        chunks += Math.ceil(j.rows / per);
      });
      ctrl[JOBS] = jobs.length;
      ctrl[CHUNKS] = chunks;
      Atomics.store(ctrl, NEXT, 0);
      Atomics.store(ctrl, DONE, 0);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      let failed: unknown = null;
      try {
        workShare(ctrl, runRows);
      } catch (e) {
        failed = e; // thrown once the other threads are done with this memory
        Atomics.store(ctrl, NEXT, ctrl[CHUNKS]);
      }
      for (;;) {
        const done = Atomics.load(ctrl, DONE);
        if (done >= n) break;
        if (canWait) {
          try { Atomics.wait(ctrl, DONE, done, 50); } catch { canWait = false; }
        }
      }
      if (Atomics.exchange(ctrl, FAILED, 0) && !failed) failed = new Error('a WebAssembly kernel thread failed');
      if (failed) throw failed;
    },
    stop() {
      Atomics.store(ctrl, STOP, 1);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      for (const w of workers) w.terminate();
    },
  };
}
