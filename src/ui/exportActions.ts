import { version as APP_VERSION } from '../../package.json';
import {
  buildProvenance, exportFileName, floatMapNifti, labelMapNifti, lesionTableCsv, maskNifti, parseProvenance, screenshotCaption, sha256Hex,
  type ProvenanceRecord,
} from '../core/export';
import { mapOnScanGrid, methodById } from '../core/xai';
import { useApp, type Selection } from './store';
import { currentExplanation, quantitiesForRow } from './explainActions';
import { recomputeAnalysis, runSegmentation, select, selectModel } from './segmentationActions';
import { saliencyLegend, type SaliencyLegend } from './colourMaps';
import { currentViewer } from './viewerHandle';
import { viewPng } from './viewCapture';
import { currentBrain } from './brainActions';
import { markExported } from './unsaved';

export { APP_VERSION };

/** Saves bytes as a file through the browser's own download (nothing leaves the computer). */
function download(data: Blob | string | Uint8Array, type: string, name: string): void {
  // our byte arrays are never shared memory: the cast only narrows the buffer type
  const url = URL.createObjectURL(new Blob([data as Blob | string | Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  markExported(); // leaving the page no longer asks about these results
}

function nameFor(what: string, ext: string, lesion: Selection | null = null, method: string | null = null): string {
  const s = useApp.getState();
  return exportFileName({ caseName: s.caseInfo?.name ?? 'case', lesion, method, what, time: new Date(), ext });
}

const lesionWords = (sel: Selection) => (sel.kind === 'predicted' ? `lesion ${sel.id}` : `missed lesion GT ${sel.id}`);

/** The saliency scale the overlay uses now (as SaliencyColourBar shows it), or null when no map is shown. */
export function shownSaliencyLegend(s = useApp.getState()): SaliencyLegend | null {
  const e = currentExplanation(s);
  const maps = e?.data.maps ?? (s.partialSaliency?.maps ?? null);
  if (!maps) return null;
  const names = e?.data.channels ?? ['FLAIR'];
  return saliencyLegend(maps, !!e && !methodById(e.data.settings.method).signed, s.saliencyThreshold, names[Math.min(s.saliencyChannel, names.length - 1)]);
}

/** PNG of the viewer at 2x its device pixels, with the caption (notice, lesion, method, model) and colour bar burned in. */
export async function exportViewPng(): Promise<void> {
  const s = useApp.getState();
  const nv = currentViewer();
  if (!nv || !s.scan) return;
  const e = currentExplanation(s);
  const es = e?.data.settings;
  const channel = e ? e.data.channels[Math.min(s.saliencyChannel, e.data.channels.length - 1)] : null;
  const method = es
    ? `${methodById(es.method).title}${methodById(es.method).usesNoise ? `, N ${es.samples}, seed ${es.seed}` : ''}, crop ${es.cropMode}, map ${channel}, threshold ${Math.round(100 * s.saliencyThreshold)} % of max`
    : null;
  const model = s.models.find((m) => m.name === s.segmentation?.modelName);
  const caption = screenshotCaption({
    appVersion: APP_VERSION,
    caseName: s.caseInfo?.name ?? 'case',
    lesion: s.selection ? lesionWords(s.selection) : null,
    method,
    model: model ? `${model.title} (${model.name}), threshold ${s.instanceSettings.threshold}` : null,
    backend: s.segmentation?.backend?.name ?? s.backend?.name ?? null,
    time: new Date(),
  });
  const png = await viewPng(nv, 2, caption, shownSaliencyLegend(s));
  download(png, 'image/png', nameFor('view', 'png', s.selection, es?.method ?? null));
}

export function exportLabelsNifti(): void {
  const s = useApp.getState();
  if (!s.scan || !s.analysis) return;
  download(labelMapNifti(s.scan.flair, s.analysis.labels.labels, s.analysis.labels.count), 'application/gzip', nameFor('lesion-labels', 'nii.gz'));
}

export function exportProbabilityNifti(): void {
  const s = useApp.getState();
  if (!s.scan || !s.segmentation) return;
  const bytes = floatMapNifti(s.scan.flair, s.segmentation.probability, `LesionLens lesion probability, ${s.segmentation.modelName}`);
  download(bytes, 'application/gzip', nameFor('probability', 'nii.gz'));
}

/** The brain the pipeline used, or the user's correction of it while there is one. */
export function exportBrainNifti(): void {
  const s = useApp.getState();
  const brain = currentBrain(s);
  if (!s.scan || !brain) return;
  const what = s.brainEdit ? 'brain mask corrected by the user' : 'extracted brain mask';
  download(maskNifti(s.scan.flair, brain, `LesionLens ${what}`), 'application/gzip', nameFor('brain-mask', 'nii.gz'));
}

/** One channel of the shown explanation, on the whole FLAIR grid (zero outside the computed crop). */
export function exportSaliencyNifti(channel: number): void {
  const s = useApp.getState();
  const e = currentExplanation(s);
  if (!s.scan || !e) return;
  const name = e.data.channels[channel];
  const data = mapOnScanGrid(e.data, channel, s.scan.flair.dims);
  const m = methodById(e.data.settings.method);
  // noise methods: the seed reproduces the map; CAMs: the map is scaled, not in model units
  const how = [m.usesNoise && `seed ${e.data.settings.seed}`, !m.signed && 'scaled to [0, 1]'].filter(Boolean).join(', ');
  const bytes = floatMapNifti(s.scan.flair, data, `LesionLens ${m.id} ${name}, ${how}`);
  download(bytes, 'application/gzip', nameFor(`saliency-${name}`, 'nii.gz', e.selection, e.data.settings.method));
}

/** The lesion table, one row per lesion, with each lesion's saliency quantities where it was explained (quantitiesForRow). */
export function exportLesionCsv(): void {
  const s = useApp.getState();
  if (!s.analysis) return;
  const csv = lesionTableCsv(s.analysis, (kind, id) => quantitiesForRow({ kind, id }, s));
  download(csv, 'text/csv', nameFor('lesions', 'csv'));
}

// the hash of a model's weights file, once per model and page
const modelHashes = new Map<string, Promise<{ file: string; sha256: string | null }>>();

async function modelFileHash(manifestUrl: string): Promise<{ file: string; sha256: string | null }> {
  const manifest = (await (await fetch(manifestUrl)).json()) as { file: string };
  const res = await fetch(new URL(manifest.file, new URL(manifestUrl, location.href)));
  return { file: manifest.file, sha256: res.ok ? await sha256Hex(await res.arrayBuffer()) : null };
}

/** What made the current lesions and explanation, as a record that "Open provenance" applies again. */
export async function currentProvenance(): Promise<ProvenanceRecord | null> {
  const s = useApp.getState();
  const model = s.models.find((m) => m.name === s.segmentation?.modelName);
  if (!s.scan || !s.caseInfo || !s.segmentation || !model) return null;
  // an added model's hash was taken when it was added (its files are in IndexedDB, not on the server)
  if (model.local) modelHashes.set(model.name, Promise.resolve({ file: model.local.file, sha256: model.local.sha256 }));
  else if (!modelHashes.has(model.name)) modelHashes.set(model.name, modelFileHash(model.manifestUrl).catch(() => ({ file: '', sha256: null })));
  const hash = await modelHashes.get(model.name)!;
  const e = currentExplanation(s);
  return buildProvenance({
    time: new Date(),
    appVersion: APP_VERSION,
    case: { name: s.caseInfo.name, flair: s.caseInfo.flairName, mprage: s.caseInfo.mprageName, mask: s.caseInfo.maskName, dims: s.scan.flair.dims, voxToMm: s.scan.flair.voxToMm },
    model: { name: model.name, title: model.title, ...hash },
    backend: { requested: s.backendPreference, used: s.segmentation.backend?.name ?? null, adapter: s.segmentation.backend?.adapter ?? null },
    instanceSettings: s.instanceSettings,
    lesion: s.selection,
    explainSettings: e?.data.settings ?? s.explainSettings,
    explanation: e ? { channels: e.data.channels, exact: e.data.exact, note: e.data.note, record: e.data.provenance } : null,
  });
}

export async function exportProvenance(): Promise<void> {
  const record = await currentProvenance();
  if (!record) return;
  download(JSON.stringify(record, null, 2) + '\n', 'application/json', nameFor('provenance', 'json', record.lesion, record.explanation ? record.explainSettings.method : null));
}

/**
 * Applies a provenance record to the open case: model, backend, lesion-instance and explanation settings, then the
 * lesion, so the same maps are computed again (same seed and backend: identical numbers on cpu).
 */
export async function openProvenance(file: File): Promise<void> {
  const app = useApp.getState();
  let r: ProvenanceRecord;
  try {
    r = parseProvenance(await file.text());
  } catch (e) {
    app.setError(`${file.name}: ${(e as Error).message}`);
    return;
  }
  const s = useApp.getState();
  if (!s.scan || !s.caseInfo) {
    app.setError(`Open the case first (${r.case.flair} + ${r.case.mprage}), then open its provenance record.`);
    return;
  }
  if (s.job) {
    app.setError(`${s.job.title} is still running: let it finish (or cancel it), then open ${file.name} again.`);
    return;
  }
  const model = s.models.find((m) => m.name === r.model.name);
  if (!model) {
    app.setError(`${file.name} was made with the model '${r.model.name}', which this app does not ship.`);
    return;
  }
  const notes: string[] = [];
  if (s.caseInfo.flairName !== r.case.flair || s.caseInfo.mprageName !== r.case.mprage || s.scan.flair.dims.some((d, a) => d !== r.case.dims[a]))
    notes.push(`${file.name} was made from ${r.case.flair} + ${r.case.mprage} (${r.case.dims.join(' x ')}); the open case is ${s.caseInfo.flairName} + ${s.caseInfo.mprageName}. The settings were applied anyway.`);
  const hash = r.model.sha256 ? await (modelHashes.get(model.name) ?? (model.local ? { sha256: model.local.sha256 } : modelFileHash(model.manifestUrl).catch(() => null))) : null;
  if (hash?.sha256 && hash.sha256 !== r.model.sha256) notes.push(`The model '${model.name}' has changed since ${file.name} was made (different SHA-256): the maps will differ.`);
  notes.push(`Applied ${file.name}: model ${model.name}, backend ${r.backend.requested}, threshold ${r.instanceSettings.threshold}, ${r.explainSettings.method}${methodById(r.explainSettings.method).usesNoise ? `, N ${r.explainSettings.samples}, seed ${r.explainSettings.seed}` : ''}, crop ${r.explainSettings.cropMode}.`);
  const sameSegmentation = s.segmentation?.modelName === model.name && s.backendPreference === r.backend.requested;
  if (s.modelName !== model.name) selectModel(model.name);
  useApp.setState((st) => ({
    backendPreference: r.backend.requested,
    instanceSettings: { ...r.instanceSettings },
    explainSettings: { ...r.explainSettings },
    notices: [...st.notices, ...notes],
  }));
  if (sameSegmentation) recomputeAnalysis();
  else await runSegmentation();
  if (r.lesion) select(r.lesion);
}
