import { analyseCase, type CaseAnalysis, type InstanceSettings, type Lesion } from '../core/lesions';
import { getEngine, JobCancelled } from '../engine/client';
import { openScan, useApp, type LesionSortKey, type ModelEntry, type Selection } from './store';
import { cachedQuantities, explainSelected, resumePrecompute, stopPrecompute } from './explainActions';

const MODELS_INDEX = 'models/index.json';

/** Reads the list of shipped models (modelActions.loadAllModels adds the user's); the first is the default. */
export async function loadModelList(): Promise<void> {
  const app = useApp.getState();
  try {
    const res = await fetch(import.meta.env.BASE_URL + MODELS_INDEX);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const index = (await res.json()) as { models: Omit<ModelEntry, 'manifestUrl'>[] };
    const models = index.models.map((m) => ({ ...m, manifestUrl: `${import.meta.env.BASE_URL}models/${m.name}/manifest.json` }));
    useApp.setState({ models: [...models, ...useApp.getState().models.filter((m) => m.local)], modelName: app.modelName ?? models[0]?.name ?? null });
  } catch (e) {
    app.setError(`The list of models could not be read (${(e as Error).message}).`);
  }
}

export function selectModel(name: string): void {
  const m = useApp.getState().models.find((x) => x.name === name);
  if (!m) return;
  useApp.setState((s) => ({ modelName: name, segmentationError: null, instanceSettings: withModelDefaults(s.instanceSettings, m) }));
}

/** A model's own threshold and smallest-lesion rule (chosen on its validation cases), the user's connectivity. */
export function withModelDefaults(s: InstanceSettings, m: ModelEntry): InstanceSettings {
  return { ...s, threshold: m.defaultThreshold, maxDroppedVoxels: m.defaultMaxDroppedVoxels };
}

/** Runs the chosen model over the whole scan in the worker, with progress and cancel. */
export async function runSegmentation(): Promise<void> {
  const s = useApp.getState();
  const model = s.models.find((m) => m.name === s.modelName);
  if (!s.scan || !model || s.job) return;
  stopPrecompute();
  const engine = getEngine();
  const started = performance.now();
  const { jobId, result } = engine.run(
    'segment',
    openScan(s),
    { modelUrl: model.manifestUrl, backend: s.backendPreference, ...(s.brainEdit ? { brainMask: s.brainEdit } : {}) },
    {
      onProgress: (stage, done, total) => useApp.setState((st) => (st.job?.id === jobId ? { job: { ...st.job, stage, done, total } } : {})),
      onBackend: (backend) => useApp.setState({ backend }),
    },
  );
  useApp.setState({ job: { id: jobId, kind: 'segment', title: `Segmenting with ${model.title}`, stage: 'starting', done: 0, total: 1 }, error: null, segmentationError: null });
  try {
    const r = await result;
    const scanNow = useApp.getState().scan;
    if (scanNow !== s.scan) return; // another case was opened meanwhile
    useApp.setState((st) => ({
      segmentation: { probability: r.probability, modelName: model.name, backend: st.backend, seconds: r.seconds ?? (performance.now() - started) / 1000, brainMask: r.brainMask },
      notices: [...st.notices, ...r.notices],
      // the correction is applied: the result's brain is it
      brainEdit: st.brainEdit === s.brainEdit ? null : st.brainEdit,
      selection: null,
      explanations: {},
    }));
    recomputeAnalysis();
  } catch (e) {
    if (!(e instanceof JobCancelled)) {
      useApp.getState().setError(`Segmentation failed: ${(e as Error).message}`);
      useApp.setState({ segmentationError: (e as Error).message });
    }
  } finally {
    useApp.setState((st) => (st.job?.id === jobId ? { job: null } : {}));
    resumePrecompute(); // it waited for this job to end
  }
}

export function cancelJob(): void {
  const job = useApp.getState().job;
  if (job) getEngine().cancel(job.id);
}


/** Lesions from the probability map with the current settings (runs on every threshold change). */
export function recomputeAnalysis(): void {
  const s = useApp.getState();
  if (!s.scan || !s.segmentation) return;
  stopPrecompute(); // the lesions may change: the background restarts on the new ones
  const analysis = analyseCase(s.scan.flair, s.segmentation.probability, s.instanceSettings, s.scan.mask?.data);
  const sel = s.selection;
  const stillThere = sel && (sel.kind === 'predicted' ? sel.id <= analysis.lesions.length : sel.id <= (analysis.groundTruth?.gtLabels.count ?? 0));
  useApp.setState({ analysis, selection: stillThere ? sel : null });
  resumePrecompute();
}

export function updateInstanceSettings(change: Partial<InstanceSettings>): void {
  useApp.setState((s) => ({ instanceSettings: { ...s.instanceSettings, ...change } }));
  recomputeAnalysis();
}

/** Selecting a lesion explains it right away (mean SmoothGrad by default), from the cache when possible. */
export function select(selection: Selection | null): void {
  useApp.setState({ selection });
  if (selection) explainSelected();
}

/** The selected lesion's measures (predicted or missed). */
export function selectedMeasures() {
  const s = useApp.getState();
  return lesionOf(s.analysis, s.selection);
}

/** A selection's lesion: the predicted instance (with its detection) or the missed ground-truth lesion. */
export function lesionOf(a: CaseAnalysis | null, sel: Selection | null): Lesion | null {
  if (!a || !sel) return null;
  return sel.kind === 'predicted' ? (a.lesions[sel.id - 1] ?? null) : (a.groundTruth?.missed.find((x) => x.lesionId === sel.id) ?? null);
}

/** Ordered list of what N / P step through: the table's lesions, then missed ones. */
export function stepSelection(delta: 1 | -1, order: Selection[]): void {
  if (!order.length) return;
  const cur = useApp.getState().selection;
  const i = cur ? order.findIndex((o) => o.kind === cur.kind && o.id === cur.id) : -1;
  const next = i < 0 ? (delta > 0 ? 0 : order.length - 1) : (i + delta + order.length) % order.length;
  select(order[next]);
}

/** Sorted rows of the lesion table, missed ground-truth lesions last: also the order N / P step through. */
export function tableOrder(lesions: Lesion[], missedIds: number[], key: LesionSortKey, descending: boolean, peakOf: (id: number) => number = () => NaN): Selection[] {
  // lesions without a value yet (peak saliency still being computed) go last either way
  const value = (l: Lesion) => (key === 'flairPeak' ? peakOf(l.lesionId) : l[key]);
  const sorted = [...lesions].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(va) ? (Number.isNaN(vb) ? 0 : 1) : -1;
    return (descending ? -1 : 1) * (va - vb);
  });
  return [...sorted.map((l) => ({ kind: 'predicted' as const, id: l.lesionId })), ...missedIds.map((id) => ({ kind: 'missed' as const, id }))];
}

/** The lesion table's current order (sort key and direction from the store). */
export function currentTableOrder(s = useApp.getState()): Selection[] {
  if (!s.analysis) return [];
  const missed = s.analysis.groundTruth?.missed.map((m) => m.lesionId) ?? [];
  return tableOrder(s.analysis.lesions, missed, s.lesionSort.key, s.lesionSort.desc, (id) => cachedQuantities(id, s)?.flairPeak ?? NaN);
}
