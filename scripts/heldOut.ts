// Shared by the scripts that run the app's pipeline on held-out generated cases (evaluation, review calibration).
import { readFileSync, readdirSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SegmentationModel } from '../src/core/model';
import { segmentScan, windowPredictor } from '../src/core/pipeline';
import { DEFAULT_MAX_DROPPED_VOXELS } from '../src/core/lesions';
import { loadCase, type LoadedCase } from '../src/core/pipeline/loadCase';

export const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

export { folderReader } from '../src/cli/files';

/**
 * Case folders (flair.nii.gz, mprage.nii.gz or t1.nii.gz, lesions.nii.gz) under root, sorted, at most
 * limit; root itself when it is one case (e.g. the open-ms layout mni/patient07).
 */
export function caseDirs(root: string, limit: number): string[] {
  if (existsSync(join(root, 'flair.nii.gz'))) return [root];
  return readdirSync(root).sort().map((d) => join(root, d)).filter((d) => existsSync(join(d, 'flair.nii.gz'))).slice(0, limit);
}

export function readCase(dir: string): LoadedCase {
  const read = (f: string) => ({ name: f, bytes: readFileSync(join(dir, f)) });
  const t1 = existsSync(join(dir, 'mprage.nii.gz')) ? 'mprage.nii.gz' : 't1.nii.gz';
  return loadCase({ flair: read('flair.nii.gz'), mprage: read(t1), mask: read('lesions.nii.gz') });
}

// patient07's right hemisphere (no model trains on it) is split at this coronal plane, world y in mm:
// anterior = validation, posterior = the reported test. No lesion of its consensus mask crosses it.
// training/data.py region_mask has the same rule.
export const CORONAL_SPLIT_Y_MM = -14.5;
export const REGIONS = ['left', 'right', 'right-anterior', 'right-posterior'] as const;
export type Region = (typeof REGIONS)[number];

/** Whether a point (world RAS mm) lies in the region: x < 0 is left; '-anterior' is y >= the split plane. */
export function inRegion(region: Region, xMm: number, yMm: number): boolean {
  const side = region.startsWith('left') ? xMm < 0 : xMm >= 0;
  if (region.endsWith('-anterior')) return side && yMm >= CORONAL_SPLIT_Y_MM;
  if (region.endsWith('-posterior')) return side && yMm < CORONAL_SPLIT_Y_MM;
  return side;
}

/** Zeroes, in place, what lies outside the region (voxel centres through the grid's affine). */
export function keepRegion(grid: { dims: number[]; voxToMm: readonly number[] }, region: Region, ...maps: Float32Array[]) {
  const [nx, ny] = grid.dims;
  const m = grid.voxToMm;
  for (let v = 0; v < maps[0].length; v++) {
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / nx / ny);
    const x = m[0] * i + m[1] * j + m[2] * k + m[3];
    const y = m[4] * i + m[5] * j + m[6] * k + m[7];
    if (!inRegion(region, x, y)) for (const map of maps) map[v] = 0;
  }
}

/** The lesion probability on the scan grid and the model-grid input, through the app's one pipeline. */
export async function segmentCase(model: SegmentationModel, scan: LoadedCase) {
  const { input, probability } = await segmentScan([scan.flair.data, scan.mprage.data], scan.flair, model.manifest, windowPredictor(model));
  return { input, probability };
}

const MODELS_DIR = 'public/models';
const DEFAULT_MODEL = 'unet3d';

/** public/models/index.json: every model with a manifest, the default (3D U-Net) first, with its review calibration. */
export function writeModelIndex() {
  const names = readdirSync(MODELS_DIR).filter((d) => existsSync(join(MODELS_DIR, d, 'manifest.json')));
  const entries = names.map((name) => {
    const m = JSON.parse(readFileSync(join(MODELS_DIR, name, 'manifest.json'), 'utf8'));
    const figures = (f?: { nDSC: number; F1: number; cases: number }) => (f?.cases ? { nDSC: f.nDSC, F1: f.F1, cases: f.cases } : null);
    const realData = m.realData?.cases ? { nDSC: m.realData.nDSC, F1: m.realData.F1, FDR: m.realData.FDR, cases: m.realData.cases } : null;
    const heldOut = figures(m.metrics);
    const crossCheck = figures(m.pytorchCrossCheck);
    const fileMB = +(statSync(join(MODELS_DIR, name, m.file)).size / 1e6).toFixed(2);
    return { name, title: m.title ?? name, defaultThreshold: m.threshold, defaultMaxDroppedVoxels: m.maxDroppedVoxels ?? DEFAULT_MAX_DROPPED_VOXELS, review: m.review ?? null, realData, heldOut, crossCheck, fileMB };
  });
  entries.sort((a, b) => (a.name === DEFAULT_MODEL ? -1 : b.name === DEFAULT_MODEL ? 1 : a.name.localeCompare(b.name)));
  writeFileSync(join(MODELS_DIR, 'index.json'), JSON.stringify({ models: entries }, null, 2) + '\n');
}
