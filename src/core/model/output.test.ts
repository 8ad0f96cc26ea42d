// A model whose output is already the probability ('probability'): the same hand-set FLAIR-contrast net with the
// sigmoid inside its graph (training/export_fixtures.py flair_contrast_probability) must give the logits, the
// probability and the input gradients of the sigmoid1 model (flair_contrast, itself checked against PyTorch in
// onnx/parity.test.ts), and a zero gradient where its probability is saturated.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftManifest, lesionProbability, loadSegmentationModel, modelFileFacts, type SegmentationModel } from './index.ts';

const folder = resolve(import.meta.dirname, '../../../public/test-fixtures/model');
const read = (name: string, file: string) => new Uint8Array(readFileSync(resolve(folder, name, file)));
const manifest = JSON.parse(new TextDecoder().decode(read('flair_contrast', 'manifest.json')));
const load = (name: string, kind: string) => loadSegmentationModel(async (p) =>
  p === 'manifest.json' ? new TextEncoder().encode(JSON.stringify({ ...manifest, name, output: { kind, lesionChannel: 0 } })) : read(name, p));

describe("output kind 'probability' (the model outputs p; explained through its logit)", () => {
  let logitModel: SegmentationModel;
  let probModel: SegmentationModel;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    logitModel = await load('flair_contrast', 'sigmoid1');
    probModel = await load('flair_contrast_probability', 'probability');
  });
  afterAll(() => { logitModel.dispose(); probModel.dispose(); });

  it('the form drafts it from a graph that ends in a Sigmoid', () => {
    const facts = modelFileFacts(new Map([['m.onnx', read('flair_contrast_probability', 'model.onnx')]]));
    expect(facts.outputOp).toBe('Sigmoid');
    expect(draftManifest(facts, 'm.onnx').output).toEqual({ kind: 'probability', lesionChannel: 0 });
    const plain = modelFileFacts(new Map([['m.onnx', read('flair_contrast', 'model.onnx')]]));
    expect(draftManifest(plain, 'm.onnx').output).toEqual({ kind: 'sigmoid1', lesionChannel: 0 });
  });

  it('logits, probability and input gradients equal the sigmoid1 model\'s', () => {
    // FLAIR about the net's level 1.45, so that p stays well inside (1e-6, 1 - 1e-6)
    const x = tf.tidy(() => tf.add(1.45, tf.mul(0.3, tf.randomNormal([2, 8, 10, 12, 1], 0, 1, 'float32', 7)))) as tf.Tensor5D;
    const target = tf.randomUniform([2, 8, 10, 12], 0, 1, 'float32', 8) as tf.Tensor4D;
    const score = (m: SegmentationModel) => (input: tf.Tensor) => tf.sum(tf.mul(m.lesionLogits(input as tf.Tensor5D), target));
    const values = (t: tf.Tensor) => { const v = t.dataSync() as Float32Array; t.dispose(); return v; };
    const zLogit = values(logitModel.lesionLogits(x));
    const zProb = values(probModel.lesionLogits(x));
    const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(Math.max(...zLogit.map(Math.abs))).toBeLessThan(12);
    // float32 p near 1 carries about 6e-8 absolute: its logit to about 1e-3 at |z| ~ 10
    expect(maxAbs(zProb, zLogit)).toBeLessThan(2e-3);
    const pLogit = values(lesionProbability(logitModel.logits(x), logitModel.manifest.output));
    const pProb = values(lesionProbability(probModel.logits(x), probModel.manifest.output));
    expect(maxAbs(pProb, pLogit)).toBeLessThan(1e-6);
    const gLogit = values(tf.grad(score(logitModel))(x));
    const gProb = values(tf.grad(score(probModel))(x));
    expect(maxAbs(gProb, gLogit) / Math.max(...gLogit.map(Math.abs))).toBeLessThan(5e-3);
    // the kept-forward backward pass (max SmoothGrad) chains through the logit too
    const x1 = tf.slice(x, [0, 0, 0, 0, 0], [1, -1, -1, -1, -1]) as tf.Tensor5D;
    const t1 = tf.slice(target, [0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    const linP = probModel.linearizeLesion!(x1)!;
    const linL = logitModel.linearizeLesion!(x1)!;
    const kP = values(linP.backward(t1));
    const kL = values(linL.backward(t1));
    linP.dispose(); linL.dispose();
    expect(maxAbs(kP, kL) / Math.max(...kL.map(Math.abs))).toBeLessThan(5e-3);
    [x, target, x1, t1].forEach((t) => t.dispose());
  });

  it('a saturated probability gives a finite logit and no gradient', () => {
    // FLAIR 0: logit -14.5, p = 5e-7 < 1e-6, clamped: logit log(1e-6 / (1 - 1e-6))
    const x = tf.zeros([1, 6, 6, 6, 1]) as tf.Tensor5D;
    const z = probModel.lesionLogits(x);
    const zv = z.dataSync();
    expect(zv[0]).toBeCloseTo(Math.log(1e-6 / (1 - 1e-6)), 3);
    const g = tf.grad((input: tf.Tensor) => tf.sum(probModel.lesionLogits(input as tf.Tensor5D)))(x);
    expect(Math.max(...(g.dataSync() as Float32Array).map(Math.abs))).toBe(0);
    [x, z, g].forEach((t) => t.dispose());
  });
});
