// PyTorch parity on the cpu backend in Node, for the three architectures (two input sizes each)
// and the op zoo. Fixtures: public/test-fixtures/model/ (training/export_fixtures.py).
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.ts';
import { wasmKernels } from '../wasmConv.ts';
import { PARITY_MODELS, PARITY_TOLERANCE, runParity } from '../testing/parity.ts';

const fixtureDir = (name: string) => resolve(import.meta.dirname, '../../../../public/test-fixtures/model', name);
export const readFixture = (name: string) => async (path: string) => new Uint8Array(await readFile(resolve(fixtureDir(name), path)));

// Twice: on tfjs's own cpu kernels (the importer's ops as every backend runs them), and as the app runs the
// cpu backend (initBackend: WebAssembly convolutions on threads, channels-first fused convolutions, fused PReLU).
/** The convolutional nets; Swin UNETR's windows fold the batch into other axes, the op zoo and GroupNorm
 * (SegResNet) have reshapes. */
const PER_SAMPLE_GRAPHS: string[] = ['unet3d', 'dynunet', 'plainunet_ds', 'attention_unet', 'unet_flair', 'unet_3class', 'flair_contrast'];

/** One test per architecture; `label` names the run in the log. */
function parityTests(label: string) {
  for (const name of PARITY_MODELS) {
    it(`${name}: logits, input gradients (tf.grad, and one kept forward pass where the graph allows) and Grad-CAM++ layer gradients`, async () => {
      const results = await runParity(name, readFixture(name));
      expect(results.length).toBe(2);
      for (const r of results) {
        console.log(`[parity ${label}] ${r.model} ${r.sizeZyx.join('x')}: logits ${r.logitsRelErr.toExponential(2)} grad ${r.gradRelErr.toExponential(2)}`
          + ` linearized ${r.linearizedGradRelErr?.toExponential(2)}`
          + (r.layerRelErr !== undefined ? ` layer ${r.layerRelErr.toExponential(2)} layerGrad ${r.layerGradRelErr!.toExponential(2)}` : '')
          + ` (${r.forwardMs.toFixed(0)} / ${r.gradMs.toFixed(0)} ms)`);
        expect(r.logitsRelErr).toBeLessThan(PARITY_TOLERANCE);
        expect(r.gradRelErr).toBeLessThan(PARITY_TOLERANCE);
        // one kept forward pass for a batch of targets: graphs that keep batch items apart (Dag.linearize)
        if (PER_SAMPLE_GRAPHS.includes(name)) expect(r.linearizedGradRelErr).toBeLessThan(PARITY_TOLERANCE);
        else expect(r.linearizedGradRelErr).toBeUndefined();
        if (r.layerRelErr !== undefined) {
          expect(r.layerRelErr).toBeLessThan(PARITY_TOLERANCE);
          expect(r.layerGradRelErr!).toBeLessThan(PARITY_TOLERANCE);
        }
      }
      if (name !== 'opzoo') expect(results.some((r) => r.layerGradRelErr !== undefined)).toBe(true);
    });
  }
}

describe('ONNX runtime matches PyTorch (cpu backend, tfjs kernels)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  parityTests('cpu tfjs');
});

describe('ONNX runtime matches PyTorch (cpu backend as the app runs it)', () => {
  beforeAll(async () => {
    await initBackend(['cpu']);
    expect(wasmKernels()?.threads).toBeGreaterThan(0);
  });
  parityTests('cpu');
});
