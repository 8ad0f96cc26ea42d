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

/** A model that cannot be used. The message names the model and the file, and says what is wrong, for the user. */
export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

/** Runs one loading step; anything it throws becomes a ModelLoadError saying which model and file. */
async function step<T>(model: string, what: (message: string) => string, run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw new ModelLoadError(`${model} cannot be used: ${what((e as Error).message)}`);
  }
}

export async function loadManifest(read: ReadModelFile): Promise<ModelManifest> {
  const model = 'The model';
  const bytes = await step(model, (m) => `its manifest.json could not be read (${m}).`, () => read('manifest.json'));
  const raw = await step(model, (m) => `its manifest.json is not valid JSON (${m}).`, () => JSON.parse(new TextDecoder().decode(bytes)) as unknown);
  // ManifestError's message names the field already
  return step(model, (m) => `${m}.`, () => validateManifest(raw));
}

/** Manifest validated first, then the model checked against it; errors (ModelLoadError) name the model, file and field or op. */
export async function loadSegmentationModel(read: ReadModelFile): Promise<SegmentationModel> {
  const manifest = await loadManifest(read);
  const model = `The model '${manifest.name}'`;
  const file = manifest.file;
  switch (manifest.format) {
    case 'onnx': {
      const bytes = await step(model, (m) => `its model file ${file} could not be read (${m}).`, () => read(file));
      const damaged = (m: string) => (/not a readable|no graph/.test(m) ? ' (the file is truncated or damaged: install the model again)' : '');
      // the manifest's own refusals (e.g. a Grad-CAM++ layer not in the graph) name manifest.json already
      return step(model, (m) => `${m.startsWith('manifest.json') ? '' : `${file}: `}${m}${damaged(m)}.`, () =>
        OnnxSegmentationModel.fromBytes(bytes, manifest),
      );
    }
    case 'tfjs-layers':
      return step(model, (m) => `${file}: ${m}.`, async () => LayersSegmentationModel.fromModel(await tf.loadLayersModel(tfjsHandler(read, file)), manifest));
    case 'tfjs-graph':
      return step(model, (m) => `${file}: ${m}.`, async () => new GraphSegmentationModel(manifest, await tf.loadGraphModel(tfjsHandler(read, file))));
  }
}
