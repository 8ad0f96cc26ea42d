// Issue 4's sanity check: on held-out cases, is a shipped model's instance saliency mostly on FLAIR, positive
// inside lesions and negative just around them (the paper's finding)? Mean SmoothGrad on ground-truth lesions.
//   npx tsx scripts/saliency-sanity.ts --cases training/data/test --model unet3d [--cases-used 3] [--per-case 2] [--samples 10]
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, loadSegmentationModel } from '../src/core/model';
import { loadCase, zscoreNonZero } from '../src/core/volume';
import { labelComponents } from '../src/core/lesions';
import { explainInstance } from '../src/core/xai';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

async function main() {
  await initBackend(['cpu']);
  const root = arg('--cases', 'training/data/test');
  const modelName = arg('--model', 'unet3d');
  const samples = Number(arg('--samples', '10'));
  const perCase = Number(arg('--per-case', '2'));
  const dirs = readdirSync(root).sort().map((d) => join(root, d)).filter((d) => existsSync(join(d, 'flair.nii.gz'))).slice(0, Number(arg('--cases-used', '3')));
  const model = await loadSegmentationModel(async (p) => new Uint8Array(readFileSync(join('public/models', modelName, p))));
  console.log(`model ${modelName}, mean SmoothGrad N ${samples}, exact crops, ground-truth lesions of median size`);
  console.log('case | lesion voxels | FLAIR share in lesion | in 5 mm ring | FLAIR mean inside (-1 mm) | +1 mm | +2 mm | +3 mm | +5 mm');
  const rows: number[][] = [];
  for (const d of dirs) {
    const read = (f: string) => ({ name: f, bytes: readFileSync(join(d, f)) });
    const scan = loadCase({ flair: read('flair.nii.gz'), mprage: read('mprage.nii.gz'), mask: read('lesions.nii.gz') });
    const channels = [zscoreNonZero(scan.flair.data).data, zscoreNonZero(scan.mprage.data).data];
    const gt = labelComponents(scan.flair, (i) => scan.mask!.data[i] > 0, 18);
    const ids = Array.from({ length: gt.count }, (_, i) => i + 1).filter((id) => gt.sizes[id] > 5).sort((a, b) => gt.sizes[a] - gt.sizes[b]);
    const mid = Math.floor(ids.length / 2);
    for (const id of ids.slice(Math.max(0, mid - Math.floor(perCase / 2)), Math.max(0, mid - Math.floor(perCase / 2)) + perCase)) {
      const voxels: number[] = [];
      gt.labels.forEach((l, v) => l === id && voxels.push(v));
      const { quantities: q } = await explainInstance(
        model,
        { channels, dimsXyz: scan.flair.dims, spacingMm: scan.flair.spacingMm, lesionVoxels: Int32Array.from(voxels) },
        { method: 'smoothgrad-mean', samples, seed: 1, cropMode: 'exact' },
      );
      const shell = (mm: number) => q!.shells.find((s) => s.shellMm === mm)?.means[0] ?? NaN;
      const row = [q!.shareLesion[0], q!.shareNeighbourhood[0], shell(-1), shell(1), shell(2), shell(3), shell(5)];
      rows.push(row);
      console.log(`${d.split('/').pop()} | ${voxels.length} | ${row.map((v) => v.toPrecision(3)).join(' | ')}`);
    }
  }
  const mean = (k: number) => rows.reduce((s, r) => s + r[k], 0) / rows.length;
  const positive = (k: number) => rows.filter((r) => r[k] > 0).length;
  console.log(`mean FLAIR share: lesion ${mean(0).toFixed(2)}, ring ${mean(1).toFixed(2)}`);
  console.log(`lesions with positive FLAIR saliency inside (-1 mm): ${positive(2)} / ${rows.length}; negative at +3 mm: ${rows.length - positive(5)} / ${rows.length}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
