// Load-time refusals, memory hygiene, the volume <-> tensor layout and backend choice.
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { loadSegmentationModel } from './loadModel.ts';
import { validateManifest } from './manifest.ts';
import { OnnxSegmentationModel } from './onnx/onnxModel.ts';
import { tensorToVolume, volumesToInput } from './volumeTensor.ts';

const dir = resolve(import.meta.dirname, '../../../public/test-fixtures/model/unet3d');
const read = async (p: string) => new Uint8Array(await readFile(resolve(dir, p)));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function tinyOnnx(opType: string, inputDims: (number | string)[]): Uint8Array {
  const { onnx } = onnxProto;
  const dims = inputDims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  const valueInfo = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims } } } });
  return onnx.ModelProto.encode({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'g', node: [{ opType, input: ['input'], output: ['logits'], name: 'the_node' }], input: [valueInfo('input')], output: [valueInfo('logits')] },
  }).finish();
}

describe('load-time refusals', () => {
  it('refuses an unsupported op, naming it', async () => {
    const manifest = validateManifest({ ...JSON.parse(new TextDecoder().decode(await read('manifest.json'))), gradCamLayer: 'logits' });
    expect(() => OnnxSegmentationModel.fromBytes(tinyOnnx('NonMaxSuppression', ['b', 2, 'z', 'y', 'x']), manifest))
      .toThrow(/unsupported ONNX op 'NonMaxSuppression'.*the_node/);
  });

  it('refuses a model whose declared input does not fit the manifest', async () => {
    const manifest = validateManifest({ ...JSON.parse(new TextDecoder().decode(await read('manifest.json'))), gradCamLayer: 'logits' });
    expect(() => OnnxSegmentationModel.fromBytes(tinyOnnx('Relu', ['b', 3, 'z', 'y', 'x']), manifest)).toThrow(/input 'input' has 3 channels/);
    expect(() => OnnxSegmentationModel.fromBytes(tinyOnnx('Relu', [1, 2, 64, 64, 64]), manifest)).toThrow(/fixed spatial size/);
  });

  it('refuses inputs of the wrong channel count or size at call time', async () => {
    const model = await loadSegmentationModel(read);
    expect(() => model.logits(tf.zeros([1, 16, 16, 16, 3]) as tf.Tensor5D)).toThrow(/3 channels/);
    expect(() => model.logits(tf.zeros([1, 16, 16, 12, 2]) as tf.Tensor5D)).toThrow(/multiples of 8/);
    model.dispose();
  });
});

describe('memory', () => {
  it('repeated forward, gradient and Grad-CAM++ head runs leak no tensor; dispose frees the model', async () => {
    const start = tf.memory().numTensors;
    const model = await loadSegmentationModel(read);
    const x = tf.randomNormal([1, 16, 16, 16, 2]) as tf.Tensor5D;
    const once = () => {
      model.logits(x).dispose();
      tf.grad((v: tf.Tensor) => tf.sum(model.lesionLogits(v as tf.Tensor5D)))(x).dispose();
      const ah = model.activationsAndHead(x, model.manifest.gradCamLayer);
      tf.grad((a: tf.Tensor) => tf.sum(ah.head(a as tf.Tensor5D)))(ah.activations).dispose();
      ah.dispose();
    };
    once(); // first run converts and caches constants (weights)
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) once();
    expect(tf.memory().numTensors).toBe(afterFirst);
    x.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('layers', () => {
  it('lists spatial feature maps with their scale, including the manifest layer', async () => {
    const model = await loadSegmentationModel(read);
    const layers = model.layers();
    const camLayer = layers.find((l) => l.name === model.manifest.gradCamLayer);
    expect(camLayer).toEqual({ name: '/up1/up1.2/PRelu_output_0', channels: 8, scale: [0.5, 0.5, 0.5] });
    model.dispose();
  });
});

describe('volume <-> tensor layout', () => {
  it('voxel (x, y, z) of a volume is element [0, z, y, x, channel] of the input', async () => {
    const dims = [4, 3, 2] as const;
    const n = 24;
    const flair = Float32Array.from({ length: n }, (_, i) => i);
    const mprage = Float32Array.from({ length: n }, (_, i) => 100 + i);
    const t = volumesToInput([flair, mprage], dims);
    expect(t.shape).toEqual([1, 2, 3, 4, 2]);
    const [x, y, z] = [3, 1, 1];
    const v = x + dims[0] * (y + dims[1] * z);
    const values = await t.array();
    expect(values[0][z][y][x]).toEqual([v, 100 + v]);
    expect(Array.from(await tensorToVolume(t, 1))).toEqual(Array.from(mprage));
    t.dispose();
  });
});

describe('backend choice', () => {
  it('refuses wasm by name and falls back to the next backend', async () => {
    const info = await initBackend(['wasm', 'cpu']);
    expect(info.name).toBe('cpu');
    expect(info.skipped[0].reason).toMatch(/wasm.*gradients/);
  });
});
