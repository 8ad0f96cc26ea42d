// The seeded SmoothGrad noise made on a thread of its own, ahead of use: the noise loop then does not wait
// for it (it was 10 ms of host work per sample on a 48^3 crop, about 12 % of a cpu explanation and more of a
// GPU one), and on a cpu the thread runs while the kernel threads wait for the JavaScript between kernels.
// The values are seededNoise's, computed by the same code (bit-identical: xai.unit.test.ts). One thread serves
// every explanation of the process (started once: a Node thread takes a while to load TypeScript).
import { inNode, startNodeThread } from '../threads.ts';
import { type Crop } from './crop.ts';
import { seededNoise } from './noise.ts';

/** A request to the thread, and its answer (per channel, on the crop grid). */
export interface NoiseRequest { id: number; seed: number; sigma: number; crop: Crop; channels: number; sample: number }
export interface NoiseAnswer { id: number; maps: Float32Array[] }

interface AnyWorker { postMessage(m: unknown, transfer?: Transferable[]): void; terminate(): unknown; ref?(): void; unref?(): void }

export interface NoiseAhead {
  /** the noise of `sample` (per channel), asking for the next `depth` samples meanwhile; in sample order */
  take(sample: number): Promise<Float32Array[]>;
  /** stops waiting for what was asked (the thread stays for the next explanation) */
  close(): void;
}

const pending = new Map<number, { ok: (m: Float32Array[]) => void; fail: (e: unknown) => void }>();
const early = new Map<number, Float32Array[]>(); // answers not yet taken
let thread: Promise<AnyWorker | null> | null = null;
let nextId = 1;
let outstanding = 0; // requests not yet answered: a Node thread keeps the process alive only while there are some
let started: AnyWorker | null = null;

function fail(e: unknown) {
  pending.forEach((p) => p.fail(e));
  pending.clear();
  thread = Promise.resolve(null); // later explanations draw their noise themselves
}

function answered(a: NoiseAnswer) {
  if (--outstanding === 0) started?.unref?.();
  const p = pending.get(a.id);
  if (!p) { early.set(a.id, a.maps); return; }
  pending.delete(a.id);
  p.ok(a.maps);
}

async function start(): Promise<AnyWorker | null> {
  try {
    if (inNode()) {
      const w = await startNodeThread(new URL('./noiseThread.node.ts', import.meta.url).href);
      w.on('message', answered);
      w.on('error', fail);
      return w as unknown as AnyWorker;
    }
    if (typeof Worker === 'undefined') return null;
    const w = new Worker(new URL('./noiseThread.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<NoiseAnswer>) => answered(e.data);
    w.onerror = (e) => fail(new Error(e.message || 'the noise thread failed'));
    return w;
  } catch {
    return null;
  }
}

/** Noise of samples 0..samples-1 of one explanation from the thread, `depth` samples ahead; null where there is
 * no thread (the caller then draws the noise itself). */
export async function noiseAhead(seed: number, sigma: number, crop: Crop, channels: number, samples: number, depth = 8): Promise<NoiseAhead | null> {
  thread ??= start();
  const worker = await thread;
  if (!worker) return null;
  started = worker;
  const ids: number[] = []; // request id per sample asked so far
  const ask = (upTo: number) => {
    while (ids.length < Math.min(upTo, samples)) {
      const id = nextId++;
      ids.push(id);
      if (outstanding++ === 0) worker.ref?.();
      worker.postMessage({ id, seed, sigma, crop, channels, sample: ids.length - 1 } satisfies NoiseRequest);
    }
  };
  return {
    take(sample) {
      ask(sample + 1 + depth);
      const id = ids[sample];
      const got = early.get(id);
      if (got) { early.delete(id); return Promise.resolve(got); }
      return new Promise((ok, failed) => pending.set(id, { ok, fail: failed }));
    },
    close() {
      for (const id of ids) { early.delete(id); pending.delete(id); }
    },
  };
}

/** The thread's side: seededNoise's values for one request (transferred, not copied). */
export function answerNoise(r: NoiseRequest): { answer: NoiseAnswer; transfer: ArrayBuffer[] } {
  const noise = seededNoise(r.seed, r.sigma);
  const maps = Array.from({ length: r.channels }, (_, c) => noise(r.sample, c, r.crop));
  return { answer: { id: r.id, maps }, transfer: maps.map((m) => m.buffer as ArrayBuffer) };
}
