// Test page: runs the PyTorch parity fixtures on a chosen tfjs backend in the browser.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/model/backend.ts';
import { httpModelFolder } from '../src/core/model/loadModel.ts';
import { loadOnnxGraph } from '../src/core/model/onnx/onnxGraph.ts';
import { decodeFloat16 } from '../src/core/model/onnx/proto.ts';
import { PARITY_MODELS, runParity, type ParityResult } from '../src/core/model/testing/parity.ts';

const log = (line: string) => { document.getElementById('log')!.textContent += `${line}\n`; };

async function runtimeParity(backend: string, models: string[] = [...PARITY_MODELS], cases?: number[]) {
  const info = await initBackend([backend]);
  log(`backend ${info.name} on ${info.adapter}${info.software ? ' (software)' : ''}`);
  const results: ParityResult[] = [];
  const before = tf.memory().numTensors;
  for (const name of models) {
    // The page lives in test-pages/; the fixtures are served from public/ at the root.
    const base = new URL(`../test-fixtures/model/${name}/`, document.baseURI).href;
    for (const r of await runParity(name, httpModelFolder(base), cases)) {
      results.push(r);
      log(`${r.model} ${r.sizeZyx.join('x')}: logits ${r.logitsRelErr.toExponential(2)} grad ${r.gradRelErr.toExponential(2)}`);
    }
  }
  return { backend: info, results, leakedTensors: tf.memory().numTensors - before };
}

(window as unknown as { runtimeParity: typeof runtimeParity }).runtimeParity = runtimeParity;
document.body.dataset.ready = 'true';

/** Debug aid: the first graph value that is not finite (NaN / Infinity) for a fixture input. */
async function firstNonFinite(backend: string, name: string, caseIndex: number) {
  await initBackend([backend]);
  const read = httpModelFolder(new URL(`../test-fixtures/model/${name}/`, document.baseURI).href);
  const meta = JSON.parse(new TextDecoder().decode(await read('fixtures.json')));
  const c = meta.cases[caseIndex];
  const g = loadOnnxGraph(await read('model.onnx'));
  const x = tf.tensor(decodeFloat16(await read(c.input)), [1, 2, ...c.size_zyx]);
  const kept: [string, string, tf.Tensor][] = [];
  g.dag.run(new Map([[g.input.name, x]]), [g.output.name], (n, v) => {
    if (!('host' in v)) kept.push([n, g.dag.producerOf(n)!.opType, tf.keep(tf.clone(v as tf.Tensor))]);
  });
  let found = null;
  for (const [n, op, t] of kept) {
    if (!found && t.dtype === 'float32') {
      const d = (await t.data()) as Float32Array;
      const bad = d.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) found = { name: n, op, shape: t.shape, index: bad, value: d[bad] };
    }
    t.dispose();
  }
  return found;
}
(window as unknown as { firstNonFinite: typeof firstNonFinite }).firstNonFinite = firstNonFinite;

/** The tiled WebGPU convolutions (webgpuConv.ts) against the cpu backend on awkward shapes: strides, padding,
 * dilation, batches, channel counts that fill no tile; forward and input gradient (= transposed convolution). */
async function tiledConvCheck() {
  const cases: { x: number[]; f: number[]; s: number; p: number | 'valid' | 'same'; d?: number }[] = [
    { x: [1, 8, 9, 10, 3], f: [3, 3, 3, 3, 5], s: 1, p: 1 },
    { x: [2, 7, 8, 9, 4], f: [3, 3, 3, 4, 16], s: 2, p: 1 },
    { x: [1, 6, 6, 6, 17], f: [2, 2, 2, 17, 33], s: 2, p: 'valid' },
    { x: [1, 9, 9, 9, 2], f: [3, 3, 3, 2, 8], s: 1, p: 'same', d: 2 },
    { x: [1, 5, 6, 7, 16], f: [1, 1, 1, 16, 2], s: 1, p: 0 },
    { x: [1, 11, 13, 12, 8], f: [3, 3, 3, 8, 24], s: 2, p: 1 },
  ];
  const run = async (i: number) => {
    const c = cases[i];
    const t = tf.tidy(() => {
      // seeds from 1: tfjs treats seed 0 as none
      const x = tf.randomNormal(c.x, 0, 1, 'float32', 3 * i + 1) as tf.Tensor5D;
      const f = tf.randomNormal(c.f, 0, 1, 'float32', 3 * i + 2) as tf.Tensor5D;
      const y = tf.conv3d(x, f, c.s, c.p as 'same', 'NDHWC', c.d ?? 1);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3 * i + 3) as tf.Tensor5D;
      // the input gradient (tfjs has it for dilation 1 only)
      const dx = (c.d ?? 1) === 1 ? tf.conv3dTranspose(dy, f, c.x as [number, number, number, number, number], c.s, c.p as 'same') : null;
      return dx ? [y, dx] : [y];
    });
    // data(), not dataSync(): a browser's WebGPU cannot read back synchronously
    const out = { y: (await t[0].data()) as Float32Array, dx: t[1] ? ((await t[1].data()) as Float32Array) : null };
    tf.dispose(t);
    return out;
  };
  await initBackend(['cpu']);
  const reference = [];
  for (let i = 0; i < cases.length; i++) reference.push(await run(i));
  const info = await initBackend(['webgpu']);
  const relErr = (a: Float32Array, b: Float32Array) => {
    let m = 0, r = 0;
    for (let i = 0; i < b.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); r = Math.max(r, Math.abs(b[i])); }
    return Number.isFinite(m) ? m / r : Infinity;
  };
  const results = [];
  for (let i = 0; i < cases.length; i++) {
    const got = await run(i);
    results.push({ conv: JSON.stringify(cases[i]), forward: relErr(got.y, reference[i].y), inputGradient: got.dx ? relErr(got.dx, reference[i].dx!) : null });
  }
  return { adapter: info.adapter, tiled: (tf.getKernel('Conv3D', 'webgpu') as { lesionLens?: boolean }).lesionLens === true, results };
}
(window as unknown as { tiledConvCheck: typeof tiledConvCheck }).tiledConvCheck = tiledConvCheck;
