// What to do when the compute backend fails in the middle of a job. Pure: the worker applies the step.
import { DEFAULT_BACKENDS, type BackendName } from '../core/model/backend';

/** device-lost: the GPU (WebGPU device or WebGL context) is gone; out-of-memory: an allocation failed. */
export type FaultKind = 'device-lost' | 'out-of-memory' | 'other';

// Messages browsers and tfjs give for these faults (Chromium WebGPU/WebGL, tfjs-webgl, V8).
const LOST = /device (was |is )?lost|device.*destroyed|context (was |is )?lost|CONTEXT_LOST/i;
const MEMORY = /out of memory|OutOfMemory|failed to allocate|allocation failed|array buffer allocation|greater than WebGL maximum|exceeds the max/i;

/** `deviceLost`: the worker saw the backend's own lost signal (GPUDevice.lost, webglcontextlost). */
export function classifyFault(error: unknown, deviceLost = false): FaultKind {
  if (deviceLost) return 'device-lost';
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (LOST.test(text)) return 'device-lost';
  if (error instanceof RangeError || MEMORY.test(text)) return 'out-of-memory';
  return 'other';
}

/** Where the job runs now. `size`: window edge in voxels (segmentation) or rows per batch (explanation). */
export interface Attempt {
  backend: BackendName;
  size: number;
  /** the smallest size worth trying; sizes halve down to it, rounded down to a multiple of `sizeMultiple` */
  minSize: number;
  sizeMultiple: number;
  /** the size the job started with: a new backend starts from it again */
  initialSize: number;
  /** attempts made so far, this one included */
  tries: number;
}

export type NextStep =
  | { kind: 'retry'; backend: BackendName; size: number; why: string }
  | { kind: 'stop'; why: string };

/** After this many attempts the job stops whatever the fault: a loop of retries is worse than a clear error. */
export const MAX_TRIES = 6;

/** The backends slower than `backend` in the usual order, i.e. those a job may fall back to. */
export function fallbacksAfter(backend: BackendName): BackendName[] {
  return DEFAULT_BACKENDS.slice(DEFAULT_BACKENDS.indexOf(backend) + 1);
}

/**
 * The recovery policy. Out of memory: halve the size on the same backend, and at the smallest size move to
 * the next backend. Device lost: the next backend (WebGPU -> WebGL -> CPU), since the lost one cannot be
 * trusted for the rest of the session. Any other error is a bug or a bad model: stop and say it.
 */
export function nextStep(fault: FaultKind, a: Attempt, unusable: readonly BackendName[] = []): NextStep {
  if (fault === 'other') return { kind: 'stop', why: 'an error that retrying cannot fix' };
  if (a.tries >= MAX_TRIES) return { kind: 'stop', why: `still failing after ${a.tries} attempts` };
  const next = fallbacksAfter(a.backend).find((b) => !unusable.includes(b));
  if (fault === 'out-of-memory') {
    const half = Math.floor(a.size / 2 / a.sizeMultiple) * a.sizeMultiple;
    if (half >= a.minSize) return { kind: 'retry', backend: a.backend, size: half, why: `out of memory on ${a.backend}` };
    if (next) return { kind: 'retry', backend: next, size: a.initialSize, why: `out of memory on ${a.backend} even at the smallest size` };
    return { kind: 'stop', why: `out of memory on ${a.backend} even at the smallest size (${a.size})` };
  }
  if (next) return { kind: 'retry', backend: next, size: a.initialSize, why: `the ${a.backend} device was lost` };
  return { kind: 'stop', why: `the ${a.backend} device was lost and no other backend is left` };
}
