// PyTorch parity of the model runtime in Node on any backend (cpu, or webgpu through Dawn):
//   npx tsx bench/model-parity.ts [--backend webgpu] [--models unet3d,swin_unetr] [--cases 0,1]
// The cpu check is also a vitest test (src/core/model/onnx/parity.test.ts); this script adds WebGPU
// in Node, which is quicker to debug than the browser.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { installNodeWebGpu, reexecWithVulkanLoader } from '../src/cli/nodeWebgpu.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const backend = arg('backend', 'webgpu');
const models = arg('models', 'unet3d,dynunet,swin_unetr,opzoo').split(',');
const cases = process.argv.includes('--cases') ? arg('cases', '').split(',').map(Number) : undefined;

if (backend === 'webgpu') {
  reexecWithVulkanLoader();
  const why = await installNodeWebGpu();
  if (why) throw new Error(`webgpu: not available in Node (${why})`);
}
const tf = await import('@tensorflow/tfjs');
const { initBackend } = await import('../src/core/model/backend.ts');
const { runParity, PARITY_TOLERANCE } = await import('../src/core/model/testing/parity.ts');

const info = await initBackend([backend]);
console.log(`backend ${info.name} on ${info.adapter}`);
const before = tf.memory().numTensors;
let worst = 0;
for (const name of models) {
  const read = async (p: string) => new Uint8Array(await readFile(resolve(import.meta.dirname, '../public/test-fixtures/model', name, p)));
  for (const r of await runParity(name, read, cases)) {
    const errs = [r.logitsRelErr, r.gradRelErr, r.layerRelErr ?? 0, r.layerGradRelErr ?? 0];
    worst = Math.max(worst, ...errs);
    console.log(`${r.model} ${r.sizeZyx.join('x')}: logits ${errs[0].toExponential(2)} grad ${errs[1].toExponential(2)}`
      + (r.layerGradRelErr !== undefined ? ` layer ${errs[2].toExponential(2)} layerGrad ${errs[3].toExponential(2)}` : '')
      + ` (${r.forwardMs.toFixed(0)} / ${r.gradMs.toFixed(0)} ms)`);
  }
}
console.log(`max relative error ${worst.toExponential(2)} (tolerance ${PARITY_TOLERANCE}); tensors leaked: ${tf.memory().numTensors - before}`);
process.exit(worst < PARITY_TOLERANCE ? 0 : 1);
