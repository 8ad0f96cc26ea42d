// One scan of a cohort, as the app would do it by hand: segment (core/pipeline), list the lesion instances,
// explain the chosen ones, and turn it all into the BIDS derivative files. No file system: the command line
// writes what this returns.
import type { SegmentationModel } from '../model';
import { analyseCase, type CaseAnalysis, type InstanceSettings } from '../lesions';
import { explainLesion, type LesionExplanation, type LoadedCase, type ModelInput, PIPELINE_VERSION, prepareModelInput, probabilityOnModelGrid, toScanGrid, windowPredictor } from '../pipeline';
import { type ExplainSettings, methodById } from '../xai/methods/index.ts';
import { pasteCrop } from '../xai/crop.ts';
import { floatMapNifti, labelMapNifti, lesionTableTsv, maskNifti } from '../export';
import { outputStem, type CohortScan } from './bids';

/** Which lesions get an explanation: every one, none, or the N largest (by voxels; ties: lower id first). */
export type ExplainChoice = 'all' | 'none' | number;

export interface CohortSettings {
  instance: InstanceSettings;
  explainLesions: ExplainChoice;
  explain: ExplainSettings;
}

export type ScanStage = 'brain' | 'windows' | 'lesions' | 'explain';

export interface ScanResult {
  input: ModelInput;
  probability: Float32Array;
  analysis: CaseAnalysis;
  /** by lesion id, in the order they were explained */
  explained: Map<number, LesionExplanation>;
  notices: string[];
}

/** Lesion ids to explain under a choice. */
export function lesionsToExplain(a: CaseAnalysis, choice: ExplainChoice): number[] {
  if (choice === 'none') return [];
  const bySize = [...a.lesions].sort((x, y) => y.voxels - x.voxels || x.lesionId - y.lesionId).map((l) => l.lesionId);
  return choice === 'all' ? bySize : bySize.slice(0, choice);
}

/** Segments and explains one loaded case; onProgress(stage, done, total) as work goes on. */
export async function processScan(
  model: SegmentationModel,
  scan: LoadedCase,
  s: CohortSettings,
  onProgress: (stage: ScanStage, done: number, total: number) => void = () => {},
): Promise<ScanResult> {
  onProgress('brain', 0, 1);
  const input = prepareModelInput([scan.flair.data, scan.mprage.data], scan.flair, model.manifest);
  onProgress('brain', 1, 1);
  const probability = toScanGrid(input, await probabilityOnModelGrid(input, windowPredictor(model), { onProgress: (d, t) => onProgress('windows', d, t) }));
  onProgress('lesions', 0, 1);
  const analysis = analyseCase(scan.flair, probability, s.instance, scan.mask?.data);
  onProgress('lesions', 1, 1);
  const ids = lesionsToExplain(analysis, s.explainLesions);
  const explained = new Map<number, LesionExplanation>();
  for (const [n, id] of ids.entries()) {
    onProgress('explain', n, ids.length);
    const voxels: number[] = [];
    analysis.labels.labels.forEach((l, v) => l === id && voxels.push(v));
    explained.set(id, await explainLesion(model, input, voxels, { method: s.explain.method, samples: s.explain.samples, seed: s.explain.seed, cropMode: s.explain.cropMode }));
  }
  onProgress('explain', ids.length, ids.length);
  return { input, probability, analysis, explained, notices: [...scan.notices, ...input.notices] };
}

/** What a scan's sidecar says besides the results: where it came from and how it was made. */
export interface RunInfo {
  appVersion: string;
  model: { name: string; title: string; file: string; sha256: string };
  backend: { requested: string; used: string; adapter: string };
  /** the inputs as the user named them */
  sources: { flair: string; t1: string; groundTruth: string | null };
}

export interface OutputFile {
  /** relative to the output dataset */
  path: string;
  bytes: Uint8Array;
}

const enc = new TextEncoder();
/** A BIDS desc label holds letters and digits only. */
const descLabel = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');

/** The settings that decide a scan's outputs: a finished scan is skipped only when they are the same. */
export function settingsKey(s: CohortSettings, modelSha256: string): string {
  return JSON.stringify({ pipeline: PIPELINE_VERSION, model: modelSha256, instance: s.instance, explainLesions: s.explainLesions, explain: s.explain });
}

/**
 * A scan's derivative files; the sidecar (<stem>_desc-lesions_dseg.json) comes last: it marks the scan done.
 * Nothing in them depends on the time or the machine's speed, so a rerun writes the same bytes.
 */
export function scanOutputs(scan: CohortScan, r: ScanResult, s: CohortSettings, info: RunInfo): OutputFile[] {
  const stem = outputStem(scan);
  const grid = r.input.scanGrid;
  const files: OutputFile[] = [];
  files.push({ path: `${stem}_desc-lesions_dseg.nii.gz`, bytes: labelMapNifti(grid, r.analysis.labels.labels, r.analysis.labels.count) });
  files.push({ path: `${stem}_label-lesion_probseg.nii.gz`, bytes: floatMapNifti(grid, r.probability, 'LesionLens lesion probability') });
  files.push({ path: `${stem}_desc-brain_mask.nii.gz`, bytes: maskNifti(grid, r.input.brain.mask, r.input.brain.alreadyStripped ? 'LesionLens: scan taken as skull-stripped' : 'LesionLens extracted brain') });
  const method = methodById(s.explain.method);
  const saliencyFiles: Record<string, string[]> = {};
  for (const [id, e] of r.explained) {
    saliencyFiles[id] = e.result.shownChannels.map((channel, c) => {
      const path = `${stem}_desc-lesion${id}${descLabel(method.id)}${descLabel(channel)}_saliency.nii.gz`;
      const full = pasteCrop(e.shownOnScan.maps[c], e.shownOnScan.crop, grid.dims);
      files.push({ path, bytes: floatMapNifti(grid, full, `LesionLens ${method.title} lesion ${id} ${channel}`) });
      return path.slice(path.lastIndexOf('/') + 1);
    });
  }
  const tsv = lesionTableTsv(r.analysis, (kind, id) => {
    const e = kind === 'predicted' ? r.explained.get(id) : undefined;
    return e ? { method: method.id, quantities: e.quantities } : undefined;
  });
  files.push({ path: `${stem}_desc-lesions_stats.tsv`, bytes: enc.encode(tsv) });
  const gt = r.analysis.groundTruth;
  const count = (d: string) => r.analysis.lesions.filter((l) => l.detection === d).length;
  const sidecar = {
    Description: 'Lesion instances (connected components) found by LesionLens; 0 background, 1..N lesion ids as in the stats TSV',
    Sources: [info.sources.flair, info.sources.t1],
    LesionLens: {
      settingsKey: settingsKey(s, info.model.sha256),
      version: info.appVersion,
      pipeline: PIPELINE_VERSION,
      model: info.model,
      backend: info.backend,
      instanceSettings: s.instance,
      explain: { lesions: s.explainLesions, ...s.explain, explained: [...r.explained.keys()] },
      explanations: Object.fromEntries([...r.explained].map(([id, e]) => [id, { exact: e.result.exact, note: e.result.note, files: saliencyFiles[id] }])),
      lesions: r.analysis.lesions.length,
      brain: { extracted: !r.input.brain.alreadyStripped, volumeMl: r.input.brain.volumeMl },
      modelGrid: { dims: r.input.modelGrid.dims, spacingMm: r.input.modelGrid.spacingMm },
      notices: r.notices,
      groundTruth: gt
        ? {
            file: info.sources.groundTruth,
            dice: gt.dice,
            nDsc: gt.nDsc,
            // the paper's lesion-wise matching (IoU >= 0.25), and the table's TP/FP/FN (any overlap)
            lesionwise: gt.match.lesionwise,
            overlap: { truePositives: count('TP'), falsePositives: count('FP'), missed: gt.missed.length },
          }
        : null,
    },
  };
  files.push({ path: `${stem}_desc-lesions_dseg.json`, bytes: enc.encode(JSON.stringify(sidecar, null, 2) + '\n') });
  return files;
}

/** The output dataset's dataset_description.json (BIDS derivatives). */
export function datasetDescription(appVersion: string, source: string): Uint8Array {
  return enc.encode(
    JSON.stringify(
      {
        Name: 'LesionLens white-matter lesion segmentation and instance explanations',
        BIDSVersion: '1.9.0',
        DatasetType: 'derivative',
        GeneratedBy: [{ Name: 'LesionLens', Version: appVersion, Description: 'research use, not for clinical decisions' }],
        SourceDatasets: [{ URL: source }],
      },
      null,
      2,
    ) + '\n',
  );
}
