/// <reference lib="webworker" />
// The compute worker: model loading, backend choice and segmentation run here so the viewer never freezes.
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_BACKENDS, httpModelFolder, initBackend, loadSegmentationModel, type BackendChoice, type BackendName, type BackendPreference, type SegmentationModel } from '../core/model';
import { Cancelled } from '../core/segment';
import { zscoreNonZero, type Grid } from '../core/volume';
import { prepareModelInput, probabilityOnModelGrid, toScanGrid, windowPredictor } from '../core/pipeline';
import { contextExperiment, explainInstance, pasteCrop, prepareInstance, type Crop } from '../core/xai';
import type { ContextRequest, ExplainRequest, Reply, Request, SegmentRequest } from './protocol';
import { faultInjector } from './faults';
import { breakDevice, lostBackends, watchDevice, withRecovery, type RecoveryOptions } from './resilient';

const post = (r: Reply, transfer: Transferable[] = []) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(r, transfer);
const aborts = new Map<number, AbortController>();
let loaded: { key: string; model: SegmentationModel } | null = null;
let backendInfo: BackendChoice | null = null;
let backendKey = '';

async function ensureBackend(pref: BackendPreference): Promise<BackendChoice> {
  if (backendInfo && backendKey === pref) return backendInfo;
  const order = pref === 'auto' ? [...DEFAULT_BACKENDS] : [pref, ...DEFAULT_BACKENDS.filter((b) => b !== pref)];
  backendKey = pref;
  return startBackend(order.filter((b) => !lostBackends.has(b)));
}

/** Activates the first backend of `order` that starts, and says why earlier ones (and lost ones) were not used. */
async function startBackend(order: BackendName[]): Promise<BackendChoice> {
  const info = await initBackend(order);
  watchDevice(info.name);
  backendInfo = {
    name: info.name,
    adapter: info.adapter + (info.software ? ' (software: correct but slow)' : ''),
    fallbacks: [
      ...[...lostBackends].map((b) => `${b} not used: its device was lost in this session (reload the page to try it again)`),
      ...info.skipped.map((s) => `${s.name} not used: ${s.reason}`),
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
  const folder = url.slice(0, url.lastIndexOf('/') + 1);
  const model = await loadSegmentationModel(httpModelFolder(folder));
  loaded = { key: url, model };
  return model;
}

async function segment(req: SegmentRequest) {
  const { jobId } = req;
  const abort = new AbortController();
  aborts.set(jobId, abort);
  const started = performance.now();
  const notices: string[] = [];
  try {
    post({ type: 'progress', jobId, stage: 'starting the compute backend', done: 0, total: 1 });
    post({ type: 'backend', jobId, info: await ensureBackend(req.backend) });
    post({ type: 'progress', jobId, stage: 'loading the model', done: 0, total: 1 });
    const model = await ensureModel(req.modelUrl);
    const m = model.manifest;
    const scanGrid: Grid = { dims: req.dims, spacingMm: req.spacingMm, voxToMm: req.voxToMm };
    const input = prepareModelInput(req.channels, scanGrid, m);
    notices.push(...input.notices);
    const fault = faultInjector(req.fault, 'segment', breakDevice);
    // on a GPU fault: smaller windows (edge halved, at least 32 voxels) or the next backend, from the first window
    const onModelGrid = await withRecovery(
      {
        ...recovery(jobId, abort.signal),
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
          signal: abort.signal,
          onProgress: (done, total) => post({ type: 'progress', jobId, stage: 'windows', done, total }),
        });
      },
    );
    const probability = toScanGrid(input, onModelGrid);
    post({ type: 'segmented', jobId, probability, seconds: (performance.now() - started) / 1000, notices }, [probability.buffer]);
  } catch (e) {
    if (e instanceof Cancelled) post({ type: 'cancelled', jobId });
    else post({ type: 'error', jobId, message: (e as Error).message });
  } finally {
    aborts.delete(jobId);
    if (tf.memory().numTensors > 200) console.warn('tensors alive after a job:', tf.memory().numTensors);
  }
}

// z-scoring a whole brain costs ~0.1 s: keep the last case's channels for the next lesion's explanation
let zscored: { scanId: number; channels: Float32Array[] } | null = null;

function zscoredChannels(req: ExplainRequest | ContextRequest): Float32Array[] {
  if (zscored?.scanId !== req.scanId) zscored = { scanId: req.scanId, channels: req.channels.map((c) => zscoreNonZero(c).data) };
  return zscored.channels;
}

/** The context experiment on the lesion's exact crop: re-run the model with only k mm of surroundings kept. */
async function context(req: ContextRequest) {
  const { jobId } = req;
  const abort = new AbortController();
  aborts.set(jobId, abort);
  try {
    post({ type: 'backend', jobId, info: await ensureBackend(req.backend) });
    const model = await ensureModel(req.modelUrl);
    const p = await prepareInstance(model, { channels: zscoredChannels(req), dimsXyz: req.dims, spacingMm: req.spacingMm, lesionVoxels: req.lesionVoxels }, { cropMode: 'exact' });
    post({ type: 'progress', jobId, stage: 'context radii', done: 0, total: req.radiiMm.length });
    const result = await contextExperiment(model, p, req.radiiMm, abort.signal, (done, total) => post({ type: 'progress', jobId, stage: 'context radii', done, total }));
    post({ type: 'context-result', jobId, result });
  } catch (err) {
    if (err instanceof Cancelled || abort.signal.aborted) post({ type: 'cancelled', jobId });
    else post({ type: 'error', jobId, message: (err as Error).message });
  } finally {
    aborts.delete(jobId);
  }
}

async function explain(req: ExplainRequest) {
  const { jobId, settings } = req;
  const abort = new AbortController();
  aborts.set(jobId, abort);
  const started = performance.now();
  try {
    post({ type: 'backend', jobId, info: await ensureBackend(req.backend) });
    const model = await ensureModel(req.modelUrl);
    const dims = req.dims;
    // progress units: noise samples (mean), gradients = samples x lesion voxels (max)
    const [stage, total] =
      settings.method === 'gradcam++'
        ? ['Grad-CAM++', 1]
        : settings.method === 'smoothgrad-max'
          ? ['gradients', settings.samples * req.lesionVoxels.length]
          : ['noise samples', settings.samples];
    post({ type: 'progress', jobId, stage, done: 0, total });
    let crop: Crop | null = null;
    const channels = zscoredChannels(req);
    const fault = faultInjector(req.fault, 'explain', breakDevice);
    // on a GPU fault: fewer rows per backward pass (halved down to 1) or the next backend
    const { result: r, quantities } = await withRecovery(
      {
        ...recovery(jobId, abort.signal),
        what: 'The explanation',
        start: { size: settings.method === 'smoothgrad-max' ? 8 : settings.method === 'gradcam++' ? 1 : 4, minSize: 1, sizeMultiple: 1 },
        describeSize: (rows) => `${rows} ${settings.method === 'smoothgrad-max' ? 'gradients' : 'noise samples'} per batch`,
      },
      async (batchSize) => {
        let batch = 0;
        return explainInstance(
          await ensureModel(req.modelUrl),
          { channels, dimsXyz: dims, spacingMm: req.spacingMm, lesionVoxels: req.lesionVoxels },
          {
            method: settings.method,
            cropMode: settings.cropMode,
            samples: settings.samples,
            seed: settings.seed,
            batchSize,
            signal: abort.signal,
            onPrepared: (p) => (crop = p.crop),
            onProgress: (done, all, partial) => {
              fault.strike(++batch);
              post({ type: 'progress', jobId, stage, done, total: all });
              if (partial && crop) {
                const flair = pasteCrop(partial[0], crop, dims);
                post({ type: 'partial', jobId, flair }, [flair.buffer]);
              }
            },
          },
        );
      },
    );
    // Grad-CAM++ is shown scaled to [0, 1]; SmoothGrad maps stay signed and unscaled (they are the result)
    const shown: Float32Array[] = 'scaled' in r ? [(r as { scaled: Float32Array }).scaled] : r.maps;
    post(
      {
        type: 'explained',
        jobId,
        explanation: {
          settings,
          channels: settings.method === 'gradcam++' ? ['Grad-CAM++'] : r.channels,
          maps: shown,
          crop: { origin: [...r.crop.origin] as [number, number, number], dims: [...r.crop.dims] as [number, number, number] },
          exact: r.exact,
          note: r.note,
          provenance: { ...r.provenance, model: model.manifest.name, backend: backendInfo?.name ?? null },
          quantities,
          seconds: (performance.now() - started) / 1000,
        },
      },
      shown.map((m) => m.buffer),
    );
  } catch (err) {
    if ((err as Error).name === 'AbortError' || abort.signal.aborted) post({ type: 'cancelled', jobId });
    else post({ type: 'error', jobId, message: (err as Error).message });
  } finally {
    aborts.delete(jobId);
  }
}

self.onmessage = (e: MessageEvent<Request>) => {
  const req = e.data;
  if (req.type === 'segment') segment(req);
  else if (req.type === 'explain') explain(req);
  else if (req.type === 'context') context(req);
  else if (req.type === 'cancel') aborts.get(req.jobId)?.abort();
};
