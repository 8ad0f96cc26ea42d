// Held-out evaluation of the shipped models through the app's own runtime (ONNX -> tfjs, cpu backend in
// Node), with the app's own metrics; writes them into each manifest and public/models/index.json.
// Usage: npx tsx scripts/evaluate-models.ts --cases training/data/test [--models unet3d,dynunet] [--limit 20] [--region R]
//        npx tsx scripts/evaluate-models.ts --cases ../shared/data/open-ms/mni/patient07 --real
//          (real patients: t1.nii.gz is accepted for the T1 channel, a case folder itself as --cases; the
//           figures go to the manifest's 'realData'; skipped with a message when the folder is absent)
// Per-case results are kept in training/eval/<model>/<case>.json (tagged with the model file's hash), so an
// interrupted run resumes where it stopped; the manifest gets the mean over all cases evaluated so far.
import { readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, loadSegmentationModel } from '../src/core/model';
import { decodeOnnx } from '../src/core/model/onnx/proto';
import { analyseCase, DEFAULT_MAX_DROPPED_VOXELS } from '../src/core/lesions';
import { arg, caseDirs as listCases, folderReader, keepRegion, readCase, REGIONS, segmentCase, writeModelIndex, type Region } from './heldOut';
import { PIPELINE_VERSION } from '../src/core/pipeline';

const MODELS_DIR = 'public/models';

/**
 * The exporter names nodes after their PyTorch module scope (/up1/up1.2/PRelu); the Grad-CAM++ layer is
 * the output of the last node inside the module the training script named (manifest.gradCamModule).
 */
function resolveGradCamLayer(dir: string): void {
  const path = join(dir, 'manifest.json');
  const raw = JSON.parse(readFileSync(path, 'utf8'));
  if (!raw.gradCamModule) return;
  const graph = decodeOnnx(new Uint8Array(readFileSync(join(dir, raw.file))));
  const inside = graph.nodes.filter((n) => n.name.startsWith(`/${raw.gradCamModule}/`));
  if (!inside.length) throw new Error(`${dir}: no ONNX node inside module ${raw.gradCamModule}`);
  raw.gradCamLayer = inside[inside.length - 1].outputs[0];
  writeFileSync(path, JSON.stringify(raw, null, 2) + '\n');
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

const REAL = process.argv.includes('--real');
// --region left|right|right-anterior|right-posterior: score only that part (heldOut.ts inRegion). The left
// half of patient07 trains the U-Net; right-anterior validates; right-posterior is the reported test.
const REGION = arg('--region', '') as Region | '';
if (REGION && !REGIONS.includes(REGION)) throw new Error(`--region ${REGION}: one of ${REGIONS.join(', ')}`);
const CITATION = 'Lesjak et al., Neuroinformatics 2018, doi 10.1007/s12021-017-9348-7 (CC-BY)';

async function evaluate(name: string, caseDirs: string[], casesRoot: string) {
  const dir = join(MODELS_DIR, name);
  resolveGradCamLayer(dir);
  const model = await loadSegmentationModel(folderReader(dir));
  const m = model.manifest;
  const rows: Record<string, number>[] = [];
  const t0 = Date.now();
  const modelHash = createHash('sha256').update(readFileSync(join(dir, m.file))).digest('hex').slice(0, 16);
  const cacheDir = join('training/eval', name, REAL ? 'real' : '');
  mkdirSync(cacheDir, { recursive: true });
  for (const c of caseDirs) {
    const cacheFile = join(cacheDir, `${c.split('/').filter(Boolean).pop()}${REGION ? `-${REGION}` : ''}.json`);
    const cached = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : null;
    if (cached && cached.modelHash === modelHash && cached.threshold === m.threshold && (cached.maxDroppedVoxels ?? DEFAULT_MAX_DROPPED_VOXELS) === m.maxDroppedVoxels && cached.pipeline === PIPELINE_VERSION) {
      rows.push(cached.row);
      continue;
    }
    const scan = readCase(c);
    const { probability: p } = await segmentCase(model, scan);
    if (REGION) keepRegion(scan.flair, REGION, p, scan.mask!.data);
    const a = analyseCase(scan.flair, p, { threshold: m.threshold, connectivity: 18, maxDroppedVoxels: m.maxDroppedVoxels }, scan.mask!.data);
    const gt = a.groundTruth!;
    const lw = gt.match.lesionwise;
    const row = { dice: gt.dice, nDSC: gt.nDsc, TPR: lw.tpr, FDR: lw.fdr, FNR: lw.fnr, F1: lw.f1, lesions: lw.nPred, falseLesions: lw.falsePred, gtLesions: lw.nGt };
    rows.push(row);
    writeFileSync(cacheFile, JSON.stringify({ modelHash, threshold: m.threshold, maxDroppedVoxels: m.maxDroppedVoxels, pipeline: PIPELINE_VERSION, row }) + '\n');
    console.log(`${name} ${c}: ${Object.entries(row).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(' ')}  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const metrics: Record<string, number | string> = {};
  for (const k of Object.keys(rows[0])) metrics[k] = +mean(rows.map((r) => r[k])).toFixed(4);
  metrics.cases = rows.length;
  const why: Record<string, string> = {
    right: 'the left hemisphere trained the models',
    'right-posterior': 'the left hemisphere trained the models, right-anterior chose the threshold, the smallest lesion and the U-Net\'s checkpoint',
    'right-anterior': 'the validation part',
  };
  const half = REGION ? `, ${REGION} only (${why[REGION] ?? 'the scored part'})` : '';
  const data = REAL ? `real MS patients (${casesRoot.split('/').filter(Boolean).slice(-2).join('/')}${half}, expert consensus masks; ${CITATION})` : `held-out synthetic cases${half}`;
  metrics.evaluatedWith = `LesionLens runtime (ONNX -> tfjs ${tf.version_core}, ${tf.getBackend()} backend), ${data}, threshold ${m.threshold}, 18-connectivity, lesions > ${m.maxDroppedVoxels} voxels, lesion-wise IoU >= 0.25`;
  const manifestPath = join(dir, 'manifest.json');
  const raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  // a validation part is printed, never written as the model's reported figure
  if (REGION.endsWith('-anterior')) console.log(`${name}: ${REGION} is a validation part; the manifest is left as it is`);
  else {
    if (REAL) raw.realData = metrics;
    else raw.metrics = metrics;
    writeFileSync(manifestPath, JSON.stringify(raw, null, 2) + '\n');
  }
  model.dispose();
  return { name, title: raw.title ?? name, threshold: m.threshold, metrics, bytes: readFileSync(join(dir, m.file)).length };
}


async function main() {
  await initBackend(['cpu']);
  const casesRoot = arg('--cases', 'training/data/test');
  if (!existsSync(casesRoot)) {
    console.log(`skipped: no cases at ${casesRoot}${REAL ? ' (the real data lives in ../shared/data/open-ms/, see its README)' : ''}`);
    return;
  }
  const limit = Number(arg('--limit', '20'));
  const caseDirs = listCases(casesRoot, limit);
  // --shard k/n: this process takes every n-th case from k (run n processes, then once more without it to collect)
  const [shardK, shardN] = arg('--shard', '0/1').split('/').map(Number);
  const mine = caseDirs.filter((_, i) => i % shardN === shardK);
  const names = arg('--models', readdirSync(MODELS_DIR).filter((d) => existsSync(join(MODELS_DIR, d, 'manifest.json'))).join(',')).split(',');
  const results = [];
  for (const n of names) results.push(await evaluate(n, mine, casesRoot));
  writeModelIndex();
  console.log('\n| model | Dice | nDSC | lesion TPR | FDR | FNR | F1 | threshold | size |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const f = (k: string) => (r.metrics[k] as number).toFixed(2);
    console.log(`| ${r.title} | ${f('dice')} | ${f('nDSC')} | ${f('TPR')} | ${f('FDR')} | ${f('FNR')} | ${f('F1')} | ${r.threshold} | ${(r.bytes / 1e6).toFixed(1)} MB |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
