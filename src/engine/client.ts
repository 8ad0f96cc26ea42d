import { parseFaultSpec } from './faults';
import type { Grid } from '../core/volume';
import type { BackendChoice } from '../core/model';
import type { CroppedMaps } from '../core/xai';
import type { Jobs, JobType, Reply, Request } from './protocol';

/** The open case as the page holds it: its id (new per case) and the raw FLAIR and MPRAGE on one grid. */
export interface OpenScan {
  scanId: number;
  flair: Float32Array;
  mprage: Float32Array;
  grid: Grid;
}

export interface JobCallbacks {
  onProgress?: (stage: string, done: number, total: number) => void;
  onBackend?: (info: BackendChoice) => void;
  /** SmoothGrad's running mean (FLAIR, on a box of the scan grid) after each batch */
  onPartial?: (partial: CroppedMaps) => void;
}

export class JobCancelled extends Error {
  constructor() {
    super('cancelled by the user');
    this.name = 'JobCancelled';
  }
}

/** The page's handle on the compute worker: one promise per job, progress by callback, cancel by id. */
export class EngineClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve: (result: unknown) => void; reject: (e: Error) => void; cb: JobCallbacks }>();
  /** the scan the worker holds (it keeps one: the open case) */
  private sentScanId: number | null = null;
  /** tests only: ?fault=segment:device-lost@1 and the like (faults.ts) */
  private fault = parseFaultSpec(new URLSearchParams(globalThis.location?.search ?? '').get('fault'));
  /** messages for the user from any job, e.g. "the GPU was lost; continuing on the CPU" */
  onNotice: ((message: string) => void) | null = null;

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<Reply>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`The compute worker failed: ${e.message}`));
      this.pending.clear();
    };
  }

  private receive(r: Reply) {
    const p = this.pending.get(r.jobId);
    if (!p) return;
    if (r.type === 'progress') p.cb.onProgress?.(r.stage, r.done, r.total);
    else if (r.type === 'backend') p.cb.onBackend?.(r.info);
    else if (r.type === 'partial') p.cb.onPartial?.(r.partial);
    else if (r.type === 'notice') this.onNotice?.(r.message);
    else {
      this.pending.delete(r.jobId);
      if (r.type === 'error') p.reject(new Error(r.message));
      else if (r.type === 'cancelled') p.reject(new JobCancelled());
      else p.resolve(r.result);
    }
  }

  /** Posts the scan to the worker once per case, as copies (the page keeps its own volumes intact). */
  private ensureScan(scan: OpenScan) {
    if (this.sentScanId === scan.scanId) return;
    const channels: [Float32Array, Float32Array] = [scan.flair.slice(), scan.mprage.slice()];
    const msg: Request = { type: 'scan', scan: { scanId: scan.scanId, channels, grid: { dims: [...scan.grid.dims], spacingMm: [...scan.grid.spacingMm], voxToMm: [...scan.grid.voxToMm] } } };
    this.worker.postMessage(msg, [channels[0].buffer, channels[1].buffer]);
    this.sentScanId = scan.scanId;
  }

  /** Runs one job on the open scan (sent to the worker first if it is new; null for a job without one, e.g. a model's
   * dry run): a promise of its result, progress by callback. */
  run<K extends JobType>(type: K, scan: OpenScan | null, job: Omit<Jobs[K]['request'], 'scanId' | 'fault'>, cb: JobCallbacks = {}): { jobId: number; result: Promise<Jobs[K]['result']> } {
    if (scan) this.ensureScan(scan);
    const jobId = this.nextId++;
    const request = { ...job, ...(scan ? { scanId: scan.scanId, fault: this.fault } : {}) } as Jobs[K]['request'];
    const result = new Promise<Jobs[K]['result']>((resolve, reject) => this.pending.set(jobId, { resolve: resolve as (r: unknown) => void, reject, cb }));
    this.worker.postMessage({ type, jobId, job: request } as Request);
    return { jobId, result };
  }

  /** Stops a job. The page is freed at once; the worker stops at its next window or batch and its late replies are ignored. */
  cancel(jobId: number) {
    this.worker.postMessage({ type: 'cancel', jobId } satisfies Request);
    const p = this.pending.get(jobId);
    this.pending.delete(jobId);
    p?.reject(new JobCancelled());
  }
}

let engine: EngineClient | null = null;
export function getEngine(): EngineClient {
  engine ??= new EngineClient();
  return engine;
}
