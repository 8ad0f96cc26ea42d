// Review-flag calibration (issue 7): on held-out generated cases, segment with the app's runtime, explain
// predicted lesions with mean SmoothGrad exactly as the app's background precompute does, and compare the peak
// FLAIR saliency of true and false positives. Writes the calibration into the model's manifest and index.json.
//   npx tsx scripts/calibrate-review.ts --cases training/data/test --model unet3d [--cases-used 6] [--tp-per-case 6] [--samples 50]
// Per-case results are kept in training/eval/<model>/review/<case>.json (tagged with the model hash), so it resumes.
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { initBackend, loadSegmentationModel } from '../src/core/model';
import { analyseCase, calibrateReview, needsReview, quantile, rocAuc, type Lesion, type ReviewCalibration } from '../src/core/lesions';
import { explainLesion } from '../src/core/pipeline';
import { arg, caseDirs, folderReader, readCase, segmentCase, writeModelIndex } from './heldOut';

interface Row {
  lesionId: number;
  volumeMm3: number;
  detection: 'TP' | 'FP';
  flairPeak: number;
  seconds: number;
}

/** All false positives, and true positives spread evenly over the size range (explaining every TP costs hours here). */
function chooseLesions(lesions: Lesion[], tpPerCase: number): Lesion[] {
  const fps = lesions.filter((l) => l.detection === 'FP');
  const tps = lesions.filter((l) => l.detection === 'TP').sort((a, b) => a.volumeMm3 - b.volumeMm3);
  const step = tps.length / Math.min(tpPerCase, tps.length);
  const picked = Array.from({ length: Math.min(tpPerCase, tps.length) }, (_, k) => tps[Math.floor(k * step + step / 2)]);
  return [...fps, ...picked];
}

async function main() {
  await initBackend(['cpu']);
  const name = arg('--model', 'unet3d');
  const samples = Number(arg('--samples', '50'));
  const seed = 1;
  const tpPerCase = Number(arg('--tp-per-case', '6'));
  const dir = join('public/models', name);
  const model = await loadSegmentationModel(folderReader(dir));
  const m = model.manifest;
  const modelHash = createHash('sha256').update(readFileSync(join(dir, m.file))).digest('hex').slice(0, 16);
  const cacheDir = join('training/eval', name, 'review');
  mkdirSync(cacheDir, { recursive: true });
  const dirs = caseDirs(arg('--cases', 'training/data/test'), Number(arg('--cases-used', '6')));
  const rows: Row[] = [];
  for (const c of dirs) {
    const cacheFile = join(cacheDir, `${c.split('/').pop()}.json`);
    const cached = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : null;
    if (cached && cached.modelHash === modelHash && cached.samples === samples && cached.tpPerCase === tpPerCase) {
      rows.push(...cached.rows);
      continue;
    }
    const t0 = Date.now();
    const scan = readCase(c);
    const { input, probability } = await segmentCase(model, scan);
    const a = analyseCase(scan.flair, probability, { threshold: m.threshold, connectivity: 18, maxDroppedVoxels: m.maxDroppedVoxels }, scan.mask!.data);
    const caseRows: Row[] = [];
    for (const l of chooseLesions(a.lesions, tpPerCase)) {
      const t1 = Date.now();
      const voxels: number[] = [];
      a.labels.labels.forEach((id, v) => id === l.lesionId && voxels.push(v));
      const { quantities } = await explainLesion(model, input, voxels, { method: 'smoothgrad-mean', samples, seed, cropMode: 'exact' });
      const row = { lesionId: l.lesionId, volumeMm3: l.volumeMm3, detection: l.detection as 'TP' | 'FP', flairPeak: quantities!.flairPeak, seconds: (Date.now() - t1) / 1000 };
      caseRows.push(row);
      console.log(`${c} lesion ${l.lesionId} ${row.detection} ${l.volumeMm3.toFixed(0)} mm3: peak ${row.flairPeak.toPrecision(3)} (${row.seconds.toFixed(1)} s)`);
    }
    rows.push(...caseRows);
    writeFileSync(cacheFile, JSON.stringify({ modelHash, samples, tpPerCase, rows: caseRows }) + '\n');
    console.log(`${c}: ${caseRows.length} lesions in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const tp = rows.filter((r) => r.detection === 'TP').map((r) => r.flairPeak);
  const fp = rows.filter((r) => r.detection === 'FP').map((r) => r.flairPeak);
  const tpRows = rows.filter((r) => r.detection === 'TP');
  const fpRows = rows.filter((r) => r.detection === 'FP');
  const review: ReviewCalibration = {
    quantity: 'flairPeak', samples, seed, cropMode: 'exact',
    ...calibrateReview(tp, fp),
    // size alone as a flag (smaller = FP): what the saliency adds over it
    volumeRocAuc: rocAuc(fpRows.map((r) => -r.volumeMm3), tpRows.map((r) => -r.volumeMm3)),
    truePositives: tp.length, falsePositives: fp.length, cases: dirs.length,
  };
  const flaggedTp = tp.filter((v) => needsReview(v, review)).length;
  const flaggedFp = fp.filter((v) => needsReview(v, review)).length;
  console.log(`TP ${tp.length} (median peak ${quantile(tp, 0.5).toPrecision(3)}, median ${quantile(tpRows.map((r) => r.volumeMm3), 0.5)} mm3), FP ${fp.length} (median peak ${quantile(fp, 0.5).toPrecision(3)}, median ${quantile(fpRows.map((r) => r.volumeMm3), 0.5)} mm3)`);
  console.log(`flag ${review.direction} ${review.threshold.toPrecision(3)} (TP ${review.thresholdQuantile} quantile): ROC AUC ${review.rocAuc.toFixed(3)} (volume alone ${review.volumeRocAuc.toFixed(3)}); catches ${flaggedFp}/${fp.length} FP and ${flaggedTp}/${tp.length} TP`);
  const manifestPath = join(dir, 'manifest.json');
  const raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  raw.review = review;
  writeFileSync(manifestPath, JSON.stringify(raw, null, 2) + '\n');
  writeModelIndex();
  model.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
