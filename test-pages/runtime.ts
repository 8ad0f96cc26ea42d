// Test page: runs the PyTorch parity fixtures on a chosen tfjs backend in the browser.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/model/backend.ts';
import { httpModelFolder } from '../src/core/model/loadModel.ts';
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
