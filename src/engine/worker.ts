/// <reference lib="webworker" />
// The compute worker: model loading, backend choice and segmentation run here so the viewer never freezes.
import * as tf from '@tensorflow/tfjs';
import { checkModelFiles, DEFAULT_BACKENDS, httpModelFolder, initBackend, loadSegmentationModel, type BackendChoice, type BackendName, type BackendPreference, type SegmentationModel } from '../core/model';
import { Cancelled } from '../core/segment';
import { methodById } from '../core/xai';
import { describeGrid } from '../core/volume';
import { explainLesion, lesionContext, prepareModelInput, probabilityOnModelGrid, toScanGrid, windowPredictor, type ModelInput } from '../core/pipeline';
import { userBrainMask, type BrainMask } from '../core/brain';
import type { CheckModelJob, ContextJob, ExplainJob, ExplanationData, Jobs, JobType, Reply, Request, ScanData, SegmentJob } from './protocol';
import { faultInjector } from './faults';
import { breakDevice, lostBackends, watchDevice, withRecovery, type RecoveryOptions } from './resilient';
import { isLocalModelUrl, localModelFolder } from './localModels';

const post = (r: Reply, transfer: Transferable[] = []) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(r, transfer);
const aborts = new Map<number, AbortController>();
let loaded: { key: string; model: SegmentationModel } | null = null;
let backendInfo: BackendChoice | null = null;
let backendKey = '';

async function ensureBackend(pref: BackendPreference): Promise<BackendChoice> {
  if (backendInfo && backendKey === pref) return backendInfo;
  const order = pref === 'auto' ? [...DEFAULT_BACKENDS] : [pref, ...DEFAULT_BACKENDS.filter((b) => b !== pref)];
  backendKey = pref;
  return startBackend(order.filter((b) => !lostBackends.has(b)), pref === 'auto');
}

/**
 * Activates the first backend of `order` that starts, and says why earlier ones (and lost ones) were not used.
 * `skipSoftware` (the automatic choice): a GPU backend on a software adapter (SwiftShader, a machine without GPU) is
 * passed over for the next one: WebGPU on SwiftShader segmented the 64^3 demo about 15x slower than the CPU backend.
 */
async function startBackend(order: BackendName[], skipSoftware = false): Promise<BackendChoice> {
  const passedOver: { name: string; reason: string }[] = [];
  let info = await initBackend(order);
  while (skipSoftware && info.software && info.name !== 'cpu') {
    passedOver.push(...info.skipped, { name: info.name, reason: `its adapter is software (${info.adapter}): the CPU is faster here` });
    info = await initBackend(order.slice(order.indexOf(info.name) + 1));
  }
  info = { ...info, skipped: [...passedOver, ...info.skipped.filter((s) => !passedOver.some((p) => p.name === s.name))] };
  watchDevice(info.name);
  backendInfo = {
    name: info.name,
    adapter: info.adapter + (info.software ? ' (software: correct but slow)' : ''),
    fallbacks: [
      ...[...lostBackends].map((b) => `${b} not used: its device was lost in this session (reload the page to try it again)`),
      ...info.skipped.map((s) => `${s.name} not used: ${s.reason}`),
      // e.g. a host that does not send the cross-origin isolation headers: the CPU runs on one thread
      ...(info.kernels?.note ? [`cpu kernels on ${info.kernels.note}`] : []),
    ],
  };
  // the model's weights live on the previous backend: reload them (disposing on a lost device may throw)
  try {
    loaded?.model.dispose();
  } catch {
    // the lost device took the weights with it
  }
  loaded = null;
  return backendInfo;
}

/** Recovery settings shared by segmentation and explanation: backend switches are announced to the page. */
function recovery(jobId: number, signal: AbortSignal): Pick<RecoveryOptions, 'backend' | 'switchTo' | 'notify' | 'signal'> {
  return {
    signal,
    backend: () => (backendInfo?.name ?? 'cpu') as BackendName,
    switchTo: async (name) => post({ type: 'backend', jobId, info: await startBackend([name]) }),
    notify: (message) => post({ type: 'notice', jobId, message }),
  };
}

async function ensureModel(url: string): Promise<SegmentationModel> {
  if (loaded?.key === url) return loaded.model;
  loaded?.model.dispose();
  loaded = null;
  // a model the user added lives in this browser's IndexedDB; a shipped one beside its manifest on the server
  const folder = isLocalModelUrl(url) ? await localModelFolder(url) : httpModelFolder(url.slice(0, url.lastIndexOf('/') + 1));
  const model = await loadSegmentationModel(folder);
  loaded = { key: url, model };
  return model;
}

// The open case, posted once (its scanId names it in every job), and the model input prepared from it for the
// last model: z-scoring and resampling a whole brain take about a second, and every click reuses them.
let scan: ScanData | null = null;
let prepared: { scanId: number; modelUrl: string; input: ModelInput } | null = null;
// the brain the user corrected for the resident scan: used by every model from then on
let userBrain: { scanId: number; brain: BrainMask } | null = null;

function residentScan(scanId: number): ScanData {
  if (scan?.scanId !== scanId) throw new Error('the scan of this job is no longer open (reload the case)');
  return scan;
}

async function modelInput(job: { scanId: number; modelUrl: string }): Promise<{ model: SegmentationModel; input: ModelInput }> {
  const model = await ensureModel(job.modelUrl);
  if (prepared?.scanId !== job.scanId || prepared.modelUrl !== job.modelUrl) {
    const s = residentScan(job.scanId);
    // another model on the same scan keeps the scan's brain (extraction takes seconds on a head)
    const brain = userBrain?.scanId === job.scanId ? userBrain.brain : prepared?.scanId === job.scanId ? prepared.input.brain : undefined;
    prepared = { scanId: job.scanId, modelUrl: job.modelUrl, input: prepareModelInput(s.channels, s.grid, model.manifest, brain) };
  }
  return { model, input: prepared.input };
}

/** Runs one job: its abort signal, its answer, and the one way a cancel or a failure is reported. */
async function runJob<K extends JobType>(jobId: number, job: K, body: (signal: AbortSignal) => Promise<{ result: Jobs[K]['result']; transfer?: Transferable[] }>) {
  const abort = new AbortController();
  aborts.set(jobId, abort);
  try {
    const { result, transfer } = await body(abort.signal);
    post({ type: 'done', jobId, job, result } as Reply, transfer);
  } catch (e) {
    if (abort.signal.aborted || e instanceof Cancelled || (e as Error).name === 'AbortError') post({ type: 'cancelled', jobId });
    else post({ type: 'error', jobId, message: (e as Error).message });
  } finally {
    aborts.delete(jobId);
    if (tf.memory().numTensors > 200) console.warn('tensors alive after a job:', tf.memory().numTensors);
  }
}

const segment = (jobId: number, req: SegmentJob) =>
  runJob(jobId, 'segment', async (signal) => {
    const started = performance.now();
    post({ type: 'progress', jobId, stage: 'starting the compute backend', done: 0, total: 1 });
    post({ type: 'backend', jobId, info: await ensureBackend(req.backend) });
    post({ type: 'progress', jobId, stage: 'loading the model', done: 0, total: 1 });
    if (req.brainMask) {
      const s = residentScan(req.scanId);
      userBrain = { scanId: req.scanId, brain: userBrainMask(req.brainMask, { ...s.grid, data: s.channels[0] }) };
      prepared = null; // z-scored over the old brain
    }
    const { model, input } = await modelInput(req);
    const m = model.manifest;
    const fault = faultInjector(req.fault, 'segment', breakDevice);
    // on a GPU fault: smaller windows (edge halved, at least 32 voxels) or the next backend, from the first window
    const onModelGrid = await withRecovery(
      {
        ...recovery(jobId, signal),
        what: 'Segmentation',
        start: { size: Math.max(...input.windowSizeXyz), minSize: Math.max(32, m.sizeMultiple), sizeMultiple: m.sizeMultiple },
        describeSize: (edge) => `windows of at most ${edge} voxels a side`,
      },
      async (edge) => {
        const predict = windowPredictor(await ensureModel(req.modelUrl));
        let window = 0;
        const predictOrFault: typeof predict = (ch, size) => {
          fault.strike(++window);
          return predict(ch, size);
        };
        return probabilityOnModelGrid(input, predictOrFault, {
          maxWindowEdge: edge,
          signal,
          onProgress: (done, total) => post({ type: 'progress', jobId, stage: 'windows', done, total }),
        });
      },
    );
    const probability = toScanGrid(input, onModelGrid);
    // a copy of the brain mask: the worker keeps its own for the next jobs on this scan
    const brainMask = input.brain.alreadyStripped ? null : input.brain.mask.slice();
    const transfer: Transferable[] = brainMask ? [probability.buffer, brainMask.buffer] : [probability.buffer];
    return { result: { probability, seconds: (performance.now() - started) / 1000, notices: [...input.notices], brainMask }, transfer };
  });

/** The context experiment on the lesion's exact crop of the model grid: re-run the model with only k mm of surroundings kept. */
const context = (jobId: number, req: ContextJob) =>
  runJob(jobId, 'context', async (signal) => {
    post({ type: 'backend', jobId, info: await ensureBackend(req.backend) });
    const { model, input } = await modelInput(req);
    post({ type: 'progress', jobId, stage: 'context radii', done: 0, total: req.radiiMm.length });
    const result = await lesionContext(model, input, req.lesionVoxels, req.radiiMm, signal, (done, total) => post({ type: 'progress', jobId, stage: 'context radii', done, total }));
    return { result };
  });

const explain = (jobId: number, req: ExplainJob) =>
  runJob(jobId, 'explain', async (signal) => {
    const { settings } = req;
    const started = performance.now();
    post({ type: 'backend', jobId, info: await ensureBackend(req.backend) });
    const { model, input } = await modelInput(req);
    const method = methodById(settings.method);
    const stage = method.progressUnit;
    const total = method.progressTotal(settings.samples, req.lesionVoxels.length);
    post({ type: 'progress', jobId, stage, done: 0, total });
    const fault = faultInjector(req.fault, 'explain', breakDevice);
    // on a GPU fault: fewer rows per backward pass (halved down to 1) or the next backend
    const e = await withRecovery(
      {
        ...recovery(jobId, signal),
        what: 'The explanation',
        start: { size: method.defaultBatch, minSize: 1, sizeMultiple: 1 },
        describeSize: (rows) => `${rows} ${method.batchUnit} per batch`,
      },
      async (batchSize) => {
        let batch = 0;
        return explainLesion(await ensureModel(req.modelUrl), input, req.lesionVoxels, {
          method: settings.method,
          cropMode: settings.cropMode,
          samples: settings.samples,
          seed: settings.seed,
          batchSize,
          signal,
          onProgress: (done, all, partial) => {
            fault.strike(++batch);
            post({ type: 'progress', jobId, stage, done, total: all });
            if (partial) post({ type: 'partial', jobId, partial }, [partial.maps[0].buffer]);
          },
        });
      },
    );
    const r = e.result;
    // CAMs are shown scaled to [0, 1]; signed maps stay unscaled (they are the result)
    const shown = e.shownOnScan.maps;
    const explanation: ExplanationData = {
      settings,
      channels: r.shownChannels,
      maps: shown,
      crop: e.shownOnScan.crop,
      exact: r.exact,
      note: input.modelGrid === input.scanGrid ? r.note : `${r.note}; computed on the model's grid (${describeGrid(input.modelGrid)}) and resampled to the scan's`,
      provenance: { ...r.provenance, model: model.manifest.name, backend: backendInfo?.name ?? null },
      quantities: e.quantities,
      seconds: (performance.now() - started) / 1000,
    };
    return { result: explanation, transfer: shown.map((map) => map.buffer) };
  });

/** A user's model, dry-run on the chosen backend before it is kept (core/model/modelCheck.ts). */
const checkModel = (jobId: number, req: CheckModelJob) =>
  runJob(jobId, 'checkModel', async () => {
    post({ type: 'backend', jobId, info: await ensureBackend(req.backend) });
    post({ type: 'progress', jobId, stage: 'dry run on a small window', done: 0, total: 1 });
    return { result: await checkModelFiles(new Map(Object.entries(req.files)), req.manifest) };
  });

self.onmessage = (e: MessageEvent<Request>) => {
  const req = e.data;
  if (req.type === 'scan') {
    scan = req.scan;
    prepared = null;
  } else if (req.type === 'segment') segment(req.jobId, req.job);
  else if (req.type === 'explain') explain(req.jobId, req.job);
  else if (req.type === 'context') context(req.jobId, req.job);
  else if (req.type === 'checkModel') checkModel(req.jobId, req.job);
  else if (req.type === 'cancel') aborts.get(req.jobId)?.abort();
};
