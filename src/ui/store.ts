import { create } from 'zustand';
import type { LoadedCase } from '../core/pipeline/loadCase';
import type { ScanRole } from '../core/volume/roles';
import { DEFAULT_MAX_DROPPED_VOXELS, type CaseAnalysis, type InstanceSettings, type ReviewCalibration } from '../core/lesions';
import type { BackendChoice, BackendPreference, ModelCheck, ModelFileFacts, ModelFiles } from '../core/model';
import type { ExplainSettings, ExplanationData } from '../engine/protocol';
import type { CroppedMaps } from '../core/xai';
import type { OpenScan } from '../engine/client';
import type { ContextResult } from '../core/xai';

const BACKEND_KEY = 'lesionlens.backend';
/** The user's compute choice survives a reload: the fastest backend of a machine does not change between visits. */
export function savedBackendPreference(): BackendPreference {
  try {
    const v = globalThis.localStorage?.getItem(BACKEND_KEY);
    return v === 'webgpu' || v === 'webgl' || v === 'cpu' ? v : 'auto';
  } catch {
    return 'auto'; // storage blocked (private mode, policy): the automatic choice
  }
}

export function chooseBackendPreference(backendPreference: BackendPreference): void {
  useApp.setState({ backendPreference });
  try {
    globalThis.localStorage?.setItem(BACKEND_KEY, backendPreference);
  } catch {
    // not kept across reloads, still used now
  }
}

export type Background = 'flair' | 'mprage';
export type BrainTool = 'off' | 'paint' | 'erase';
export type Layout = 'multiplanar' | 'axial' | 'coronal' | 'sagittal' | 'render';

/** A file the user dropped or picked, waiting for its role to be confirmed. */
export interface PendingFile {
  file: File;
  role: ScanRole | 'ignore';
  /** what the list shows instead of the file name (a converted DICOM series: number, description, grid) */
  label?: string;
  /** the .img of a NIfTI-1 .hdr/.img pair (`file` is the .hdr) */
  img?: File;
}

export interface CaseInfo {
  name: string;
  flairName: string;
  mprageName: string;
  maskName?: string;
}

export interface CrosshairReadout {
  vox: [number, number, number];
  mm: [number, number, number];
  flair: number;
  mprage: number;
  mask?: number;
}

export interface WindowLevel {
  min: number;
  max: number;
}

/** One entry of public/models/index.json. */
export interface ModelEntry {
  name: string;
  title: string;
  manifestUrl: string;
  defaultThreshold: number;
  /** the model's smallest-lesion rule: components of this many voxels or fewer are dropped (its manifest's, else method.md's 5) */
  defaultMaxDroppedVoxels: number;
  /** peak-saliency review calibration measured on held-out cases (scripts/calibrate-review.ts), if any */
  review?: ReviewCalibration | null;
  /** figures on real MS patients from the app's own runtime (scripts/evaluate-models.ts --real), if evaluated */
  realData?: { nDSC: number; F1: number; FDR: number; cases: number } | null;
  /** held-out figures from the app's own runtime (scripts/evaluate-models.ts), if evaluated */
  heldOut?: { nDSC: number; F1: number; cases: number } | null;
  /** the same figures computed in PyTorch (training/evaluate_torch.py): shown while the app's evaluation covers fewer cases */
  crossCheck?: { nDSC: number; F1: number; cases: number } | null;
  /** size of the model file, MB */
  fileMB?: number;
  /** a model the user added from files (kept in this browser): its model file, SHA-256 and when it was added */
  local?: { file: string; sha256: string; addedAt: string; provenance: string };
}

export interface Segmentation {
  probability: Float32Array;
  modelName: string;
  backend: BackendChoice | null;
  seconds: number;
  /** the brain the pipeline extracted (scan grid), null when the scan was skull-stripped already */
  brainMask: Uint8Array | null;
}

/** A selected lesion: a predicted instance, or a missed ground-truth lesion (FN). */
export interface Selection {
  kind: 'predicted' | 'missed';
  id: number;
}

export interface Job {
  id: number;
  /** what runs: panels show their own job's progress */
  kind: 'segment' | 'explain' | 'context';
  title: string;
  stage: string;
  done: number;
  total: number;
}

export type LesionSortKey = 'lesionId' | 'volumeMm3' | 'meanProbability' | 'maxProbability' | 'flairPeak';

export interface OverlaySettings {
  labels: boolean;
  outlines: boolean;
  probability: boolean;
  /** outline of the extracted brain (scans with skull only) */
  brain: boolean;
  opacity: number;
}

/** An explanation of one lesion, kept per lesion, model and settings (the cache key). */
export interface LesionExplanation {
  key: string;
  selection: Selection;
  data: ExplanationData;
}

export interface AppState {
  scan: LoadedCase | null;
  /** increases with every case opened: names the scan the worker holds */
  scanId: number;
  caseInfo: CaseInfo | null;
  busy: string | null;
  error: string | null;
  notices: string[];
  pending: PendingFile[];
  /** what the user should know about the files waiting (series of a DICOM study that cannot be used) */
  pendingNotes: string[];
  /** the user's correction of the brain mask (scan grid), until a segmentation applies it */
  brainEdit: Uint8Array | null;
  /** painting or erasing the brain mask in the viewer */
  brainTool: BrainTool;
  /** the viewer's WebGL renderer when it is software (no GPU, e.g. SwiftShader): the multiplanar view then leaves out its 3D tile */
  softwareViewer: string | null;
  background: Background;
  layout: Layout;
  showMask: boolean;
  /** radiological display: the patient's right on the screen's left (neurological, the default: left on the left) */
  radiological: boolean;
  /** 2D views zoomed about the selected lesion (key Z) */
  zoomToLesion: boolean;
  window: Record<Background, WindowLevel | null>;
  crosshair: CrosshairReadout | null;
  models: ModelEntry[];
  modelName: string | null;
  backendPreference: BackendPreference;
  backend: BackendChoice | null;
  job: Job | null;
  segmentation: Segmentation | null;
  /** why the last segmentation failed (e.g. a broken model), shown in the model panel until the next run */
  segmentationError: string | null;
  instanceSettings: InstanceSettings;
  analysis: CaseAnalysis | null;
  selection: Selection | null;
  overlay: OverlaySettings;
  lesionSort: { key: LesionSortKey; desc: boolean };
  explainSettings: ExplainSettings;
  /** finished explanations by key; the one shown is the selected lesion's under the current settings */
  explanations: Record<string, LesionExplanation>;
  /** SmoothGrad running mean while an explanation is being computed (FLAIR, on a box of the scan grid) */
  partialSaliency: ({ key: string } & CroppedMaps) | null;
  saliencyChannel: number;
  /** saliency overlay: share of the map's max |value| below which it is transparent (the slider) */
  saliencyThreshold: number;
  /** background mean SmoothGrad of every lesion (explainActions.ts) */
  /** why: set when the background paused itself (too slow on this device); costAccepted: the user resumed it anyway */
  precompute: { state: 'running' | 'paused' | 'done'; done: number; total: number; why?: string; costAccepted?: boolean } | null;
  precomputeEnabled: boolean;
  /** context experiments by lesion key (model, lesion, instance settings) */
  contextResults: Record<string, ContextResult>;
  /** a model being added from files: the form's state (modelActions.ts) */
  addingModel: ModelDraft | null;
  setCase: (scan: LoadedCase, info: CaseInfo) => void;
  setBusy: (msg: string | null) => void;
  setError: (msg: string | null) => void;
  dismissNotice: (i: number) => void;
  setPending: (p: PendingFile[], notes?: string[]) => void;
  setBackground: (b: Background) => void;
  setLayout: (l: Layout) => void;
  setShowMask: (v: boolean) => void;
  setWindow: (b: Background, w: WindowLevel | null) => void;
  setCrosshair: (c: CrosshairReadout | null) => void;
}

/** A model the user is adding: its files, what the graph says, the form's manifest and the last dry run. */
export interface ModelDraft {
  files: ModelFiles;
  facts: ModelFileFacts;
  manifest: Record<string, unknown>;
  /** the last dry run, and the manifest it checked (Add needs the form unchanged since) */
  check: ModelCheck | null;
  checkedJson: string | null;
  error: string | null;
  busy: boolean;
}

export const useApp = create<AppState>((set) => ({
  addingModel: null,
  scan: null,
  scanId: 0,
  caseInfo: null,
  busy: null,
  error: null,
  notices: [],
  pending: [],
  pendingNotes: [],
  brainEdit: null,
  brainTool: 'off',
  softwareViewer: null,
  background: 'flair',
  layout: 'multiplanar',
  // off until asked: a case opened with its ground truth painted looks as if a model had already run
  showMask: false,
  radiological: false,
  zoomToLesion: false,
  window: { flair: null, mprage: null },
  crosshair: null,
  models: [],
  modelName: null,
  backendPreference: savedBackendPreference(),
  backend: null,
  job: null,
  segmentation: null,
  segmentationError: null,
  instanceSettings: { threshold: 0.5, connectivity: 18, maxDroppedVoxels: DEFAULT_MAX_DROPPED_VOXELS },
  analysis: null,
  selection: null,
  overlay: { labels: true, outlines: true, probability: false, brain: true, opacity: 0.5 },
  lesionSort: { key: 'volumeMm3', desc: true },
  explainSettings: { method: 'smoothgrad-mean', samples: 50, seed: 1, cropMode: 'exact' },
  explanations: {},
  partialSaliency: null,
  saliencyChannel: 0,
  saliencyThreshold: 0.1,
  precompute: null,
  precomputeEnabled: true,
  contextResults: {},
  setCase: (scan, caseInfo) =>
    set((s) => ({
      scan,
      scanId: s.scanId + 1,
      caseInfo,
      notices: scan.notices,
      error: null,
      pending: [],
      pendingNotes: [],
      brainEdit: null,
      brainTool: 'off',
      crosshair: null,
      window: { flair: null, mprage: null },
      segmentation: null,
      analysis: null,
      selection: null,
      explanations: {},
      partialSaliency: null,
      precompute: null,
      contextResults: {},
    })),
  setBusy: (busy) => set({ busy }),
  setError: (error) => set({ error }),
  dismissNotice: (i) => set((s) => ({ notices: s.notices.filter((_, k) => k !== i) })),
  setPending: (pending, pendingNotes = []) => set({ pending, pendingNotes }),
  setBackground: (background) => set({ background }),
  setLayout: (layout) => set({ layout }),
  setShowMask: (showMask) => set({ showMask }),
  setWindow: (b, w) => set((s) => ({ window: { ...s.window, [b]: w } })),
  setCrosshair: (crosshair) => set({ crosshair }),
}));

/** The open case as the compute engine takes it (sent to the worker once per scanId). */
export function openScan(s: Pick<AppState, 'scan' | 'scanId'>): OpenScan {
  const scan = s.scan!;
  return { scanId: s.scanId, flair: scan.flair.data, mprage: scan.mprage.data, grid: scan.flair };
}
