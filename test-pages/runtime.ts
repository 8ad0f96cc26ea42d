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
