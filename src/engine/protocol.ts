/** Messages between the page and the compute worker. Volumes travel as transferable Float32Arrays. */
import type { ContextResult, ExplainMethod, ExplainSettings, LesionSaliency } from '../core/xai';
import type { FaultSpec } from './faults';

export type BackendPreference = 'auto' | 'webgpu' | 'webgl' | 'cpu';

export interface BackendInfo {
  /** tfjs backend name actually in use */
  name: string;
  /** adapter / renderer description, as the browser reports it */
  adapter: string;
  /** backends that were tried first and why they were not used */
  fallbacks: string[];
}

// the method ids and settings live with the method registry (core/xai/methods)
export type { ExplainMethod, ExplainSettings };

/** One instance explanation, maps pasted into the scan grid. Plain data: posted from the worker as is. */
export interface ExplanationData {
  settings: ExplainSettings;
  channels: string[];
  /**
   * per channel, on `crop` (a box of the scan grid, x fastest; zero outside it): SmoothGrad signed and unscaled,
   * Grad-CAM++ scaled to [0, 1]. Kept cropped so dozens of lesions' maps fit in memory (explanationMaps.ts pastes).
   */
  maps: Float32Array[];
  crop: { origin: [number, number, number]; dims: [number, number, number] };
  exact: boolean;
  note: string;
  provenance: Record<string, number | string | null>;
  quantities: LesionSaliency | null;
  seconds: number;
}

/** What every job on a scan carries: the model, where to run it, and the scan (FLAIR then MPRAGE, raw, x fastest). */
interface ScanJob {
  jobId: number;
  modelUrl: string;
  backend: BackendPreference;
  channels: [Float32Array, Float32Array];
  dims: [number, number, number];
  spacingMm: [number, number, number];
  /** tests only: make the backend fail at a chosen window or batch (see faults.ts) */
  fault?: FaultSpec | null;
}

export type SegmentRequest = ScanJob & { type: 'segment'; voxToMm: number[] };

export type ExplainRequest = ScanJob & {
  type: 'explain';
  /** which opened scan this is (new per case): the worker reuses that scan's z-scored channels */
  scanId: number;
  /** scan-grid indices of the lesion's voxels (predicted instance, or the ground-truth component of a missed lesion) */
  lesionVoxels: Int32Array;
  settings: ExplainSettings;
};

/** The context experiment for one lesion: the smallest radius of kept surroundings at which it is still detected. */
export type ContextRequest = ScanJob & {
  type: 'context';
  scanId: number;
  lesionVoxels: Int32Array;
  /** radii tried, mm */
  radiiMm: number[];
};

export type Request = SegmentRequest | ExplainRequest | ContextRequest | { type: 'cancel'; jobId: number };

export type Reply =
  | { type: 'progress'; jobId: number; stage: string; done: number; total: number }
  | { type: 'backend'; jobId: number; info: BackendInfo }
  | { type: 'segmented'; jobId: number; probability: Float32Array; seconds: number; notices: string[] }
  | { type: 'explained'; jobId: number; explanation: ExplanationData }
  | { type: 'context-result'; jobId: number; result: ContextResult }
  /** SmoothGrad running mean after each batch (FLAIR channel, scan grid), so the map sharpens as it comes */
  | { type: 'partial'; jobId: number; flair: Float32Array }
  /** something the user should know, e.g. the job moved to another backend after a GPU fault */
  | { type: 'notice'; jobId: number; message: string }
  | { type: 'cancelled'; jobId: number }
  | { type: 'error'; jobId: number; message: string };
