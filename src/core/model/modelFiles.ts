// A model the user brings as files (an .onnx file, or a TensorFlow.js model.json with its weight files, and an
// optional manifest.json): what its graph says, and a draft manifest for the form to start from.
import type { ReadModelFile } from './loadModel.ts';
import type { ModelFormat } from './manifest.ts';
import { decodeOnnx } from './onnx/proto.ts';
import { onnxProblems, segmentationOutput } from './onnx/onnxGraph.ts';
import { DEFAULT_MAX_DROPPED_VOXELS } from '../lesions/analyse.ts';

/** The files as the user gave them, by name (no folders: a picked or dropped set of files). */
export type ModelFiles = Map<string, Uint8Array>;

/** A ReadModelFile over files in memory; a path is matched by its last part too (tfjs weight paths). */
export function memoryModelFolder(files: ModelFiles): ReadModelFile {
  return async (path) => {
    const bytes = files.get(path) ?? files.get(path.slice(path.lastIndexOf('/') + 1));
    if (!bytes) throw new Error(`${path} is not among the files given (${[...files.keys()].join(', ')})`);
    return bytes;
  };
}

/** What the files hold, read without running anything. */
export interface ModelFileFacts {
  format: ModelFormat;
  /** the model file's name among the files */
  file: string;
  /** ONNX opset and producer (e.g. 'pytorch 2.1'); null for tfjs */
  opset: number | null;
  producer: string | null;
  /** input channels and fixed spatial size [d1, d2, d3] when the graph fixes them */
  inputChannels: number | null;
  fixedSpatial: number[] | null;
  /** output channels of the segmentation output when fixed, and its name (ONNX) */
  outputChannels: number | null;
  outputName: string | null;
  /** the op that makes the segmentation output (ONNX), e.g. 'Sigmoid': a model that outputs probabilities */
  outputOp: string | null;
  /** what the runtime cannot run (unsupported ops with opset and node), empty when it can run all of it */
  problems: string[];
  /** the manifest.json among the files, parsed, if there was one */
  manifest: Record<string, unknown> | null;
}

const fixedDim = (d: number | string | null | undefined) => (typeof d === 'number' && d > 0 ? d : null);

/** Reads the files; throws a message for the user when they hold no model. */
export function modelFileFacts(files: ModelFiles): ModelFileFacts {
  const names = [...files.keys()];
  let manifest: Record<string, unknown> | null = null;
  if (files.has('manifest.json')) {
    try {
      manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`manifest.json is not valid JSON (${(e as Error).message})`);
    }
  }
  const onnx = names.filter((n) => n.toLowerCase().endsWith('.onnx'));
  const tfjs = names.filter((n) => n.endsWith('.json') && n !== 'manifest.json');
  if (onnx.length > 1) throw new Error(`give one model at a time: ${onnx.join(', ')} are all ONNX models`);
  if (onnx.length === 1) {
    let graph;
    try {
      graph = decodeOnnx(files.get(onnx[0])!);
    } catch (e) {
      throw new Error(`${onnx[0]} is not a readable ONNX model (${(e as Error).message})`);
    }
    const input = graph.inputs[0];
    // of several outputs (deep supervision) the runtime segments with the one at the input's resolution
    const output = input ? segmentationOutput(input, graph.outputs) : graph.outputs[0];
    const problems = onnxProblems(graph);
    if (graph.inputs.length !== 1) problems.push(`the graph has ${graph.inputs.length} inputs; a segmentation model takes one image`);
    if (input?.dims && input.dims.length !== 5) problems.push(`its input '${input.name}' has rank ${input.dims.length}; a 3D model takes [batch, channel, d1, d2, d3]`);
    const spatial = input?.dims?.slice(2).map(fixedDim) ?? null;
    return {
      format: 'onnx',
      file: onnx[0],
      opset: graph.opset,
      producer: graph.producer || null,
      inputChannels: fixedDim(input?.dims?.[1]),
      fixedSpatial: spatial && spatial.every((d) => d !== null) ? (spatial as number[]) : null,
      outputChannels: fixedDim(output?.dims?.[1]),
      outputName: output?.name ?? null,
      outputOp: graph.nodes.find((n) => output && n.outputs.includes(output.name))?.opType ?? null,
      problems,
      manifest,
    };
  }
  if (tfjs.length === 1) {
    let json: { format?: string; modelTopology?: unknown };
    try {
      json = JSON.parse(new TextDecoder().decode(files.get(tfjs[0]))) as typeof json;
    } catch (e) {
      throw new Error(`${tfjs[0]} is not valid JSON (${(e as Error).message})`);
    }
    if (!json.modelTopology) throw new Error(`${tfjs[0]} is not a TensorFlow.js model (it has no modelTopology)`);
    const format: ModelFormat = json.format === 'graph-model' ? 'tfjs-graph' : 'tfjs-layers';
    return { format, file: tfjs[0], opset: null, producer: null, inputChannels: null, fixedSpatial: null, outputChannels: null, outputName: null, outputOp: null, problems: [], manifest };
  }
  throw new Error(names.length
    ? `no model among ${names.join(', ')}: give an .onnx file, or a TensorFlow.js model.json with its .bin weight files (and optionally a manifest.json)`
    : 'no files given');
}

/** A manifest to start the form from: the files' own manifest where they have one, else defaults read from the
 * graph (channels, classes, a fixed window) and the shipped models' habits (1 mm, z-scored brain, 96^3 windows). */
export function draftManifest(facts: ModelFileFacts, fileName: string): Record<string, unknown> {
  const name = fileName.replace(/\.(onnx|json)$/i, '').replace(/[^\w.-]+/g, '-') || 'my-model';
  const classes = facts.outputChannels ?? 2;
  const window = facts.fixedSpatial ?? [96, 96, 96];
  const draft: Record<string, unknown> = {
    name,
    format: facts.format,
    file: facts.file,
    inputChannels: facts.inputChannels === 1 ? ['FLAIR'] : ['FLAIR', 'T1'],
    normalisation: 'zscore-brain',
    spacingMm: [1, 1, 1],
    windowSizeVoxels: window,
    sizeMultiple: facts.fixedSpatial ? 1 : 16,
    spatialAxes: 'zyx',
    // a graph that ends in a Sigmoid outputs the probability already
    output: classes === 1 ? { kind: facts.outputOp === 'Sigmoid' ? 'probability' : 'sigmoid1', lesionChannel: 0 } : classes === 2 ? { kind: 'softmax2', lesionChannel: 1 } : { kind: 'softmax', classes, lesionChannel: 1 },
    threshold: 0.5,
    maxDroppedVoxels: DEFAULT_MAX_DROPPED_VOXELS,
    gradCamLayer: '',
    receptiveFieldVoxels: null,
    provenance: `added by the user from ${facts.file}${facts.opset ? ` (ONNX opset ${facts.opset}${facts.producer ? `, made by ${facts.producer}` : ''})` : ''}`,
    metrics: {},
    intendedUse: 'Research use only: added by the user; not evaluated by LesionLens.',
  };
  // the files' own manifest wins field by field, except the model file, which is the one given
  return { ...draft, ...(facts.manifest ?? {}), format: facts.format, file: facts.file };
}
