// A model brought as files: what its graph says, the draft manifest, and the dry run that checks it before use.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkModelFiles, draftManifest, modelFileFacts, type ModelFiles } from './index.ts';

const fixture = (name: string, file = 'model.onnx') => readFileSync(resolve(import.meta.dirname, '../../../public/test-fixtures/model', name, file));
const files = (entries: [string, Uint8Array][]): ModelFiles => new Map(entries);

describe('a model brought as files', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('reads channels, classes and opset from an ONNX graph and drafts a manifest from them', () => {
    const facts = modelFileFacts(files([['contrast.onnx', fixture('flair_contrast')]]));
    expect(facts).toMatchObject({ format: 'onnx', file: 'contrast.onnx', opset: 17, inputChannels: 1, outputChannels: 1, fixedSpatial: null, problems: [], manifest: null });
    const draft = draftManifest(facts, 'contrast.onnx');
    expect(draft).toMatchObject({ name: 'contrast', inputChannels: ['FLAIR'], output: { kind: 'sigmoid1', lesionChannel: 0 }, file: 'contrast.onnx', gradCamLayer: '' });
    const three = draftManifest(modelFileFacts(files([['m.onnx', fixture('unet_3class')]])), 'm.onnx');
    expect(three).toMatchObject({ inputChannels: ['FLAIR', 'T1'], output: { kind: 'softmax', classes: 3 } });
  });

  it("keeps the files' own manifest, field by field, but for the model file given", () => {
    const manifest = new TextEncoder().encode(JSON.stringify({ name: 'theirs', threshold: 0.3, file: 'elsewhere.onnx' }));
    const facts = modelFileFacts(files([['model.onnx', fixture('flair_contrast')], ['manifest.json', manifest]]));
    expect(draftManifest(facts, 'model.onnx')).toMatchObject({ name: 'theirs', threshold: 0.3, file: 'model.onnx', inputChannels: ['FLAIR'] });
  });

  it('names what the runtime cannot run: the op, its opset and a node', () => {
    const facts = modelFileFacts(files([['m.onnx', fixture('unsupported_op')]]));
    expect(facts.problems.join()).toMatch(/unsupported ONNX op 'CumSum' \(opset 17; 1 node, e\.g\. '\/CumSum'\)/);
  });

  it('says when the files hold no model', () => {
    expect(() => modelFileFacts(files([['notes.txt', new Uint8Array(3)]]))).toThrow(/no model among notes\.txt: give an \.onnx file/);
    expect(() => modelFileFacts(files([['m.onnx', new Uint8Array([1, 2, 3, 4, 5])]]))).toThrow(/m\.onnx is not a readable ONNX model/);
  });

  it('dry-runs the model on a small window, and picks the last full-resolution feature map for Grad-CAM++', async () => {
    const given = files([['c.onnx', fixture('flair_contrast')]]);
    const draft = { ...draftManifest(modelFileFacts(given), 'c.onnx'), windowSizeVoxels: [32, 32, 32], sizeMultiple: 1 };
    const check = await checkModelFiles(given, draft);
    expect(check.manifest.gradCamLayer).toBe('/halves/Relu_output_0');
    // provenance names the file's SHA-256 (checked against Node's own hash, not ours)
    const { createHash } = await import('node:crypto');
    expect(check.sha256).toBe(createHash('sha256').update(fixture('flair_contrast')).digest('hex'));
    expect(check.manifest.provenance).toMatch(new RegExp(`^added by the user from c\\.onnx \\(ONNX opset 17, made by pytorch.*SHA-256 ${check.sha256}$`));
    expect(check.dryRunZyx).toEqual([16, 16, 16]);
    expect(check.layers.map((l) => [l.name, l.channels, l.scale[0]])).toContainEqual(['/halves/Relu_output_0', 2, 1]);
    // logit = 10 (3^3 mean of x - 1.45) on standard normal noise: the mean of 27 values has SD 0.19, so the
    // logits lie around -14.5 and stay within a few tens of it
    expect(check.logitRange[0]).toBeGreaterThan(-30);
    expect(check.logitRange[1]).toBeLessThan(0);
  });

  it('refuses a manifest that does not fit the graph, saying how', async () => {
    const given = files([['c.onnx', fixture('flair_contrast')]]);
    const draft = draftManifest(modelFileFacts(given), 'c.onnx');
    await expect(checkModelFiles(given, { ...draft, inputChannels: ['FLAIR', 'T1'] })).rejects.toThrow(/has 1 channels but the manifest declares 2/);
    await expect(checkModelFiles(given, { ...draft, output: { kind: 'softmax2', lesionChannel: 1 } })).rejects.toThrow(/the dry run gave 1 output channels; the manifest's output \(softmax2\) has 2/);
    await expect(checkModelFiles(files([['m.onnx', fixture('unsupported_op')]]), draft)).rejects.toThrow(/m\.onnx cannot be run here: unsupported ONNX op 'CumSum'/);
  });

  it('takes a TensorFlow.js model folder (model.json and its weights) given as loose files', async () => {
    const input = tf.input({ shape: [null, null, null, 1], name: 'image' });
    const mid = tf.layers.conv3d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'mid' }).apply(input) as tf.SymbolicTensor;
    const out = tf.layers.conv3d({ filters: 1, kernelSize: 1, name: 'logit' }).apply(mid) as tf.SymbolicTensor;
    const keras = tf.model({ inputs: input, outputs: out });
    let artifacts: tf.io.ModelArtifacts | null = null;
    await keras.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const a = artifacts! as tf.io.ModelArtifacts;
    const modelJson = { format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['./group1-shard1of1.bin'], weights: a.weightSpecs }] };
    const given = files([
      ['model.json', new TextEncoder().encode(JSON.stringify(modelJson))],
      ['group1-shard1of1.bin', new Uint8Array(a.weightData as ArrayBuffer)],
    ]);
    const facts = modelFileFacts(given);
    expect(facts).toMatchObject({ format: 'tfjs-layers', file: 'model.json', opset: null });
    const draft = { ...draftManifest(facts, 'model.json'), inputChannels: ['FLAIR'], output: { kind: 'sigmoid1', lesionChannel: 0 }, sizeMultiple: 1 };
    // its layers are not listed here: the layer must be named
    await expect(checkModelFiles(given, draft)).rejects.toThrow(/name the Grad-CAM\+\+ layer/);
    const check = await checkModelFiles(given, { ...draft, gradCamLayer: 'mid' });
    expect(check.dryRunZyx).toEqual([16, 16, 16]);
    expect(Number.isFinite(check.logitRange[0])).toBe(true);
    keras.dispose();
  });
});
