// How far the one-window explanation ('fast' for a model that depends on the whole window) is from the exact one,
// the gradient of the blended sliding-window prediction the app segmented (core/xai/windows.ts), on the demo's
// median lesions; and what the exact one costs (windows x gradients, seconds). Mean SmoothGrad, the same seeded
// noise on both sides. Prints figures; asserts nothing.
//   npx tsx bench/blend-exactness.ts [--model dynunet] [--lesions 3] [--samples 4] [--seed 1]
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { resolve } from 'node:path';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const modelName = arg('model', 'dynunet');
const lesions = Number(arg('lesions', '3'));
const samples = Number(arg('samples', '4'));
const seed = Number(arg('seed', '1'));

const { initBackend, loadSegmentationModel } = await import('../src/core/model/index.ts');
const { prepareInstance, smoothGradMean, mapsAsVolumes } = await import('../src/core/xai/index.ts');
const { openDemo } = await import('../src/bench/workload.ts');

const root = resolve(import.meta.dirname, '..');
const sample = (p: string) => readFile(resolve(root, 'public/samples', p)).then((b) => new Uint8Array(b));
const demo = openDemo({ flair: await sample('demo_flair.nii.gz'), mprage: await sample('demo_mprage.nii.gz'), mask: await sample('demo_lesions.nii.gz') }, lesions);
const backend = await initBackend(['cpu']);
const model = await loadSegmentationModel(async (p) => new Uint8Array(await readFile(resolve(root, 'public/models', modelName, p))));
console.log(`backend ${backend.name} (${backend.adapter}), ${cpus().length} cores ${cpus()[0]?.model ?? ''}; model ${modelName}, window ${model.manifest.windowXyz.join('x')}; demo ${demo.dims.join('x')}; mean SmoothGrad N ${samples}, seed ${seed}`);
console.log('| lesion (voxels) | windows | exact crop | gradients (windows x samples) | exact s | one window s | max rel. diff | correlation | exact |grad| mass outside the one window |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');

function compare(exact: Float32Array, one: Float32Array, inOne: Uint8Array) {
  let maxAbs = 0, maxDiff = 0, outside = 0, total = 0;
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (let i = 0; i < exact.length; i++) {
    const a = exact[i], b = one[i];
    maxAbs = Math.max(maxAbs, Math.abs(a));
    maxDiff = Math.max(maxDiff, Math.abs(a - b));
    total += Math.abs(a);
    if (!inOne[i]) outside += Math.abs(a);
    sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b;
  }
  const n = exact.length;
  const corr = (sab - (sa * sb) / n) / Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n));
  return { rel: maxDiff / maxAbs, corr, outside: outside / total };
}

for (const { id, voxels } of demo.chosen) {
  const request = demo.request(id);
  const exactP = await prepareInstance(model, request, { cropMode: 'exact' });
  const oneP = await prepareInstance(model, request, { cropMode: 'fast' });
  let t = performance.now();
  const exact = await smoothGradMean(model, exactP, { samples, seed });
  const exactS = (performance.now() - t) / 1000;
  t = performance.now();
  const one = await smoothGradMean(model, oneP, { samples, seed });
  const oneS = (performance.now() - t) / 1000;
  // both channels, on the whole volume (0 outside each crop)
  const a = mapsAsVolumes(exact, demo.dims), b = mapsAsVolumes(one, demo.dims);
  const inOne = mapsAsVolumes({ ...one, maps: one.maps.map((m) => m.map(() => 1)) }, demo.dims)[0].map((v) => (v ? 1 : 0));
  const both = (m: Float32Array[]) => Float32Array.from([...m[0], ...m[1]]);
  const c = compare(both(a), both(b), Uint8Array.from([...inOne, ...inOne]));
  console.log(`| ${id} (${voxels}) | ${exactP.windows.length} | ${exactP.crop.dims.join('x')} | ${exactP.windows.length * samples} | ${exactS.toFixed(1)} | ${oneS.toFixed(1)} | ${c.rel.toFixed(3)} | ${c.corr.toFixed(3)} | ${(100 * c.outside).toFixed(1)} % |`);
}
model.dispose();
