// Loading a model folder (manifest.json + model file) from the network, the file system or memory.
import * as tf from '@tensorflow/tfjs';
import { validateManifest, type ModelManifest } from './manifest.ts';
import { OnnxSegmentationModel } from './onnx/onnxModel.ts';
import type { SegmentationModel } from './segmentationModel.ts';
import { GraphSegmentationModel, LayersSegmentationModel } from './tfjsModel.ts';

/** Reads a file of the model folder, by path relative to manifest.json. */
export type ReadModelFile = (path: string) => Promise<Uint8Array>;

export function httpModelFolder(baseUrl: string, fetchFn: typeof fetch = fetch): ReadModelFile {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (path) => {
    const response = await fetchFn(base + path);
    if (!response.ok) throw new Error(`${base + path}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
}

function tfjsHandler(read: ReadModelFile, file: string): tf.io.IOHandler {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  return {
    load: async () => {
      const json = JSON.parse(new TextDecoder().decode(await read(file))) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => read(dir + p)));
        const total = buffers.reduce((s, b) => s + b.byteLength, 0);
        const data = new Uint8Array(total);
        let offset = 0;
        for (const b of buffers) { data.set(b, offset); offset += b.byteLength; }
        return [specs, data.buffer];
      });
    },
  };
}

export async function loadManifest(read: ReadModelFile): Promise<ModelManifest> {
  const text = new TextDecoder().decode(await read('manifest.json'));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`manifest.json is not valid JSON: ${(e as Error).message}`);
  }
  return validateManifest(raw);
}

/** Manifest validated first, then the model checked against it; errors name the field or op. */
export async function loadSegmentationModel(read: ReadModelFile): Promise<SegmentationModel> {
  const manifest = await loadManifest(read);
  switch (manifest.format) {
    case 'onnx':
      return OnnxSegmentationModel.fromBytes(await read(manifest.file), manifest);
    case 'tfjs-layers':
      return LayersSegmentationModel.fromModel(await tf.loadLayersModel(tfjsHandler(read, manifest.file)), manifest);
    case 'tfjs-graph':
      return new GraphSegmentationModel(manifest, await tf.loadGraphModel(tfjsHandler(read, manifest.file)));
  }
}
