// The standard performance workload, DOM-free, shared by the Node command (bench/explain-bench.ts),
// the headless-Chromium command (bench/explain-bench-browser.ts) and the page bench.html, so figures
// from this machine and from a user's laptop are the same workload:
//   the demo case, the default model; segmentation of the whole case (96^3 windows); per lesion
//   (the demo's ground-truth components, median-size first) every registered method (mean SmoothGrad:
//   N samples, max SmoothGrad: N samples x |L| gradients, the CAMs: one pass), on each crop: exact (receptive field),
//   fast (effective receptive field), window (the model's 96^3 window around the lesion) and whole
//   (the whole volume as one window, as the paper's code did).
// A gradient budget keeps CPU runs to minutes: at most that many gradient passes are timed per
// explanation (per-voxel methods: whole noise samples, at least one) and the time is extrapolated
// linearly to the full count (flagged in every row).
import * as tf from '@tensorflow/tfjs';
import { type BackendInfo, type ReadModelFile, type SegmentationModel, explanationCost, graphCost, loadSegmentationModel } from '../core/model/index.ts';
import type { DagSegmentationModel } from '../core/model/dagModel.ts';
import { labelComponents } from '../core/lesions/index.ts';
import { planWindows } from '../core/segment/index.ts';
import { zscoreNonZero, type Grid } from '../core/volume/index.ts';
import { loadCase } from '../core/pipeline/loadCase.ts';
import {
  boundingBox, EXPLAIN_METHOD_IDS, type ExplainMethod, lesionSaliency, methodById, prepareInstance, receptiveField,
  type InstanceRequest, type MethodDescriptor, type PreparedInstance, type Xyz,
} from '../core/xai/index.ts';
import { prepareModelInput, probabilityOnModelGrid, windowPredictor } from '../core/pipeline/index.ts';

export type BenchMethod = ExplainMethod;
export type BenchCrop = 'exact' | 'fast' | 'window' | 'whole';
export const ALL_METHODS: BenchMethod[] = [...EXPLAIN_METHOD_IDS];
export const ALL_CROPS: BenchCrop[] = ['exact', 'fast', 'window', 'whole'];

export interface WorkloadConfig {
  /** how many of the demo's lesions, median size first; 'all' for the full workload */
  lesions: number | 'all';
  /** N, noise samples */
  samples: number;
  methods: BenchMethod[];
  crops: BenchCrop[];
  /** most gradient passes timed per explanation, the rest extrapolated; Infinity = everything timed */
  gradientBudget: number;
  /** time the whole-case segmentation too */
  segment: boolean;
  /** rows per backward pass of noise methods: per noise sample (mean), per (sample, voxel) gradient (max);
   * defaults of the app: the registry's defaultBatch (4, 8) */
  batchMean: number;
  batchMax: number;
  /** read the running maps back after every batch, as the app does for its progressive display */
  progressive: boolean;
}

/** The full workload, for GPUs. */
export const FULL_WORKLOAD: WorkloadConfig = {
  lesions: 'all', samples: 50, methods: ALL_METHODS, crops: ALL_CROPS, gradientBudget: Infinity,
  segment: true, batchMean: methodById('smoothgrad-mean').defaultBatch, batchMax: methodById('smoothgrad-max').defaultBatch, progressive: true,
};

export interface DemoFiles { flair: Uint8Array; mprage: Uint8Array; mask: Uint8Array }

export interface LatencyRow {
  method: BenchMethod;
  crop: BenchCrop;
  lesion: number;
  lesionVoxels: number;
  cropDims: Xyz;
  batchSize: number;
  /** gradient passes of the full explanation, and how many were timed */
  gradients: number;
  timedGradients: number;
  /** seconds for the full explanation (extrapolated when timedGradients < gradients) */
  seconds: number;
  /** floating-point work of the full explanation (model count, docs/performance.md) */
  gflop: number;
}

export interface SummaryRow {
  method: BenchMethod;
  crop: BenchCrop;
  lesions: number;
  /** crop size of the median lesion */
  cropDims: Xyz;
  batchSize: number;
  medianSeconds: number;
  worstSeconds: number;
  ratioToExact: number | null;
  /** achieved GFLOP/s at the median lesion */
  gflopPerSecond: number;
  extrapolated: boolean;
}

export interface BackendReport {
  backend: string;
  device: string;
  software: boolean;
  model: string;
  /** forward pass of the model, per input voxel */
  forwardFlopPerVoxel: number;
  forwardBytesPerVoxel: number;
  receptiveFieldMarginVoxels: Xyz;
  effectiveMarginVoxels: number;
  segmentation: { seconds: number; windows: number; peakMB: number } | null;
  /** peak tensor memory of one batch of each method on the exact crop of the first lesion (tf.profile) */
  peakMB: Partial<Record<BenchMethod, number>>;
  rows: LatencyRow[];
  summary: SummaryRow[];
}

export interface BenchReport {
  created: string;
  environment: string;
  tfjs: string;
  demo: { dims: Xyz; lesionsInCase: number; lesions: { id: number; voxels: number }[] };
  config: WorkloadConfig;
  backends: BackendReport[];
}

export interface Demo {
  request: (lesion: number) => InstanceRequest;
  dims: Xyz;
  /** z-scored FLAIR and MPRAGE (the explanations' input) */
  channels: Float32Array[];
  /** the scan as loaded, for segmentation through the app's pipeline (which z-scores itself) */
  scan: { channels: Float32Array[]; grid: Grid };
  lesionsInCase: number;
  chosen: { id: number; voxels: number }[];
}

/** The demo case, z-scored, and the chosen lesions (median size first, then outwards). */
export function openDemo(files: DemoFiles, lesions: number | 'all'): Demo {
  const scan = loadCase({ flair: { name: 'demo_flair.nii.gz', bytes: files.flair }, mprage: { name: 'demo_mprage.nii.gz', bytes: files.mprage }, mask: { name: 'demo_lesions.nii.gz', bytes: files.mask } });
  const channels = [zscoreNonZero(scan.flair.data).data, zscoreNonZero(scan.mprage.data).data];
  const gt = labelComponents(scan.flair, (i) => scan.mask!.data[i] > 0, 18);
  const bySize = Array.from({ length: gt.count }, (_, i) => i + 1).sort((a, b) => gt.sizes[a] - gt.sizes[b]);
  const count = lesions === 'all' ? bySize.length : Math.min(lesions, bySize.length);
  const mid = Math.floor(bySize.length / 2);
  // the `count` lesions of median size: a contiguous run of the size order centred on the median
  const start = Math.max(0, Math.min(bySize.length - count, mid - Math.floor(count / 2)));
  const ids = bySize.slice(start, start + count);
  const voxels = new Map<number, number[]>(ids.map((id) => [id, []]));
  gt.labels.forEach((l, v) => voxels.get(l)?.push(v));
  const dims = scan.flair.dims as Xyz;
  return {
    dims, channels, scan: { channels: [scan.flair.data, scan.mprage.data], grid: scan.flair }, lesionsInCase: gt.count,
    chosen: ids.map((id) => ({ id, voxels: gt.sizes[id] })),
    request: (id) => ({ channels, dimsXyz: dims, spacingMm: scan.flair.spacingMm as Xyz, lesionVoxels: Int32Array.from(voxels.get(id)!) }),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const volumeOf = (d: readonly number[]) => d[0] * d[1] * d[2];
const yieldToEvents = () => new Promise((r) => setTimeout(r, 0));

/** Crop plan of one bench crop choice. */
async function prepare(model: SegmentationModel, request: InstanceRequest, crop: BenchCrop): Promise<PreparedInstance> {
  if (crop === 'window') {
    const window = model.manifest.windowSizeVoxels[0];
    const box = boundingBox(request.lesionVoxels, request.dimsXyz);
    const margin = box.min.map((lo, a) => Math.max(0, Math.ceil((window - (box.max[a] - lo + 1)) / 2))) as Xyz;
    return prepareInstance(model, request, { cropMode: 'exact', marginVoxels: margin });
  }
  return prepareInstance(model, request, { cropMode: crop });
}

/** Batch rows of a method under this config: per-voxel gradient methods use batchMax, other noise methods batchMean. */
const batchOf = (m: MethodDescriptor, c: WorkloadConfig) => (!m.usesNoise ? m.defaultBatch : m.gradientPerVoxel ? c.batchMax : c.batchMean);

/** One explanation, timed; the method part scaled up when only part of its gradients was timed. */
async function timeExplanation(model: SegmentationModel, request: InstanceRequest, method: BenchMethod, crop: BenchCrop, c: WorkloadConfig) {
  const m = methodById(method);
  const t0 = performance.now();
  const p = await prepare(model, request, crop);
  const tPrepared = performance.now();
  const lesion = p.lesionCrop.length;
  const onProgress = c.progressive ? () => {} : undefined; // partial maps are read back (as the app does) and dropped
  const gradients = m.usesNoise ? m.progressTotal(c.samples, lesion) : 1;
  let timed = gradients;
  const batchSize = batchOf(m, c);
  let samples = c.samples;
  if (m.gradientPerVoxel) {
    // whole samples, at least one whatever the budget: a sample's one forward pass serves all its lesion voxels
    // (linearizeLesion), so part of a sample would count that forward pass too often
    samples = Math.min(c.samples, Math.max(1, Math.floor(c.gradientBudget / lesion)));
    timed = lesion * samples;
  } else if (m.usesNoise) {
    samples = timed = Math.min(c.samples, Math.max(1, c.gradientBudget));
  }
  const r = await m.run(model, p, { samples, seed: 1, batchSize, onProgress });
  if (m.quantities) lesionSaliency(r, p);
  const cropDims = r.crop.dims; // CAMs widen exact crops
  const tDone = performance.now();
  const seconds = ((tPrepared - t0) + (tDone - tPrepared) * (gradients / timed)) / 1000;
  return { seconds, gradients, timed, batchSize, cropDims, lesion };
}

/** Peak tensor memory of one batch of the method on a prepared crop. */
async function peakMegabytes(model: SegmentationModel, p: PreparedInstance, method: BenchMethod, c: WorkloadConfig): Promise<number> {
  const m = methodById(method);
  const batch = batchOf(m, c);
  const info = await tf.profile(async () => {
    if (m.gradientPerVoxel) await m.run(model, { ...p, lesionCrop: p.lesionCrop.slice(0, batch) }, { samples: 1, batchSize: batch, seed: 1 });
    else await m.run(model, p, { samples: batch, batchSize: batch, seed: 1 });
  });
  return info.peakBytes / 2 ** 20;
}

export interface WorkloadEnv {
  backend: BackendInfo;
  readModel: ReadModelFile;
  demo: Demo;
  /** progress lines for people watching */
  log?: (line: string) => void;
}

/** The workload on the active tfjs backend (the caller has run initBackend). */
export async function runBackendWorkload(env: WorkloadEnv, c: WorkloadConfig): Promise<BackendReport> {
  const log = env.log ?? (() => {});
  const { demo } = env;
  const model = await loadSegmentationModel(env.readModel);
  try {
    const m = model.manifest;
    const probe = [2, 3, 4].map((k) => k * m.sizeMultiple);
    const forward = graphCost((model as DagSegmentationModel).traceOps(probe));
    const perVoxel = 1 / volumeOf(probe); // cost is linear in the input volume for this fully convolutional model
    const cost = explanationCost(forward);
    const gradientFlop = (voxels: number) => cost.gradient.flops * perVoxel * voxels;
    const rf = await receptiveField(model); // measured once per model, not part of a lesion's latency
    const report: BackendReport = {
      backend: env.backend.name, device: env.backend.adapter, software: env.backend.software, model: m.name,
      forwardFlopPerVoxel: forward.flops * perVoxel, forwardBytesPerVoxel: forward.bytes * perVoxel,
      receptiveFieldMarginVoxels: rf.marginVoxels, effectiveMarginVoxels: rf.effectiveMarginVoxels,
      segmentation: null, peakMB: {}, rows: [], summary: [],
    };
    if (c.segment) {
      log(`${env.backend.name}: segmenting the demo case`);
      // the app's path; z-scoring (and resampling, if any) stays outside the timing
      const input = prepareModelInput(demo.scan.channels, demo.scan.grid, m);
      const t0 = performance.now();
      const prof = await tf.profile(() => probabilityOnModelGrid(input, windowPredictor(model)));
      report.segmentation = { seconds: (performance.now() - t0) / 1000, windows: planWindows(input.modelGrid.dims, input.windowSizeXyz).length, peakMB: prof.peakBytes / 2 ** 20 };
    }
    for (const method of c.methods) {
      const first = await prepare(model, demo.request(demo.chosen[0].id), 'exact');
      report.peakMB[method] = await peakMegabytes(model, first, method, c);
      for (const crop of c.crops) {
        const rows: LatencyRow[] = [];
        for (const { id } of demo.chosen) {
          const t = await timeExplanation(model, demo.request(id), method, crop, c);
          const cropVoxels = volumeOf(t.cropDims);
          // Grad-CAM++: one forward and one backward through the head: at most one gradient's work
          const row: LatencyRow = {
            method, crop, lesion: id, lesionVoxels: t.lesion, cropDims: t.cropDims, batchSize: t.batchSize,
            gradients: t.gradients, timedGradients: t.timed, seconds: t.seconds, gflop: (t.gradients * gradientFlop(cropVoxels)) / 1e9,
          };
          rows.push(row);
          log(`${env.backend.name} ${method} ${crop} lesion ${id} (${t.lesion} vox): ${t.seconds.toFixed(2)} s${t.timed < t.gradients ? ` (timed ${t.timed} of ${t.gradients} gradients)` : ''}`);
          await yieldToEvents();
        }
        report.rows.push(...rows);
        const med = median(rows.map((r) => r.seconds));
        const medRow = rows.find((r) => r.seconds === med)!;
        const exact = report.summary.find((s) => s.method === method && s.crop === 'exact');
        report.summary.push({
          method, crop, lesions: rows.length, cropDims: medRow.cropDims, batchSize: medRow.batchSize,
          medianSeconds: med, worstSeconds: Math.max(...rows.map((r) => r.seconds)),
          ratioToExact: crop === 'exact' ? 1 : exact ? med / exact.medianSeconds : null, gflopPerSecond: medRow.gflop / med,
          extrapolated: rows.some((r) => r.timedGradients < r.gradients),
        });
      }
    }
    return report;
  } finally {
    model.dispose();
  }
}

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

/** The table both commands and the page print (markdown). */
export function formatReport(r: BenchReport): string {
  const lines = [
    `LesionLens benchmark ${r.created}; ${r.environment}; tfjs ${r.tfjs}`,
    `demo case ${r.demo.dims.join('x')} voxels, lesions ${r.demo.lesions.map((l) => `${l.id} (${l.voxels} vox)`).join(', ')} of ${r.demo.lesionsInCase}; N = ${r.config.samples}; gradient budget ${r.config.gradientBudget === Infinity ? 'none (all timed)' : r.config.gradientBudget}; progressive readback ${r.config.progressive ? 'on' : 'off'}`,
  ];
  for (const b of r.backends) {
    lines.push('', `### ${b.backend} (${b.device}${b.software ? ', software' : ''}), model ${b.model}`,
      `forward ${fmt(b.forwardFlopPerVoxel / 1e3, 1)} kFLOP and ${fmt(b.forwardBytesPerVoxel / 1e3, 1)} kB traffic per input voxel; receptive field margin ${b.receptiveFieldMarginVoxels.join(',')} voxels, effective ${b.effectiveMarginVoxels}`);
    if (b.segmentation) lines.push(`segmentation: ${fmt(b.segmentation.seconds, 1)} s (${b.segmentation.windows} windows), peak ${fmt(b.segmentation.peakMB, 0)} MB`);
    lines.push(`peak tensor memory, one batch on the exact crop: ${Object.entries(b.peakMB).map(([k, v]) => `${k} ${fmt(v!, 0)} MB`).join(', ')}`);
    lines.push('', '| method | crop | crop voxels (x,y,z) | batch | median s / lesion | worst s | ratio to exact | GFLOP/s | note |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const s of b.summary) {
      lines.push(`| ${s.method} | ${s.crop} | ${s.cropDims.join('x')} | ${s.batchSize} | ${fmt(s.medianSeconds)} | ${fmt(s.worstSeconds)} | ${s.ratioToExact === null ? '-' : fmt(s.ratioToExact)} | ${s.gflopPerSecond.toPrecision(2)} | ${s.extrapolated ? 'extrapolated' : ''} |`);
    }
  }
  return lines.join('\n');
}

/** One line per lesion and explanation. */
export function reportCsv(r: BenchReport): string {
  const head = 'backend,device,model,method,crop,lesion,lesion_voxels,crop_x,crop_y,crop_z,batch,gradients,timed_gradients,seconds,gflop';
  const rows = r.backends.flatMap((b) => b.rows.map((x) => [
    b.backend, JSON.stringify(b.device), b.model, x.method, x.crop, x.lesion, x.lesionVoxels, ...x.cropDims, x.batchSize,
    x.gradients, x.timedGradients, x.seconds.toFixed(4), x.gflop.toFixed(3),
  ].join(',')));
  return [head, ...rows].join('\n');
}

/** The workload config from `--name value` style options (command line or URL query). */
export function parseConfig(get: (name: string) => string | null | undefined, base: WorkloadConfig = FULL_WORKLOAD): WorkloadConfig {
  const num = (name: string, d: number) => (get(name) ? Number(get(name)) : d);
  const lesions = get('lesions');
  return {
    lesions: lesions ? (lesions === 'all' ? 'all' : Number(lesions)) : base.lesions,
    samples: num('samples', base.samples),
    methods: (get('methods')?.split(',') as BenchMethod[] | undefined) ?? base.methods,
    crops: (get('crops')?.split(',') as BenchCrop[] | undefined) ?? base.crops,
    gradientBudget: get('budget') ? (get('budget') === 'all' ? Infinity : Number(get('budget'))) : base.gradientBudget,
    segment: get('segment') ? get('segment') !== 'off' : base.segment,
    batchMean: num('batch-mean', base.batchMean),
    batchMax: num('batch-max', base.batchMax),
    progressive: get('progressive') ? get('progressive') !== 'off' : base.progressive,
  };
}

/** JSON with Infinity spelled out (JSON.stringify would write null). */
export function reportJson(r: BenchReport): string {
  return JSON.stringify(r, (_k, v) => (v === Infinity ? 'Infinity' : v), 1);
}
