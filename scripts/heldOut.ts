// Shared by the scripts that run the app's pipeline on held-out generated cases (evaluation, review calibration).
import { readFileSync, readdirSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SegmentationModel } from '../src/core/model';
import { segmentVolume } from '../src/core/segment';
import { loadCase, zscoreNonZero, type LoadedCase } from '../src/core/volume';
import { windowPredictor } from '../src/engine/predictor';

export const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

export function folderReader(dir: string) {
  return async (path: string) => new Uint8Array(readFileSync(join(dir, path)));
}

/** Case folders (flair.nii.gz, mprage.nii.gz, lesions.nii.gz) under root, sorted, at most limit. */
export function caseDirs(root: string, limit: number): string[] {
  return readdirSync(root).sort().map((d) => join(root, d)).filter((d) => existsSync(join(d, 'flair.nii.gz'))).slice(0, limit);
}

export function readCase(dir: string): LoadedCase {
  const read = (f: string) => ({ name: f, bytes: readFileSync(join(dir, f)) });
  return loadCase({ flair: read('flair.nii.gz'), mprage: read('mprage.nii.gz'), mask: read('lesions.nii.gz') });
}

/** z-scored channels and the lesion probability, exactly as the app's worker computes them. */
export async function segmentCase(model: SegmentationModel, scan: LoadedCase) {
  const m = model.manifest;
  const channels = [zscoreNonZero(scan.flair.data).data, zscoreNonZero(scan.mprage.data).data];
  const w = m.windowSizeVoxels;
  const probability = await segmentVolume(channels, scan.flair.dims, windowPredictor(model), { windowSize: [w[2], w[1], w[0]], sizeMultiple: m.sizeMultiple, overlap: 0.25 });
  return { channels, probability };
}

const MODELS_DIR = 'public/models';
const DEFAULT_MODEL = 'unet3d';

/** public/models/index.json: every model with a manifest, the default (3D U-Net) first, with its review calibration. */
export function writeModelIndex() {
  const names = readdirSync(MODELS_DIR).filter((d) => existsSync(join(MODELS_DIR, d, 'manifest.json')));
  const entries = names.map((name) => {
    const m = JSON.parse(readFileSync(join(MODELS_DIR, name, 'manifest.json'), 'utf8'));
    const figures = (f?: { nDSC: number; F1: number; cases: number }) => (f?.cases ? { nDSC: f.nDSC, F1: f.F1, cases: f.cases } : null);
    const heldOut = figures(m.metrics);
    const crossCheck = figures(m.pytorchCrossCheck);
    const fileMB = +(statSync(join(MODELS_DIR, name, m.file)).size / 1e6).toFixed(2);
    return { name, title: m.title ?? name, defaultThreshold: m.threshold, review: m.review ?? null, heldOut, crossCheck, fileMB };
  });
  entries.sort((a, b) => (a.name === DEFAULT_MODEL ? -1 : b.name === DEFAULT_MODEL ? 1 : a.name.localeCompare(b.name)));
  writeFileSync(join(MODELS_DIR, 'index.json'), JSON.stringify({ models: entries }, null, 2) + '\n');
}
