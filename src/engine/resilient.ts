// Worker side of GPU fault recovery: watch the backend's device, run a job step, and on a fault apply the
// policy of recovery.ts (smaller windows or batches, or the next backend) and tell the user.
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../core/model';
import { Cancelled } from '../core/segment';
import { classifyFault, nextStep, type Attempt } from './recovery';

/** Backends whose device was lost in this session: never chosen again until the page reloads. */
export const lostBackends = new Set<BackendName>();
let lostSignal = false;

type WebGpuBackendLike = { device?: GPUDevice };
type WebGlBackendLike = { gpgpu?: { gl: WebGL2RenderingContext } };

/** Listens for the active backend's own loss signal, so a fault is recognised whatever its message. */
export function watchDevice(name: BackendName): void {
  lostSignal = false;
  if (name === 'webgpu') {
    (tf.backend() as unknown as WebGpuBackendLike).device?.lost.then(() => {
      lostSignal = true;
      lostBackends.add('webgpu');
    });
  } else if (name === 'webgl') {
    const canvas = (tf.backend() as unknown as WebGlBackendLike).gpgpu?.gl.canvas;
    canvas?.addEventListener('webglcontextlost', () => {
      lostSignal = true;
      lostBackends.add('webgl');
    });
  }
}

/** Fault injection: really destroy the WebGPU device or lose the WebGL context of the active backend. */
export function breakDevice(): void {
  const b = tf.backend() as unknown as WebGpuBackendLike & WebGlBackendLike;
  if (tf.getBackend() === 'webgpu') b.device?.destroy();
  else if (tf.getBackend() === 'webgl') b.gpgpu?.gl.getExtension('WEBGL_lose_context')?.loseContext();
}

export interface RecoveryOptions {
  /** 'Segmentation' or 'The explanation': starts the user's notice */
  what: string;
  /** the size the job starts with and its limits (see Attempt) */
  start: Omit<Attempt, 'tries' | 'backend' | 'initialSize'>;
  /** the size in words, e.g. '48 × 48 × 48 voxel windows' */
  describeSize: (size: number) => string;
  backend: () => BackendName;
  switchTo: (backend: BackendName) => Promise<void>;
  notify: (message: string) => void;
  signal: AbortSignal;
}

/** Runs `step(size)`; on a GPU fault retries as nextStep says, and stops with a message that says why. */
export async function withRecovery<T>(o: RecoveryOptions, step: (size: number) => Promise<T>): Promise<T> {
  let attempt: Attempt = { ...o.start, initialSize: o.start.size, backend: o.backend(), tries: 1 };
  for (;;) {
    try {
      return await step(attempt.size);
    } catch (e) {
      if (e instanceof Cancelled || o.signal.aborted) throw e;
      const fault = classifyFault(e, lostSignal);
      if (fault === 'device-lost') lostBackends.add(attempt.backend);
      const next = nextStep(fault, attempt, [...lostBackends]);
      const cause = (e as Error).message;
      if (next.kind === 'stop') {
        throw new Error(fault === 'other' ? cause : `${cause}: ${next.why}. Nothing was kept; close other tabs or apps using the GPU, or choose a smaller scan, and try again.`);
      }
      const how = next.backend === attempt.backend ? `with ${o.describeSize(next.size)}` : `on ${next.backend} with ${o.describeSize(next.size)}`;
      o.notify(`${o.what}: ${next.why} (${cause}); started again ${how}.`);
      if (next.backend !== attempt.backend) await o.switchTo(next.backend);
      attempt = { ...attempt, backend: next.backend, size: next.size, tries: attempt.tries + 1 };
    }
  }
}
