// An ONNX model as a SegmentationModel.
import * as tf from '@tensorflow/tfjs';
import { DagSegmentationModel, type LayoutAdapter } from '../dagModel.ts';
import type { ModelManifest } from '../manifest.ts';
import { toChannelsFirst, toChannelsLast } from './layout.ts';
import { loadOnnxGraph, type LoadedOnnx } from './onnxGraph.ts';

/** App [b, z, y, x, c] <-> ONNX [b, c, d1, d2, d3] where (d1, d2, d3) = (z, y, x), or (x, y, z)
 * for a model whose manifest says spatialAxes 'xyz'. */
function onnxLayout(spatialAxes: 'zyx' | 'xyz'): LayoutAdapter {
  const swap = (t: tf.Tensor) => (spatialAxes === 'xyz' ? tf.transpose(t, [0, 3, 2, 1, 4]) : t);
  return {
    toModel: (x) => tf.tidy(() => toChannelsFirst(swap(x))),
    fromModel: (y) => tf.tidy(() => swap(toChannelsLast(y)) as tf.Tensor5D),
    spatialOf: (s) => ({ zyx: spatialAxes === 'xyz' ? [s[4], s[3], s[2]] : s.slice(2), channels: s[1] }),
  };
}

/** ONNX ops whose every output element pools all spatial positions of its input. Reduce* ops may or may not
 * (it depends on their axes); the receptive-field probe answers for those. */
const WHOLE_WINDOW_OPS = new Set(['InstanceNormalization', 'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']);

export class OnnxSegmentationModel extends DagSegmentationModel {
  private constructor(manifest: ModelManifest, private readonly onnx: LoadedOnnx) {
    super(manifest, onnx.dag, onnx.input.name, onnx.output.name, onnxLayout(manifest.spatialAxes));
  }

  /** Parses, checks and prepares the graph; refuses models that do not fit the manifest. */
  static fromBytes(bytes: Uint8Array, manifest: ModelManifest): OnnxSegmentationModel {
    const onnx = loadOnnxGraph(bytes);
    const dims = onnx.input.dims;
    const where = `ONNX input '${onnx.input.name}'`;
    if (onnx.input.elemType !== 1) {
      onnx.dispose();
      throw new Error(`${where} must be float32 (ONNX type ${onnx.input.elemType})`);
    }
    if (dims) {
      const problem = dims.length !== 5
        ? `has rank ${dims.length}; a 3D model takes [batch, channel, d1, d2, d3]`
        : typeof dims[1] === 'number' && dims[1] !== manifest.inputChannels.length
          ? `has ${dims[1]} channels but the manifest declares ${manifest.inputChannels.length} (${manifest.inputChannels.join(', ')})`
          : null;
      const fixed = dims.slice(2);
      // the graph's spatial axes are the tensor's z, y, x
      const windowZyx = [...manifest.windowXyz].reverse();
      const sizeProblem = !problem && fixed.some((d, i) => typeof d === 'number' && d !== windowZyx[i])
        ? `has fixed spatial size [${fixed}] but the manifest's windowSizeVoxels is [${manifest.windowSizeVoxels}]` : null;
      if (problem || sizeProblem) {
        onnx.dispose();
        throw new Error(`${where} ${problem ?? sizeProblem}`);
      }
    }
    const model = new OnnxSegmentationModel(manifest, onnx);
    if (!manifest.gradCamLayer || !onnx.dag.producerOf(manifest.gradCamLayer)) {
      model.dispose();
      throw new Error(`manifest.json: field 'gradCamLayer' names '${manifest.gradCamLayer}', which is no tensor of the ONNX graph`);
    }
    return model;
  }

  get opset(): number { return this.onnx.opset; }

  wholeWindowOps(): string[] {
    return [...this.onnx.opCounts.keys()].filter((op) => WHOLE_WINDOW_OPS.has(op));
  }
  get opCounts(): Map<string, number> { return this.onnx.opCounts; }

  checkInput(shape: readonly number[]): void {
    const m = this.manifest;
    const name = `model '${m.name}'`;
    if (shape.length !== 5) throw new Error(`${name}: input must be [batch, z, y, x, channel], got rank ${shape.length}`);
    if (shape[4] !== m.inputChannels.length) {
      throw new Error(`${name}: input has ${shape[4]} channels, the model takes ${m.inputChannels.length} (${m.inputChannels.join(', ')})`);
    }
    const spatial = shape.slice(1, 4);
    if (spatial.some((d) => d % m.sizeMultiple !== 0)) {
      throw new Error(`${name}: input size [${spatial}] (z, y, x) must be multiples of ${m.sizeMultiple}`);
    }
    const dims = this.onnx.input.dims?.slice(2);
    const native = m.spatialAxes === 'xyz' ? [...spatial].reverse() : spatial;
    if (dims && dims.some((d, i) => typeof d === 'number' && d !== native[i])) {
      throw new Error(`${name}: input size [${spatial}] does not fit the fixed ONNX input size [${dims}]`);
    }
  }

  dispose(): void {
    this.onnx.dispose();
  }
}
