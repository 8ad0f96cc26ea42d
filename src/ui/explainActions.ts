import { getEngine, JobCancelled } from '../engine/client';
import type { ExplainSettings } from '../engine/protocol';
import { useApp, type Selection } from './store';

/** The cache key of an explanation: lesion, the segmentation settings that define it, model and method settings. */
export function explanationKey(selection: Selection, s = useApp.getState()): string {
  const i = s.instanceSettings;
  const e = s.explainSettings;
  return [s.segmentation?.modelName, `${selection.kind}${selection.id}`, i.threshold, i.connectivity, i.maxDroppedVoxels, e.method, e.samples, e.seed, e.cropMode].join('|');
}

/** Scan-grid voxel indices of a lesion: a predicted instance, or the ground-truth component of a missed one. */
function lesionVoxels(selection: Selection): Int32Array {
  const a = useApp.getState().analysis!;
  const labels = selection.kind === 'predicted' ? a.labels.labels : a.groundTruth!.gtLabels.labels;
  const out: number[] = [];
  for (let v = 0; v < labels.length; v++) if (labels[v] === selection.id) out.push(v);
  return Int32Array.from(out);
}

let running: { jobId: number; key: string } | null = null;

/** Explains the selected lesion with the current settings, unless it is cached; a newer request cancels an older one. */
export async function explainSelected(): Promise<void> {
  const s = useApp.getState();
  const sel = s.selection;
  const model = s.models.find((m) => m.name === s.segmentation?.modelName);
  if (!sel || !s.scan || !s.analysis || !model) return;
  const key = explanationKey(sel, s);
  if (s.explanations[key] || running?.key === key) return;
  if (s.job && !running) return; // a segmentation is running
  if (running) getEngine().cancel(running.jobId);
  const { jobId, result } = getEngine().explain(
    {
      modelUrl: model.manifestUrl,
      backend: s.backendPreference,
      channels: [s.scan.flair.data, s.scan.mprage.data],
      dims: s.scan.flair.dims,
      spacingMm: s.scan.flair.spacingMm,
      scanId: s.scanId,
      lesionVoxels: lesionVoxels(sel),
      settings: s.explainSettings,
    },
    {
      onProgress: (stage, done, total) => useApp.setState((st) => (st.job?.id === jobId ? { job: { ...st.job, stage, done, total } } : {})),
      onBackend: (backend) => useApp.setState({ backend }),
      onPartial: (flair) => useApp.setState({ partialSaliency: { key, flair } }),
    },
  );
  running = { jobId, key };
  const label = sel.kind === 'predicted' ? `lesion ${sel.id}` : `missed lesion GT ${sel.id}`;
  useApp.setState({ job: { id: jobId, title: `Explaining ${label}`, stage: 'starting', done: 0, total: 1 }, partialSaliency: null });
  try {
    const data = await result;
    useApp.setState((st) => ({ explanations: { ...st.explanations, [key]: { key, selection: sel, data } } }));
  } catch (e) {
    if (!(e instanceof JobCancelled)) useApp.getState().setError(`The explanation failed: ${(e as Error).message}`);
  } finally {
    if (running?.jobId === jobId) running = null;
    useApp.setState((st) => ({
      job: st.job?.id === jobId ? null : st.job,
      partialSaliency: st.partialSaliency?.key === key ? null : st.partialSaliency,
    }));
  }
}

export function updateExplainSettings(change: Partial<ExplainSettings>): void {
  useApp.setState((s) => ({ explainSettings: { ...s.explainSettings, ...change } }));
  explainSelected();
}

/** The explanation to show: the selected lesion's under the current settings. */
export function currentExplanation(s = useApp.getState()) {
  return s.selection ? s.explanations[explanationKey(s.selection, s)] ?? null : null;
}
