// SegmentationModel over a Dag: the part shared by ONNX and tfjs LayersModel models. Subclasses
// only say how the app's channels-last [b, z, y, x, c] layout maps to the model's native layout.
import * as tf from '@tensorflow/tfjs';
import { slice } from './safeOps.ts';
import type { Dag, DagValue, Linearized } from './dag.ts';
import type { ModelManifest } from './manifest.ts';
import { logitSlope, outputAsLogits } from './output.ts';
import { isHost } from './onnx/hostTensor.ts';
import type { ActivationsAndHead, LayerInfo, LinearizedLesion, SegmentationModel } from './segmentationModel.ts';
import type { OpShape } from './cost.ts';

/** Maps between the app layout [b, z, y, x, c] and a model's native layout. Each returns a new tensor. The two
 * are inverse axis permutations of 5D tensors, so the adjoint of each is the other (linearizeLesion uses that). */
export interface LayoutAdapter {
  toModel(x: tf.Tensor): tf.Tensor;
  fromModel(y: tf.Tensor): tf.Tensor5D;
  /** Spatial sizes [z, y, x] of a native 5D feature map, and its channel count. */
  spatialOf(native: readonly number[]): { zyx: number[]; channels: number };
}

export abstract class DagSegmentationModel implements SegmentationModel {
  private layerCache: LayerInfo[] | null = null;

  protected constructor(
    readonly manifest: ModelManifest,
    protected readonly dag: Dag,
    protected readonly inputName: string,
    protected readonly outputName: string,
    protected readonly layout: LayoutAdapter,
  ) {}

  abstract checkInput(shape: readonly number[]): void;

  logits(x: tf.Tensor5D): tf.Tensor5D {
    this.checkInput(x.shape);
    return tf.tidy(() => {
      const native = this.layout.toModel(x);
      const out = this.dag.run(new Map([[this.inputName, native]]), [this.outputName]).get(this.outputName) as tf.Tensor;
      return outputAsLogits(this.layout.fromModel(out), this.manifest.output);
    });
  }

  lesionLogits(x: tf.Tensor5D): tf.Tensor4D {
    return tf.tidy(() => this.lesionOf(this.logits(x)));
  }

  private lesionOf(logits: tf.Tensor5D): tf.Tensor4D {
    const [b, z, y, xx] = logits.shape;
    const c = this.manifest.output.lesionChannel;
    return tf.reshape(slice(logits, [0, 0, 0, 0, c], [b, z, y, xx, 1]), [b, z, y, xx]) as tf.Tensor4D;
  }

  linearizeLesion(x: tf.Tensor5D): LinearizedLesion | null {
    this.checkInput(x.shape);
    if (x.shape[0] !== 1) throw new Error('linearizeLesion: batch 1 only');
    const native = this.layout.toModel(x);
    let lin: Linearized | null;
    try {
      lin = this.dag.linearize(new Map([[this.inputName, native]]), this.outputName, this.inputName);
    } catch (e) {
      native.dispose();
      throw e;
    }
    if (!lin) {
      native.dispose();
      return null;
    }
    const kept = lin;
    const k = this.manifest.output.lesionChannel;
    return {
      backward: (target) => tf.tidy(() => {
        const [b, z, y, xx] = target.shape;
        // the cotangent of the app-layout logits: the target in the lesion channel, zero in the others
        const classes = this.layout.spatialOf(kept.output.shape).channels;
        const parts = Array.from({ length: classes }, (_, c) => (c === k ? tf.reshape(target, [b, z, y, xx, 1]) : tf.zeros([b, z, y, xx, 1])));
        let dLogits = parts.length === 1 ? parts[0] : tf.concat(parts, 4);
        // a probability model's kept output is p: chain through its logit (outputAsLogits)
        const slope = logitSlope(this.layout.fromModel(kept.output), this.manifest.output);
        if (slope) dLogits = tf.mul(dLogits, slope);
        // the layout maps are inverse axis permutations, so each one's adjoint is the other
        const dNative = kept.backward(this.layout.toModel(dLogits));
        return this.layout.fromModel(dNative);
      }),
      dispose: () => {
        kept.dispose();
        native.dispose();
      },
    };
  }

  /** Probe once with a small non-cubic input; keep 5D maps whose three axes scale alike. */
  layers(): LayerInfo[] {
    if (this.layerCache) return this.layerCache;
    const m = this.manifest.sizeMultiple;
    const probe = [m, 2 * m, 3 * m];
    const found: LayerInfo[] = [];
    tf.tidy(() => {
      const x = tf.zeros([1, ...probe, this.manifest.inputChannels.length]);
      const native = this.layout.toModel(x);
      this.dag.run(new Map([[this.inputName, native]]), [this.outputName], (name, value: DagValue) => {
        if (isHost(value) || value.rank !== 5 || name === this.outputName || value.dtype !== 'float32') return;
        const { zyx, channels } = this.layout.spatialOf(value.shape);
        const scale = zyx.map((d, i) => d / probe[i]);
        if (scale.every((s) => s === scale[0]) && scale[0] <= 1) {
          found.push({ name, channels, scale: scale as [number, number, number] });
        }
      });
    });
    this.layerCache = found;
    return found;
  }

  /** Every executed op with its native input and output shapes, for one forward pass at batch 1 and
   * input size zyx (for cost counting; runs the model once at that size). */
  traceOps(zyx: readonly number[]): OpShape[] {
    const shapes = new Map<string, number[]>();
    tf.tidy(() => {
      const native = this.layout.toModel(tf.zeros([1, ...zyx, this.manifest.inputChannels.length]));
      shapes.set(this.inputName, native.shape);
      this.dag.run(new Map([[this.inputName, native]]), [this.outputName], (name, value) => shapes.set(name, [...value.shape]));
    });
    const shapeOf = (v: string) => (v === '' ? null : shapes.get(v) ?? this.dag.constants.get(v)?.shape ?? null);
    return this.dag.nodes
      .filter((n) => n.outputs.some((o) => shapes.has(o)))
      .map((n) => ({ opType: n.opType, inputs: n.inputs.map(shapeOf), outputs: n.outputs.filter((o) => shapes.has(o)).map((o) => shapes.get(o)!) }));
  }

  activationsAndHead(x: tf.Tensor5D, layer: string): ActivationsAndHead {
    this.checkInput(x.shape);
    if (!this.dag.producerOf(layer)) throw new Error(`model '${this.manifest.name}' has no layer '${layer}'`);
    const region = this.dag.descendants(layer);
    const frontier = this.dag.frontier(region, layer);
    const native = this.layout.toModel(x);
    const got = this.dag.run(new Map([[this.inputName, native]]), [layer, ...frontier]);
    const nativeActs = got.get(layer) as tf.Tensor;
    const activations = this.layout.fromModel(nativeActs);
    nativeActs.dispose();
    const skips = new Map(frontier.map((f) => [f, got.get(f)!] as const));
    if (!frontier.includes(this.inputName)) native.dispose();
    let disposed = false;
    return {
      activations,
      head: (a: tf.Tensor5D) => {
        if (disposed) throw new Error('activationsAndHead: used after dispose()');
        const aNative = this.layout.toModel(a);
        const out = this.dag.run(new Map([...skips, [layer, aNative]]), [this.outputName]).get(this.outputName) as tf.Tensor;
        aNative.dispose();
        const logits = tf.tidy(() => outputAsLogits(this.layout.fromModel(out), this.manifest.output));
        out.dispose();
        return logits;
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        activations.dispose();
        skips.forEach((v) => !isHost(v) && v.dispose());
      },
    };
  }

  abstract dispose(): void;
}
