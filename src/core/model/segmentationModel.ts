// The one interface through which segmentation and explanation code uses any model (ONNX, tfjs
// LayersModel, tfjs GraphModel).
//
// Tensor layout everywhere in this interface (see README.md):
//   input   x       [batch, z, y, x, channel]   float32, channel order = manifest.inputChannels
//   logits          [batch, z, y, x, k]         k = 2 (softmax2) or 1 (sigmoid1), before softmax/sigmoid
//   activations     [batch, z', y', x', c]      an intermediate feature map, channels last
import type * as tf from '@tensorflow/tfjs';
import type { ModelManifest } from './manifest.ts';

export interface LayerInfo {
  /** Name to pass to activationsAndHead (ONNX tensor name, or tfjs layer name). */
  name: string;
  /** Channels of the feature map. */
  channels: number;
  /** Feature-map size / input size per spatial axis (e.g. 0.5 for a half-resolution layer). */
  scale: [number, number, number];
}

export interface ActivationsAndHead {
  /** The layer's activations for x, channels last. Owned by this object: see dispose(). */
  activations: tf.Tensor5D;
  /** Logits from (possibly other) activations of the same shape; the rest of the network's
   * inputs (skip connections) stay those of x. Differentiable: use inside tf.grad. */
  head(activations: tf.Tensor5D): tf.Tensor5D;
  /** Frees the activations and the cached skip tensors. */
  dispose(): void;
}

export interface LinearizedLesion {
  /** a new tensor [B, z, y, x, C], the caller's to dispose */
  backward(target: tf.Tensor4D): tf.Tensor5D;
  /** frees the kept forward pass (not x) */
  dispose(): void;
}

export interface SegmentationModel {
  readonly manifest: ModelManifest;
  /** logits(x): [b, z, y, x, C] -> [b, z, y, x, k]. Differentiable; allocates only its output. */
  logits(x: tf.Tensor5D): tf.Tensor5D;
  /** The lesion-class logit, [b, z, y, x]. */
  lesionLogits(x: tf.Tensor5D): tf.Tensor4D;
  /** Named intermediate feature maps usable for Grad-CAM++ (spatial, channels-last after adaptation). */
  layers(): LayerInfo[];
  activationsAndHead(x: tf.Tensor5D, layer: string): ActivationsAndHead;
  /** One forward pass of x (batch 1) kept for many input gradients of its lesion logits: row b of
   * `backward(targets)` = d sum(lesionLogits(x) * targets[b]) / dx, targets [B, z, y, x]. tf.grad re-runs the
   * forward for every batch; this does not (max SmoothGrad: one forward per noise sample, then backward passes
   * of many lesion voxels). Absent, or null for a graph that mixes batch items (Dag.linearize): use tf.grad. */
  linearizeLesion?(x: tf.Tensor5D): LinearizedLesion | null;
  /** Throws a message naming the problem when x does not fit the model's declared input. */
  checkInput(shape: readonly number[]): void;
  /** Ops of the graph that pool over the whole spatial window (instance norm, global pooling): any output
   * then depends on every input voxel, so no crop is exact. Absent or [] when the graph names none. */
  wholeWindowOps?(): string[];
  dispose(): void;
}
