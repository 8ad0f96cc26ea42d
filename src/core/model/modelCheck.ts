// The dry run of a model the user brings: load it against the form's manifest, list its Grad-CAM++ layers,
// and run it once on a small window, so that what does not fit is said before a whole scan is started.
import * as tf from '@tensorflow/tfjs';
import { sha256Hex } from '../export/sha256.ts';
import { loadSegmentationModel } from './loadModel.ts';
import { memoryModelFolder, modelFileFacts, type ModelFiles } from './modelFiles.ts';
import type { LayerInfo, SegmentationModel } from './segmentationModel.ts';

export interface ModelCheck {
  /** SHA-256 of the model file (hex): provenance names it, and an export made with it */
  sha256: string;
  /** the manifest as checked (the Grad-CAM++ layer filled in when the form left it empty) */
  manifest: Record<string, unknown>;
  /** feature maps Grad-CAM++ can use, with their resolution */
  layers: LayerInfo[];
  /** the dry run's input size [z, y, x] and what came out */
  dryRunZyx: number[];
  logitRange: [number, number];
  seconds: number;
}

/** The Grad-CAM++ layer when none is named: the last full-resolution feature map with more than one channel
 * before the output (the decoder's last block), else the last one listed. */
export function defaultCamLayer(layers: LayerInfo[], outputName: string | null): string | null {
  const maps = layers.filter((l) => l.name !== outputName);
  const full = maps.filter((l) => l.scale[0] === 1 && l.channels > 1);
  return (full.at(-1) ?? maps.at(-1) ?? layers.at(-1))?.name ?? null;
}

/** Dry-run size per axis: the smallest multiple of sizeMultiple of at least 16 voxels, no larger than the window
 * (a model with a fixed input size gets exactly that). */
export function dryRunSize(windowZyx: readonly number[], sizeMultiple: number): number[] {
  const edge = Math.max(sizeMultiple, Math.ceil(16 / sizeMultiple) * sizeMultiple);
  return windowZyx.map((w) => Math.min(w, edge));
}

async function load(files: ModelFiles, manifest: Record<string, unknown>): Promise<SegmentationModel> {
  const withManifest = new Map(files);
  withManifest.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  return loadSegmentationModel(memoryModelFolder(withManifest));
}

/** Loads the files with `manifest` (the form's), and runs the model once; throws a message naming what does not fit. */
export async function checkModelFiles(files: ModelFiles, manifest: Record<string, unknown>): Promise<ModelCheck> {
  const facts = modelFileFacts(files);
  if (facts.problems.length) throw new Error(`${facts.file} cannot be run here: ${facts.problems.join('; ')}`);
  const started = performance.now();
  const sha256 = await sha256Hex(files.get(facts.file)!);
  let checked = { ...manifest };
  const provenance = typeof checked.provenance === 'string' ? checked.provenance.trim() : '';
  if (!provenance.includes(sha256)) checked.provenance = `${provenance ? `${provenance}; ` : ''}model file ${facts.file}, SHA-256 ${sha256}`;
  const named = !!checked.gradCamLayer;
  if (!named && !facts.outputName) throw new Error("name the Grad-CAM++ layer (field 'gradCamLayer'): a TensorFlow.js model's layers are not listed here");
  // without a named layer it loads with the output as its layer (the dry run does not use it), to list the real ones
  const model = await load(files, named ? checked : { ...checked, gradCamLayer: facts.outputName });
  try {
    if (!named) checked = { ...checked, gradCamLayer: defaultCamLayer(model.layers(), facts.outputName) };
    const m = model.manifest;
    const zyx = dryRunSize([...m.windowXyz].reverse(), m.sizeMultiple);
    const shape = [1, zyx[0], zyx[1], zyx[2], m.inputChannels.length] as [number, number, number, number, number];
    model.checkInput(shape);
    const x = tf.randomNormal(shape, 0, 1, 'float32', 7) as tf.Tensor5D;
    const logits = tf.tidy(() => model.logits(x));
    x.dispose();
    const values = await logits.data();
    const got = logits.shape;
    logits.dispose();
    const classes = m.output.classes;
    if (got.slice(1, 4).some((d, i) => d !== zyx[i])) {
      throw new Error(`the dry run gave an output of size [${got.slice(1, 4)}] (z, y, x) for an input of [${zyx}]: the model must segment at the input's resolution`);
    }
    if (got[4] !== classes) {
      throw new Error(`the dry run gave ${got[4]} output channels; the manifest's output (${m.output.kind}) has ${classes}`);
    }
    let lo = Infinity, hi = -Infinity;
    for (const v of values) {
      if (!Number.isFinite(v)) throw new Error('the dry run gave values that are not finite (NaN or infinity)');
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return { sha256, manifest: checked, layers: model.layers(), dryRunZyx: zyx, logitRange: [lo, hi], seconds: (performance.now() - started) / 1000 };
  } finally {
    model.dispose();
  }
}
