// A broken model folder is refused with a message that names the model, the file and what is wrong.
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError, loadSegmentationModel, type ReadModelFile } from './loadModel.ts';

const dir = resolve(import.meta.dirname, '../../../public/test-fixtures/model/unet3d');
const manifestText = readFileSync(resolve(dir, 'manifest.json'), 'utf8');
const onnxBytes = new Uint8Array(readFileSync(resolve(dir, 'model.onnx')));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The fixture folder over HTTP-like reads, with some files replaced (a string or bytes) or missing (null). */
function folder(replace: Record<string, string | Uint8Array | null> = {}): ReadModelFile {
  const files: Record<string, string | Uint8Array | null> = { 'manifest.json': manifestText, 'model.onnx': onnxBytes, ...replace };
  return async (path) => {
    const f = files[path];
    if (f === undefined || f === null) throw new Error(`models/fixture/${path}: HTTP 404`);
    return typeof f === 'string' ? new TextEncoder().encode(f) : f;
  };
}

const manifestWith = (patch: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(manifestText), ...patch });

/** A one-node ONNX model whose input has the given dims (the op is irrelevant: the input is checked first). */
function onnxWithInput(dims: (number | string)[]): Uint8Array {
  const { onnx } = onnxProto;
  const shape = { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  const info = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape } } });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'g', node: [{ opType: 'Relu', input: ['input'], output: ['logits'], name: 'relu' }], input: [info('input')], output: [info('logits')] },
  }).finish();
}

async function refusal(read: ReadModelFile): Promise<string> {
  try {
    (await loadSegmentationModel(read)).dispose();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelLoadError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelLoadError, but the model loaded');
}

const FIXTURE = "The model 'unet3d-parity-fixture' cannot be used";

describe('broken model folders', () => {
  it('manifest.json missing', async () => {
    expect(await refusal(folder({ 'manifest.json': null }))).toBe(
      'The model cannot be used: its manifest.json could not be read (models/fixture/manifest.json: HTTP 404).',
    );
  });

  it('manifest.json not JSON (cut in the middle)', async () => {
    expect(await refusal(folder({ 'manifest.json': manifestText.slice(0, 40) }))).toMatch(
      /^The model cannot be used: its manifest\.json is not valid JSON \(.+\)\.$/,
    );
  });

  it('manifest.json without a required field', async () => {
    const { threshold: _, ...noThreshold } = JSON.parse(manifestText);
    expect(await refusal(folder({ 'manifest.json': JSON.stringify(noThreshold) }))).toBe(
      "The model cannot be used: manifest.json: field 'threshold' must be a number in (0, 1).",
    );
  });

  it('the ONNX file missing', async () => {
    expect(await refusal(folder({ 'model.onnx': null }))).toBe(
      `${FIXTURE}: its model file model.onnx could not be read (models/fixture/model.onnx: HTTP 404).`,
    );
  });

  it('the ONNX file truncated', async () => {
    expect(await refusal(folder({ 'model.onnx': onnxBytes.slice(0, 1000) }))).toBe(
      `${FIXTURE}: model.onnx: not a readable .onnx file: index out of range: 1000 + 10 > 1000 ` +
        '(the file is truncated or damaged: install the model again).',
    );
  });

  it('the ONNX file replaced by a web page (a server that answers missing files with its index page)', async () => {
    expect(await refusal(folder({ 'model.onnx': '<!doctype html><html><body>Not found</body></html>' }))).toMatch(
      /^The model 'unet3d-parity-fixture' cannot be used: model\.onnx: (not a readable \.onnx file: .+|the \.onnx file has no graph) \(the file is truncated or damaged: install the model again\)\.$/,
    );
  });

  it('an ONNX model that takes 3 channels, where the manifest (and this app) give 2', async () => {
    expect(await refusal(folder({ 'model.onnx': onnxWithInput(['b', 3, 'z', 'y', 'x']) }))).toBe(
      `${FIXTURE}: model.onnx: ONNX input 'input' has 3 channels but the manifest declares 2 (FLAIR, MPRAGE).`,
    );
  });

  it('a manifest that declares 1 channel for the 2-channel ONNX model', async () => {
    expect(await refusal(folder({ 'manifest.json': manifestWith({ inputChannels: ['FLAIR'] }) }))).toBe(
      `${FIXTURE}: model.onnx: ONNX input 'input' has 2 channels but the manifest declares 1 (FLAIR).`,
    );
  });

  it('a manifest channel that no opened scan can feed (a T2)', async () => {
    expect(await refusal(folder({ 'manifest.json': manifestWith({ inputChannels: ['FLAIR', 'MPRAGE', 'T2'] }) }))).toMatch(
      /^The model cannot be used: manifest\.json: field 'inputChannels' names 'T2': this app opens a FLAIR and a T1-weighted scan/,
    );
  });

  it('a Grad-CAM++ layer that is not in the graph', async () => {
    expect(await refusal(folder({ 'manifest.json': manifestWith({ gradCamLayer: 'no_such_tensor' }) }))).toBe(
      `${FIXTURE}: manifest.json: field 'gradCamLayer' names 'no_such_tensor', which is no tensor of the ONNX graph.`,
    );
  });

  it('after all of these, the intact folder still loads and runs', async () => {
    const model = await loadSegmentationModel(folder());
    const y = model.logits(tf.zeros([1, 16, 16, 16, 2]) as tf.Tensor5D);
    expect(y.shape).toEqual([1, 16, 16, 16, 2]);
    y.dispose();
    model.dispose();
  });
});
