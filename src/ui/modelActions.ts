// Adding a model from files, and the added models' life in this browser: read the files, draft the manifest,
// dry-run it in the worker, keep it (IndexedDB), list it beside the shipped ones, remove it.
import { draftManifest, modelFileFacts, type ModelFiles } from '../core/model';
import { DEFAULT_MAX_DROPPED_VOXELS } from '../core/lesions';
import { getEngine } from '../engine/client';
import { listLocalModels, localModelUrl, removeLocalModel, saveLocalModel, type LocalModel } from '../engine/localModels';
import { useApp, type ModelDraft, type ModelEntry } from './store';
import { loadModelList, selectModel, withModelDefaults } from './segmentationActions';

/** Files that make a model rather than a scan: an .onnx file, or a TensorFlow.js model.json (with its weights). */
export function isModelFileName(name: string): boolean {
  return /\.onnx$/i.test(name) || /^model\.json$/i.test(name) || /\.bin$/i.test(name);
}

function entryOf(m: LocalModel): ModelEntry {
  const manifest = m.manifest as { name: string; threshold: number; maxDroppedVoxels?: number; file: string; provenance: string };
  const bytes = m.files[manifest.file]?.byteLength ?? 0;
  return {
    name: manifest.name,
    title: `${manifest.name} (yours)`,
    manifestUrl: localModelUrl(m),
    defaultThreshold: manifest.threshold,
    defaultMaxDroppedVoxels: manifest.maxDroppedVoxels ?? DEFAULT_MAX_DROPPED_VOXELS,
    review: null,
    realData: null,
    heldOut: null,
    crossCheck: null,
    fileMB: bytes / 1e6,
    local: { file: manifest.file, sha256: m.sha256, addedAt: m.addedAt, provenance: manifest.provenance },
  };
}

/** The shipped models, then the ones added in this browser; the chosen (or first) one sets the threshold. */
export async function loadAllModels(): Promise<void> {
  await loadModelList();
  await loadLocalModels();
  const s = useApp.getState();
  const first = s.models.find((m) => m.name === s.modelName) ?? s.models[0];
  if (first) useApp.setState((st) => ({ modelName: first.name, instanceSettings: withModelDefaults(st.instanceSettings, first) }));
}

/** The added models, after the shipped ones. */
async function loadLocalModels(): Promise<void> {
  let local: LocalModel[];
  try {
    local = await listLocalModels();
  } catch (e) {
    useApp.getState().setError(`Your added models could not be read (${(e as Error).message}).`);
    return;
  }
  useApp.setState((s) => ({ models: [...s.models.filter((m) => !m.local), ...local.map(entryOf)] }));
}

const setDraft = (patch: Partial<ModelDraft>) => useApp.setState((s) => (s.addingModel ? { addingModel: { ...s.addingModel, ...patch } } : {}));

/** Reads the files the user gave, drafts a manifest, and dry-runs it at once. */
export async function stageModelFiles(list: File[]): Promise<void> {
  const files: ModelFiles = new Map();
  for (const f of list) files.set(f.name, new Uint8Array(await f.arrayBuffer()));
  let draft: ModelDraft;
  try {
    const facts = modelFileFacts(files);
    draft = { files, facts, manifest: draftManifest(facts, facts.file), check: null, checkedJson: null, error: facts.problems.length ? `${facts.file} cannot be run here: ${facts.problems.join('; ')}.` : null, busy: false };
  } catch (e) {
    useApp.setState({ addingModel: null });
    useApp.getState().setError(`This is not a model LesionLens can add: ${(e as Error).message}.`);
    return;
  }
  useApp.setState({ addingModel: draft });
  if (!draft.error) await checkDraft();
}

/** A change in the form: the last dry run no longer vouches for it. */
export function updateDraftManifest(patch: Record<string, unknown>): void {
  const d = useApp.getState().addingModel;
  if (d) setDraft({ manifest: { ...d.manifest, ...patch }, error: null });
}

/** Dry run of the form's manifest in the worker (on the chosen backend). */
export async function checkDraft(): Promise<void> {
  const s = useApp.getState();
  const d = s.addingModel;
  if (!d || d.busy) return;
  setDraft({ busy: true, error: null });
  const { result } = getEngine().run('checkModel', null, { files: Object.fromEntries(d.files), manifest: d.manifest, backend: s.backendPreference });
  try {
    const check = await result;
    // the layer the check picked (when the form left it to it) shows in the form
    setDraft({ check, manifest: check.manifest, checkedJson: JSON.stringify(check.manifest), busy: false });
  } catch (e) {
    setDraft({ check: null, checkedJson: null, error: (e as Error).message, busy: false });
  }
}

/** Keeps the checked model in this browser and selects it. */
export async function addCheckedModel(): Promise<void> {
  const s = useApp.getState();
  const d = s.addingModel;
  if (!d?.check || d.checkedJson !== JSON.stringify(d.manifest)) return;
  const name = String(d.manifest.name);
  const clash = s.models.find((m) => m.name === name && m.local?.sha256 !== d.check!.sha256);
  if (clash) {
    setDraft({ error: `A model named '${name}' is listed already (${clash.title}): choose another name.` });
    return;
  }
  const model: LocalModel = { sha256: d.check.sha256, manifest: d.check.manifest, files: Object.fromEntries(d.files), addedAt: new Date().toISOString() };
  try {
    await saveLocalModel(model);
  } catch (e) {
    setDraft({ error: `The model could not be kept in this browser: ${(e as Error).message}.` });
    return;
  }
  useApp.setState((st) => ({ addingModel: null, models: [...st.models.filter((m) => m.local?.sha256 !== model.sha256), entryOf(model)] }));
  selectModel(name);
}

export function cancelAddModel(): void {
  useApp.setState({ addingModel: null });
}

/** Removes an added model from this browser (shipped models cannot be removed). */
export async function removeAddedModel(name: string): Promise<void> {
  const s = useApp.getState();
  const m = s.models.find((x) => x.name === name);
  if (!m?.local) return;
  try {
    await removeLocalModel(m.local.sha256);
  } catch (e) {
    s.setError(`The model could not be removed: ${(e as Error).message}.`);
    return;
  }
  const models = useApp.getState().models.filter((x) => x.name !== name);
  useApp.setState({ models });
  if (s.modelName === name && models[0]) selectModel(models[0].name);
}
