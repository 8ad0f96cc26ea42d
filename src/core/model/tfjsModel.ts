// tfjs models (LayersModel, GraphModel, e.g. brainchop-style) as SegmentationModels. tfjs 3D models
// are channels-last already: [b, d1, d2, d3, c] with (d1, d2, d3) = (z, y, x) unless the manifest
// says spatialAxes 'xyz'.
import * as tf from '@tensorflow/tfjs';
import { slice } from './safeOps.ts';
import { Dag, type DagNode } from './dag.ts';
import { DagSegmentationModel, type LayoutAdapter } from './dagModel.ts';
import type { ModelManifest } from './manifest.ts';
import { outputAsLogits } from './output.ts';
import type { ActivationsAndHead, LayerInfo, SegmentationModel } from './segmentationModel.ts';

function channelsLastLayout(spatialAxes: 'zyx' | 'xyz'): LayoutAdapter {
  const swap = (t: tf.Tensor) => (spatialAxes === 'xyz' ? tf.transpose(t, [0, 3, 2, 1, 4]) : tf.clone(t));
  return {
    toModel: swap,
    fromModel: (y) => swap(y) as tf.Tensor5D,
    spatialOf: (s) => ({ zyx: spatialAxes === 'xyz' ? [s[3], s[2], s[1]] : s.slice(1, 4), channels: s[4] }),
  };
}

function checkChannelsLastInput(manifest: ModelManifest, inputShape: readonly (number | null)[], shape: readonly number[]): void {
  const name = `model '${manifest.name}'`;
  if (shape.length !== 5) throw new Error(`${name}: input must be [batch, z, y, x, channel], got rank ${shape.length}`);
  if (shape[4] !== manifest.inputChannels.length) {
    throw new Error(`${name}: input has ${shape[4]} channels, the model takes ${manifest.inputChannels.length} (${manifest.inputChannels.join(', ')})`);
  }
  const spatial = shape.slice(1, 4);
  if (spatial.some((d) => d % manifest.sizeMultiple !== 0)) {
    throw new Error(`${name}: input size [${spatial}] (z, y, x) must be multiples of ${manifest.sizeMultiple}`);
  }
  const native = manifest.spatialAxes === 'xyz' ? [...spatial].reverse() : spatial;
  const fixed = inputShape.slice(1, 4);
  if (fixed.some((d, i) => d != null && d !== native[i])) {
    throw new Error(`${name}: input size [${spatial}] does not fit the model's fixed input size [${fixed}]`);
  }
}

/** Minimal view of tfjs-layers internals used to walk a functional/sequential model's graph. */
interface SymbolicLike { sourceLayer: { name: string }; tensorIndex?: number }
interface LayerLike { name: string; getClassName(): string; inboundNodes: { inputTensors: SymbolicLike[]; outputTensors: SymbolicLike[] }[]; apply(x: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] }

const valueName = (t: SymbolicLike) => (t.tensorIndex ? `${t.sourceLayer.name}:${t.tensorIndex}` : t.sourceLayer.name);

export class LayersSegmentationModel extends DagSegmentationModel {
  private constructor(manifest: ModelManifest, dag: Dag, input: string, output: string, private readonly model: tf.LayersModel) {
    super(manifest, dag, input, output, channelsLastLayout(manifest.spatialAxes));
  }

  static fromModel(model: tf.LayersModel, manifest: ModelManifest): LayersSegmentationModel {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw new Error(`tfjs model '${manifest.name}' must have one input and one output`);
    }
    const inputShape = model.inputs[0].shape;
    if (inputShape.length !== 5 || (inputShape[4] != null && inputShape[4] !== manifest.inputChannels.length)) {
      throw new Error(`tfjs model '${manifest.name}': input shape [${inputShape}] does not fit ${manifest.inputChannels.length} channels last`);
    }
    const nodes: DagNode[] = [];
    let inputName = '';
    for (const layer of model.layers as unknown as LayerLike[]) {
      const inbound = layer.inboundNodes[0];
      if (layer.getClassName() === 'InputLayer') {
        inputName = layer.name;
        continue;
      }
      const inputs = inbound.inputTensors.map(valueName);
      if (!inputName && inbound.inputTensors.length) inputName = inputs[0];
      const outputs = inbound.outputTensors.map(valueName);
      nodes.push({
        name: layer.name, opType: layer.getClassName(), inputs, outputs,
        run: (values) => {
          const out = layer.apply(values.length === 1 ? (values[0] as tf.Tensor) : (values as tf.Tensor[]));
          return Array.isArray(out) ? out : [out];
        },
      });
    }
    const outputLayer = nodes[nodes.length - 1].outputs[0];
    const m = new LayersSegmentationModel(manifest, new Dag(nodes, new Map()), inputName, outputLayer, model);
    if (!m.dag.producerOf(manifest.gradCamLayer)) {
      throw new Error(`manifest.json: field 'gradCamLayer' names '${manifest.gradCamLayer}', which is no layer of the model`);
    }
    return m;
  }

  checkInput(shape: readonly number[]): void {
    checkChannelsLastInput(this.manifest, this.model.inputs[0].shape, shape);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** GraphModel (converted TF SavedModel). Intermediate tensors are addressed by graph node name;
 * the head feeds the chosen node together with the input. Not covered by the parity tests. */
export class GraphSegmentationModel implements SegmentationModel {
  private readonly layout: LayoutAdapter;
  private readonly inputName: string;
  private readonly outputName: string;

  constructor(readonly manifest: ModelManifest, private readonly model: tf.GraphModel) {
    this.layout = channelsLastLayout(manifest.spatialAxes);
    this.inputName = model.inputs[0].name;
    this.outputName = model.outputs[0].name;
  }

  checkInput(shape: readonly number[]): void {
    checkChannelsLastInput(this.manifest, (this.model.inputs[0].shape ?? []).map((d) => (d === -1 ? null : d)), shape);
  }

  logits(x: tf.Tensor5D): tf.Tensor5D {
    this.checkInput(x.shape);
    return tf.tidy(() => outputAsLogits(this.layout.fromModel(this.model.execute(this.layout.toModel(x)) as tf.Tensor), this.manifest.output));
  }

  lesionLogits(x: tf.Tensor5D): tf.Tensor4D {
    return tf.tidy(() => {
      const l = this.logits(x);
      const c = this.manifest.output.lesionChannel;
      return tf.squeeze(slice(l, [0, 0, 0, 0, c], [-1, -1, -1, -1, 1]), [4]) as tf.Tensor4D;
    });
  }

  layers(): LayerInfo[] {
    return [{ name: this.manifest.gradCamLayer, channels: NaN, scale: [NaN, NaN, NaN] }];
  }

  activationsAndHead(x: tf.Tensor5D, layer: string): ActivationsAndHead {
    this.checkInput(x.shape);
    const native = this.layout.toModel(x);
    const a = this.model.execute({ [this.inputName]: native }, layer) as tf.Tensor;
    const activations = this.layout.fromModel(a);
    a.dispose();
    return {
      activations,
      head: (acts) => tf.tidy(() => outputAsLogits(this.layout.fromModel(this.model.execute(
        { [this.inputName]: native, [layer]: this.layout.toModel(acts) }, this.outputName) as tf.Tensor), this.manifest.output)),
      dispose: () => { activations.dispose(); native.dispose(); },
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}
