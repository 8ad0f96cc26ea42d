// Orientation invariance (issue 17): one image stored four ways (RAS, LPS, LAS, and as a sagittal acquisition:
// voxel axes anterior->posterior, superior->inferior, left->right), the same world; a shipped model through the
// one pipeline. Each result is brought back to RAS voxel order and compared: lesion masks (Dice, counts),
// probabilities, and one lesion's SmoothGrad maps.
//   npx tsx scripts/orientation-invariance.ts [--case public/samples/test64] [--model unet3d] [--samples 2]
import { join } from 'node:path';
import { initBackend, loadSegmentationModel } from '../src/core/model';
import { lesionInstances } from '../src/core/lesions';
import { type Volume, gridFromAffine, multiply4, voxelIndex } from '../src/core/volume';
import { explainLesion, segmentScan, windowPredictor } from '../src/core/pipeline';
import { arg, folderReader, readCase } from './heldOut';

/** stored axis s holds RAS axis perm[s], reversed when flip[s] */
interface Storage {
  name: string;
  perm: [number, number, number];
  flip: [boolean, boolean, boolean];
}
const STORAGES: Storage[] = [
  { name: 'RAS', perm: [0, 1, 2], flip: [false, false, false] },
  { name: 'LPS', perm: [0, 1, 2], flip: [true, true, false] },
  { name: 'LAS', perm: [0, 1, 2], flip: [true, false, false] },
  { name: 'sagittal (PIL)', perm: [1, 2, 0], flip: [true, true, true] },
];

/** the RAS voxel of stored voxel q */
function rasVoxel(st: Storage, rasDims: readonly number[], q: readonly number[]): [number, number, number] {
  const r: [number, number, number] = [0, 0, 0];
  for (let s = 0; s < 3; s++) r[st.perm[s]] = st.flip[s] ? rasDims[st.perm[s]] - 1 - q[s] : q[s];
  return r;
}

function store(v: Volume, st: Storage): Volume {
  const dims = st.perm.map((a) => v.dims[a]) as [number, number, number];
  // affine: world = A_ras * (M q + t)
  const m = new Array(16).fill(0);
  m[15] = 1;
  for (let s = 0; s < 3; s++) {
    const a = st.perm[s];
    m[a * 4 + s] = st.flip[s] ? -1 : 1;
    if (st.flip[s]) m[a * 4 + 3] = v.dims[a] - 1;
  }
  const grid = gridFromAffine(dims, multiply4(v.voxToMm, m));
  const data = new Float32Array(v.data.length);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) data[voxelIndex(grid, i, j, k)] = v.data[voxelIndex(v, ...rasVoxel(st, v.dims, [i, j, k]))];
  return { ...grid, data };
}

/** a stored-order array back in RAS voxel order */
function toRas(data: ArrayLike<number>, st: Storage, ras: Volume): Float32Array {
  const dims = st.perm.map((a) => ras.dims[a]);
  const out = new Float32Array(data.length);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) out[voxelIndex(ras, ...rasVoxel(st, ras.dims, [i, j, k]))] = data[i + dims[0] * (j + dims[1] * k)];
  return out;
}

const caseDir = arg('--case', 'public/samples/test64');
const modelName = arg('--model', 'unet3d');
const samples = Number(arg('--samples', '2'));
await initBackend(['cpu']);
const model = await loadSegmentationModel(folderReader(join('public/models', modelName)));
const threshold = model.manifest.threshold;
const scan = readCase(caseDir);
console.log(`case ${caseDir} (${scan.flair.dims.join(' x ')}), model ${modelName}, threshold ${threshold}, tfjs cpu (Node); SmoothGrad-mean N ${samples}, seed 1`);

const results: { st: Storage; mask: Uint8Array; probability: Float32Array; count: number; map: Float32Array }[] = [];
let lesionRas: number[] | null = null;
for (const st of STORAGES) {
  const flair = store(scan.flair, st);
  const mprage = store(scan.mprage, st);
  const t0 = performance.now();
  const { input, probability } = await segmentScan([flair.data, mprage.data], flair, model.manifest, windowPredictor(model));
  const lesions = lesionInstances(flair, probability, threshold, 18, 5);
  // explain the largest lesion of the RAS run, given in this storage's voxels
  const probRas = toRas(probability, st, scan.flair);
  const maskRas = Uint8Array.from(toRas(lesions.labels, st, scan.flair), (v) => (v > 0 ? 1 : 0));
  if (!lesionRas) {
    const sizes = new Map<number, number>();
    lesions.labels.forEach((id) => id && sizes.set(id, (sizes.get(id) ?? 0) + 1));
    const largest = [...sizes].sort((a, b) => b[1] - a[1])[0][0];
    lesionRas = [];
    lesions.labels.forEach((id, v) => id === largest && lesionRas!.push(v));
  }
  const stDims = st.perm.map((a) => scan.flair.dims[a]);
  const fromRas = new Map<number, number>();
  for (let k = 0; k < stDims[2]; k++)
    for (let j = 0; j < stDims[1]; j++)
      for (let i = 0; i < stDims[0]; i++) fromRas.set(voxelIndex(scan.flair, ...rasVoxel(st, scan.flair.dims, [i, j, k])), i + stDims[0] * (j + stDims[1] * k));
  const lesionStored = Int32Array.from(lesionRas, (v) => fromRas.get(v)!);
  const e = await explainLesion(model, input, lesionStored, { method: 'smoothgrad-mean', samples, seed: 1, noiseFraction: 0.1, cropMode: 'fast' });
  // the FLAIR map pasted on the whole stored grid, then to RAS order
  const { crop, maps } = e.shownOnScan;
  const full = new Float32Array(flair.data.length);
  for (let k = 0; k < crop.dims[2]; k++)
    for (let j = 0; j < crop.dims[1]; j++)
      for (let i = 0; i < crop.dims[0]; i++)
        full[voxelIndex(flair, crop.origin[0] + i, crop.origin[1] + j, crop.origin[2] + k)] = maps[0][i + crop.dims[0] * (j + crop.dims[1] * k)];
  results.push({ st, mask: maskRas, probability: probRas, count: lesions.count, map: toRas(full, st, scan.flair) });
  console.log(`${st.name}: ${lesions.count} lesions, ${maskRas.reduce((a, b) => a + b, 0)} lesion voxels, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

console.log('pair | Dice of lesion masks | lesion counts | max |p difference| | max |map difference| / max |map|');
for (let a = 0; a < results.length; a++)
  for (let b = a + 1; b < results.length; b++) {
    const [x, y] = [results[a], results[b]];
    let both = 0;
    let sum = 0;
    let dp = 0;
    let dm = 0;
    let peak = 0;
    for (let v = 0; v < x.mask.length; v++) {
      both += x.mask[v] & y.mask[v];
      sum += x.mask[v] + y.mask[v];
      dp = Math.max(dp, Math.abs(x.probability[v] - y.probability[v]));
      dm = Math.max(dm, Math.abs(x.map[v] - y.map[v]));
      peak = Math.max(peak, Math.abs(x.map[v]));
    }
    console.log(`${x.st.name} vs ${y.st.name} | ${(sum ? (2 * both) / sum : 1).toFixed(4)} | ${x.count} vs ${y.count} | ${dp.toExponential(1)} | ${(dm / peak).toExponential(1)}`);
  }
