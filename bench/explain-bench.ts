// The standard workload (src/bench/workload.ts) in Node, per backend, printed as the same table as
// bench.html shows; --json / --csv write the report.
//   npx tsx bench/explain-bench.ts [--backends cpu,webgpu] [--lesions 3|all] [--samples 50]
//     [--methods smoothgrad-mean,smoothgrad-max,gradcam++,gradcam] [--crops exact,fast,window,whole]
//     [--budget 8|all] [--segment on|off] [--progressive on|off]
//     [--json out.json] [--csv out.csv]
// Defaults are the full workload (all lesions, N = 50, everything timed), which is for GPUs; on a CPU
// use e.g. --lesions 3 --budget 8 --segment off (times per explanation are then extrapolated).
// Backend 'cpu-tfjs' is the cpu backend with tfjs's stock kernels (before ours); 'cpu-js' the cpu backend with
// our JavaScript kernels only (no WebAssembly convolutions, no fused channels-first conv or PReLU); 'cpu-fresh'
// the cpu backend with all our kernels but a fresh array for every output (before cpuArrays.ts). A name may repeat
// (--backends cpu-fresh,cpu,cpu-fresh,cpu) for a before/after from one run.
// webgpu in Node is Dawn; here on SwiftShader (software): correct, not a GPU speed.
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { installNodeWebGpu, reexecWithVulkanLoader } from '../src/cli/nodeWebgpu.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : null;
};
const backends = (arg('backends') ?? 'cpu').split(',');
if (backends.includes('webgpu')) {
  reexecWithVulkanLoader();
  const why = await installNodeWebGpu();
  if (why) console.log(`webgpu: not available in Node (${why})`);
}
const tf = await import('@tensorflow/tfjs');
const { initBackend, setFastCpuKernels } = await import('../src/core/model/index.ts');
const { setWasmKernels } = await import('../src/core/model/wasmConv.ts');
const { setFusedCpuOps } = await import('../src/core/model/cpuFused.ts');
const { setArrayReuse } = await import('../src/core/model/cpuArrays.ts');
const w = await import('../src/bench/workload.ts');

const root = resolve(import.meta.dirname, '..');
const config = w.parseConfig(arg);
const sample = (p: string) => readFile(resolve(root, 'public/samples', p)).then((b) => new Uint8Array(b));
const demo = w.openDemo({ flair: await sample('demo_flair.nii.gz'), mprage: await sample('demo_mprage.nii.gz'), mask: await sample('demo_lesions.nii.gz') }, config.lesions);
const report: import('../src/bench/workload.ts').BenchReport = {
  created: new Date().toISOString(),
  environment: `Node ${process.version}, ${process.platform} ${process.arch}, ${cpus().length} cores ${cpus()[0]?.model ?? ''}, load average at start ${loadavg()[0].toFixed(1)}`,
  tfjs: tf.version.tfjs,
  demo: { dims: demo.dims, lesionsInCase: demo.lesionsInCase, lesions: demo.chosen },
  config, backends: [],
};
for (const name of backends) {
  const stock = name === 'cpu-tfjs', js = name === 'cpu-js', fresh = name === 'cpu-fresh';
  const info = await initBackend([stock || js || fresh ? 'cpu' : name]).catch((e: Error) => (console.log(`${name}: unavailable (${e.message})`), null));
  if (!info) continue;
  setFastCpuKernels(!stock);
  setWasmKernels(!stock && !js);
  setFusedCpuOps(!stock && !js);
  setArrayReuse(!stock && !js && !fresh);
  if (stock) info.adapter = 'CPU (JavaScript), tfjs stock kernels';
  if (js) info.adapter = 'CPU (JavaScript), our JavaScript kernels';
  if (fresh) info.adapter += ', a fresh array per output';
  const readModel = async (p: string) => new Uint8Array(await readFile(resolve(root, 'public/models/unet3d', p)));
  report.backends.push(await w.runBackendWorkload({ backend: info, readModel, demo, log: (l) => console.error(l) }, config));
}
console.log(w.formatReport(report));
if (arg('json')) await writeFile(arg('json')!, w.reportJson(report));
if (arg('csv')) await writeFile(arg('csv')!, w.reportCsv(report));
