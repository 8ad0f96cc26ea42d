/** Messages between the page and the compute worker. Volumes travel as transferable Float32Arrays. */
import type { ContextResult, CroppedMaps, ExplainMethod, ExplainSettings, LesionSaliency } from '../core/xai';
import type { Grid } from '../core/volume';
import type { BackendChoice, BackendPreference, ModelCheck } from '../core/model';
import type { FaultSpec } from './faults';

// the method ids and settings live with the method registry (core/xai/methods)
export type { ExplainMethod, ExplainSettings };

/**
 * One instance explanation. Plain data: posted from the worker as is. Its maps are per channel on `crop` (a box
 * of the scan grid): SmoothGrad signed and unscaled, Grad-CAM++ scaled to [0, 1]; kept cropped so dozens of
 * lesions' maps fit in memory (core/xai/explanationMaps.ts pastes).
 */
export interface ExplanationData extends CroppedMaps {
  settings: ExplainSettings;
  channels: string[];
  exact: boolean;
  note: string;
  provenance: Record<string, number | string | null>;
  quantities: LesionSaliency | null;
  seconds: number;
}

/** An opened scan as the worker keeps it: posted once per case, then named by scanId (FLAIR then MPRAGE, raw, x fastest). */
export interface ScanData {
  scanId: number;
  channels: [Float32Array, Float32Array];
  grid: Grid;
}

/** What every job on a scan carries: the model, where to run it, and which resident scan. */
interface ScanJob {
  modelUrl: string;
  backend: BackendPreference;
  scanId: number;
  /** tests only: make the backend fail at a chosen window or batch (see faults.ts) */
  fault?: FaultSpec | null;
}

export interface SegmentJob extends ScanJob {
  /** the user's corrected brain (1 inside, scan grid): it replaces the extracted one for this scan from now on */
  brainMask?: Uint8Array;
}

export interface SegmentResult {
  /** lesion probability on the scan grid */
  probability: Float32Array;
  seconds: number;
  notices: string[];
  /** the extracted brain (1 inside, scan grid) when the scan had a skull; null when it was skull-stripped already */
  brainMask: Uint8Array | null;
}

export interface ExplainJob extends ScanJob {
  /** scan-grid indices of the lesion's voxels (predicted instance, or the ground-truth component of a missed lesion) */
  lesionVoxels: Int32Array;
  settings: ExplainSettings;
}

/** The context experiment for one lesion: the smallest radius of kept surroundings at which it is still detected. */
export interface ContextJob extends ScanJob {
  lesionVoxels: Int32Array;
  /** radii tried, mm */
  radiiMm: number[];
}

/** The dry run of a model the user brings (no scan needed): its files and the form's manifest. */
export interface CheckModelJob {
  files: Record<string, Uint8Array>;
  manifest: Record<string, unknown>;
  backend: BackendPreference;
}

/** Every kind of job: what it is asked and what it answers, together (the client needs no casts). */
export interface Jobs {
  checkModel: { request: CheckModelJob; result: ModelCheck };
  segment: { request: SegmentJob; result: SegmentResult };
  explain: { request: ExplainJob; result: ExplanationData };
  context: { request: ContextJob; result: ContextResult };
}
export type JobType = keyof Jobs;

type JobRequest = { [K in JobType]: { type: K; jobId: number; job: Jobs[K]['request'] } }[JobType];
type JobDone = { [K in JobType]: { type: 'done'; jobId: number; job: K; result: Jobs[K]['result'] } }[JobType];

export type Request = { type: 'scan'; scan: ScanData } | JobRequest | { type: 'cancel'; jobId: number };

export type Reply =
  | { type: 'progress'; jobId: number; stage: string; done: number; total: number }
  | { type: 'backend'; jobId: number; info: BackendChoice }
  | JobDone
  /** SmoothGrad running mean after each batch (FLAIR channel), so the map sharpens as it comes */
  | { type: 'partial'; jobId: number; partial: CroppedMaps }
  /** something the user should know, e.g. the job moved to another backend after a GPU fault */
  | { type: 'notice'; jobId: number; message: string }
  | { type: 'cancelled'; jobId: number }
  | { type: 'error'; jobId: number; message: string };
