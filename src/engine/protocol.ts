/** Messages between the page and the compute worker. Volumes travel as transferable Float32Arrays. */

export type BackendPreference = 'auto' | 'webgpu' | 'webgl' | 'cpu';

export interface BackendInfo {
  /** tfjs backend name actually in use */
  name: string;
  /** adapter / renderer description, as the browser reports it */
  adapter: string;
  /** backends that were tried first and why they were not used */
  fallbacks: string[];
}

export type Request =
  | {
      type: 'segment';
      jobId: number;
      modelUrl: string;
      backend: BackendPreference;
      /** FLAIR then MPRAGE, raw intensities on the scan grid (x fastest) */
      channels: [Float32Array, Float32Array];
      dims: [number, number, number];
      spacingMm: [number, number, number];
      voxToMm: number[];
    }
  | { type: 'cancel'; jobId: number };

export type Reply =
  | { type: 'progress'; jobId: number; stage: string; done: number; total: number }
  | { type: 'backend'; jobId: number; info: BackendInfo }
  | { type: 'segmented'; jobId: number; probability: Float32Array; seconds: number; notices: string[] }
  | { type: 'cancelled'; jobId: number }
  | { type: 'error'; jobId: number; message: string };
