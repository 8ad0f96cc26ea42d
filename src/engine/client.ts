import { parseFaultSpec } from './faults';
import type { ContextResult } from '../core/xai';
import type { BackendChoice } from '../core/model';
import type { ContextRequest, ExplainRequest, ExplanationData, Reply, Request, SegmentRequest } from './protocol';

export type SegmentJob = Omit<SegmentRequest, 'type' | 'jobId'>;
export type ExplainJob = Omit<ExplainRequest, 'type' | 'jobId'>;
export type ContextJob = Omit<ContextRequest, 'type' | 'jobId'>;

export interface JobCallbacks {
  onProgress?: (stage: string, done: number, total: number) => void;
  onBackend?: (info: BackendChoice) => void;
  /** SmoothGrad's running mean (FLAIR) after each batch */
  onPartial?: (flair: Float32Array) => void;
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
  private pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void; cb: JobCallbacks }>();
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
    else if (r.type === 'partial') p.cb.onPartial?.(r.flair);
    else if (r.type === 'notice') this.onNotice?.(r.message);
    else {
      this.pending.delete(r.jobId);
      if (r.type === 'error') p.reject(new Error(r.message));
      else if (r.type === 'cancelled') p.reject(new JobCancelled());
      else p.resolve(r);
    }
  }

  /** Posts a job with copies of its channels (they travel to the worker, so the page keeps its own volumes intact). */
  private send<J extends { channels: [Float32Array, Float32Array] }>(type: Request['type'], job: J, cb: JobCallbacks): { jobId: number; reply: Promise<Reply> } {
    const jobId = this.nextId++;
    const channels: [Float32Array, Float32Array] = [job.channels[0].slice(), job.channels[1].slice()];
    const msg = { type, jobId, fault: this.fault, ...job, channels } as Request;
    const reply = new Promise<Reply>((resolve, reject) => this.pending.set(jobId, { resolve, reject, cb }));
    this.worker.postMessage(msg, [channels[0].buffer, channels[1].buffer]);
    return { jobId, reply };
  }

  segment(job: SegmentJob, cb: JobCallbacks = {}): { jobId: number; result: Promise<Extract<Reply, { type: 'segmented' }>> } {
    const { jobId, reply } = this.send('segment', job, cb);
    return { jobId, result: reply as Promise<Extract<Reply, { type: 'segmented' }>> };
  }

  explain(job: ExplainJob, cb: JobCallbacks = {}): { jobId: number; result: Promise<ExplanationData> } {
    const { jobId, reply } = this.send('explain', job, cb);
    return { jobId, result: reply.then((r) => (r as Extract<Reply, { type: 'explained' }>).explanation) };
  }

  context(job: ContextJob, cb: JobCallbacks = {}): { jobId: number; result: Promise<ContextResult> } {
    const { jobId, reply } = this.send('context', job, cb);
    return { jobId, result: reply.then((r) => (r as Extract<Reply, { type: 'context-result' }>).result) };
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
