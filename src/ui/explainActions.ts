import { getEngine, JobCancelled } from '../engine/client';
import type { ExplainSettings } from '../engine/protocol';
import type { LesionSaliency } from '../core/xai';
import { openScan, useApp, type Selection } from './store';
import { lastOverlayRepaintMs } from './viewerHandle';
import { BACKGROUND_BUDGET_S, formatDuration, projectedBackgroundSeconds } from './backgroundPace';

/** The cache key of an explanation: lesion, the segmentation settings that define it, model and method settings. */
export function explanationKey(selection: Selection, s = useApp.getState(), e: ExplainSettings = s.explainSettings): string {
  return [lesionKey(selection, s), e.method, e.samples, e.seed, e.cropMode].join('|');
}

/** The numbers of a lesion for its table row: the shown explanation's when it has them (SmoothGrad), else those of
 * any SmoothGrad explanation of the same lesion under the same model and lesion settings (switching to Grad-CAM++,
 * which has no per-lesion numbers, keeps what was computed). */
export function quantitiesForRow(selection: Selection, s = useApp.getState()): { method: string; quantities: LesionSaliency } | undefined {
  const shown = s.explanations[explanationKey(selection, s)];
  if (shown?.data.quantities) return { method: shown.data.settings.method, quantities: shown.data.quantities };
  const lesion = `${lesionKey(selection, s)}|`;
  const other = Object.values(s.explanations).find((e) => e.key.startsWith(lesion) && e.data.quantities);
  return other ? { method: other.data.settings.method, quantities: other.data.quantities! } : undefined;
}

/** Scan-grid voxel indices of a lesion: a predicted instance, or the ground-truth component of a missed one. */
function lesionVoxels(selection: Selection): Int32Array {
  const a = useApp.getState().analysis!;
  const labels = selection.kind === 'predicted' ? a.labels.labels : a.groundTruth!.gtLabels.labels;
  const out: number[] = [];
  for (let v = 0; v < labels.length; v++) if (labels[v] === selection.id) out.push(v);
  return Int32Array.from(out);
}

/** What every per-lesion job sends: model, backend and the lesion's voxels (the scan is resident in the worker). */
function lesionJob(sel: Selection, modelUrl: string, s = useApp.getState()) {
  return { modelUrl, backend: s.backendPreference, lesionVoxels: lesionVoxels(sel) };
}

/** The mean-SmoothGrad settings the background precompute uses: the user's N, seed and crop. */
export function backgroundSettings(s = useApp.getState()): ExplainSettings {
  return { ...s.explainSettings, method: 'smoothgrad-mean' };
}

/** A predicted lesion's mean-SmoothGrad quantities, if the background (or the user) computed them already. */
export function cachedQuantities(lesionId: number, s = useApp.getState()): LesionSaliency | null {
  return s.explanations[explanationKey({ kind: 'predicted', id: lesionId }, s, backgroundSettings(s))]?.data.quantities ?? null;
}

interface Running {
  jobId: number;
  key: string;
  background: boolean;
}
let running: Running | null = null;

/**
 * Runs one explanation in the worker and caches it. A user's request cancels whatever runs (its own older request,
 * or the background precompute, which resumes afterwards).
 */
async function runExplain(sel: Selection, settings: ExplainSettings, background: boolean): Promise<void> {
  const s = useApp.getState();
  const model = s.models.find((m) => m.name === s.segmentation?.modelName);
  if (!s.scan || !s.analysis || !model) return;
  const key = explanationKey(sel, s, settings);
  if (running) getEngine().cancel(running.jobId);
  let lastPartialMs = -Infinity;
  const { jobId, result } = getEngine().run(
    'explain',
    openScan(s),
    { ...lesionJob(sel, model.manifestUrl, s), settings },
    background
      ? { onProgress: (_stage, done, total) => checkBackgroundPace(jobId, done, total) }
      : {
          onProgress: (stage, done, total) => useApp.setState((st) => (st.job?.id === jobId ? { job: { ...st.job, stage, done, total } } : {})),
          onBackend: (backend) => useApp.setState({ backend }),
          onPartial: (partial) => {
            // the running map is repainted at most every 750 ms, and takes at most a quarter of the time: where drawing is
            // slow (software rendering) back-to-back repaints kept the Cancel button from being clicked
            const now = performance.now();
            if (now - lastPartialMs < Math.max(750, 4 * lastOverlayRepaintMs())) return;
            lastPartialMs = now;
            useApp.setState({ partialSaliency: { key, ...partial } });
          },
        },
  );
  running = { jobId, key, background };
  if (!background) {
    const label = sel.kind === 'predicted' ? `lesion ${sel.id}` : `missed lesion GT ${sel.id}`;
    useApp.setState({ job: { id: jobId, kind: 'explain', title: `Explaining ${label}`, stage: 'starting', done: 0, total: 1 }, partialSaliency: null });
  }
  const scanId = s.scanId;
  try {
    const data = await result;
    // a result for a case that is no longer open is dropped
    if (useApp.getState().scanId === scanId) useApp.setState((st) => ({ explanations: { ...st.explanations, [key]: { key, selection: sel, data } } }));
  } catch (e) {
    if (e instanceof JobCancelled) throw e;
    if (!background) useApp.getState().setError(`The explanation failed: ${(e as Error).message}`);
    else throw e;
  } finally {
    if (running?.jobId === jobId) running = null;
    if (!background)
      useApp.setState((st) => ({
        job: st.job?.id === jobId ? null : st.job,
        partialSaliency: st.partialSaliency?.key === key ? null : st.partialSaliency,
      }));
  }
}

/** The key of per-lesion results that do not depend on the explanation settings (the context experiment). */
export function lesionKey(selection: Selection, s = useApp.getState()): string {
  const i = s.instanceSettings;
  return [s.segmentation?.modelName, `${selection.kind}${selection.id}`, i.threshold, i.connectivity, i.maxDroppedVoxels].join('|');
}

/** Radii of kept surroundings the context experiment tries, mm (method.md: smallest k still detected). */
export const CONTEXT_RADII_MM = Array.from({ length: 16 }, (_, k) => k);

/** Runs the context experiment for the selected lesion (on request: it re-runs the model 16 times). */
export async function runContextExperiment(): Promise<void> {
  const s = useApp.getState();
  const sel = s.selection;
  const model = s.models.find((m) => m.name === s.segmentation?.modelName);
  if (!sel || !s.scan || !s.analysis || !model || s.job) return;
  if (running?.background) getEngine().cancel(running.jobId);
  const key = lesionKey(sel, s);
  const { jobId, result } = getEngine().run(
    'context',
    openScan(s),
    { ...lesionJob(sel, model.manifestUrl, s), radiiMm: CONTEXT_RADII_MM },
    { onProgress: (stage, done, total) => useApp.setState((st) => (st.job?.id === jobId ? { job: { ...st.job, stage, done, total } } : {})) },
  );
  useApp.setState({ job: { id: jobId, kind: 'context', title: 'Context experiment', stage: 'starting', done: 0, total: CONTEXT_RADII_MM.length } });
  try {
    const r = await result;
    useApp.setState((st) => ({ contextResults: { ...st.contextResults, [key]: r } }));
  } catch (e) {
    if (!(e instanceof JobCancelled)) useApp.getState().setError(`The context experiment failed: ${(e as Error).message}`);
  } finally {
    useApp.setState((st) => (st.job?.id === jobId ? { job: null } : {}));
    resumePrecompute();
  }
}

/** Explains the selected lesion with the current settings, unless it is cached; a newer request cancels an older one. */
export async function explainSelected(settings?: ExplainSettings): Promise<void> {
  const s = useApp.getState();
  const sel = s.selection;
  if (!sel || !s.scan || !s.analysis) return;
  settings ??= s.explainSettings;
  const key = explanationKey(sel, s, settings);
  if (s.explanations[key] || (running?.key === key && !running.background)) return;
  if (s.job && !running) return; // a segmentation is running
  try {
    await runExplain(sel, settings, false);
  } catch {
    // cancelled by a newer request: nothing to report
  } finally {
    if (!running) resumePrecompute();
  }
}

export function updateExplainSettings(change: Partial<ExplainSettings>): void {
  useApp.setState((s) => ({ explainSettings: { ...s.explainSettings, ...change } }));
  // N, seed or crop changed: the background drops the lesion in progress and works toward the new settings
  if (running?.background) getEngine().cancel(running.jobId);
  explainSelected();
  resumePrecompute();
}

/** The explanation to show: the selected lesion's under the current settings. */
export function currentExplanation(s = useApp.getState()) {
  return s.selection ? s.explanations[explanationKey(s.selection, s)] ?? null : null;
}

// ---- background precompute: mean SmoothGrad of every predicted lesion, largest first ----

let loopActive = false;

/** Predicted lesions still without a cached mean-SmoothGrad result, largest first. */
export function lesionsToPrecompute(s = useApp.getState()): Selection[] {
  if (!s.analysis) return [];
  const settings = backgroundSettings(s);
  return [...s.analysis.lesions]
    .sort((a, b) => b.volumeMm3 - a.volumeMm3)
    .map((l) => ({ kind: 'predicted' as const, id: l.lesionId }))
    .filter((sel) => !s.explanations[explanationKey(sel, s, settings)]);
}

function setProgress(state: 'running' | 'paused' | 'done') {
  const s = useApp.getState();
  const total = s.analysis?.lesions.length ?? 0;
  useApp.setState({ precompute: { state, total, done: total - lesionsToPrecompute(s).length, costAccepted: s.precompute?.costAccepted } });
}

/** When the background lesion in progress started its noise samples (its first progress message), ms. */
let paceStart: { jobId: number; ms: number } | null = null;

/** Pauses the background, with the reason, when the lesions left would take longer than BACKGROUND_BUDGET_S. */
function checkBackgroundPace(jobId: number, done: number, total: number): void {
  const now = performance.now();
  if (paceStart?.jobId !== jobId) paceStart = { jobId, ms: now };
  const s = useApp.getState();
  const p = s.precompute;
  if (!p || p.state !== 'running' || p.costAccepted) return;
  const left = lesionsToPrecompute(s).length;
  const projectedS = projectedBackgroundSeconds((now - paceStart.ms) / 1000, done, total, left);
  if (projectedS === null || projectedS <= BACKGROUND_BUDGET_S) return;
  const why = `the ${left} lesions left would take about ${formatDuration(projectedS)} on ${s.backend?.name ?? 'this backend'} at this pace; Resume runs them anyway, or click a lesion to explain just that one`;
  useApp.setState({ precompute: { ...p, state: 'paused', why } });
  getEngine().cancel(jobId);
}

/** (Re)starts the background precompute unless the user paused it or something else runs. */
export function resumePrecompute(): void {
  const s = useApp.getState();
  if (loopActive || !s.analysis || !s.segmentation || s.precompute?.state === 'paused' || !s.precomputeEnabled) return;
  loopActive = true;
  void (async () => {
    try {
      for (;;) {
        const st = useApp.getState();
        if (st.precompute?.state === 'paused' || !st.precomputeEnabled || !st.analysis) break;
        if (running || st.job) break; // the user's job resumes us when it ends
        const next = lesionsToPrecompute(st)[0];
        if (!next) {
          setProgress('done');
          break;
        }
        setProgress('running');
        try {
          await runExplain(next, backgroundSettings(st), true);
        } catch (e) {
          if (e instanceof JobCancelled) continue; // paused, a new case, or the user's request (which resumes us)
          useApp.setState({ precompute: { ...useApp.getState().precompute!, state: 'paused' } });
          useApp.getState().setError(`Background explanations stopped: ${(e as Error).message}`);
          break;
        }
      }
    } finally {
      loopActive = false;
    }
  })();
}

/** Pauses (cancelling the lesion in progress, which is redone on resume) or resumes the background precompute. */
export function togglePrecompute(): void {
  const p = useApp.getState().precompute;
  if (p?.state === 'paused') {
    // resuming after the background paused itself for its cost: the user accepts it
    useApp.setState({ precompute: { ...p, state: 'running', why: undefined, costAccepted: p.costAccepted || !!p.why } });
    resumePrecompute();
  } else if (p) {
    useApp.setState({ precompute: { ...p, state: 'paused' } });
    if (running?.background) getEngine().cancel(running.jobId);
  }
}

/** Stops background work for a case that is being replaced or re-segmented. */
export function stopPrecompute(): void {
  if (running?.background) getEngine().cancel(running.jobId);
  useApp.setState({ precompute: null });
}
