// A tiny hand-made SegmentationModel for tests: lesion logit = gain x (mean of FLAIR over a
// (2r+1)^3 box - level), background logit 0. Its receptive field is exactly r voxels.
import * as tf from '@tensorflow/tfjs';
import type { ModelManifest, SegmentationModel } from '../model/index.ts';
import { validateManifest } from '../model/index.ts';
import { slice } from '../model/safeOps.ts';

export class BoxModel implements SegmentationModel {
  readonly manifest: ModelManifest;
  private readonly kernel: tf.Tensor5D;
  constructor(readonly radius: number, readonly level = 0.9, readonly gain = 20) {
    this.manifest = validateManifest({
      name: 'box-test-model', format: 'onnx', file: 'none', inputChannels: ['FLAIR', 'MPRAGE'], normalisation: 'zscore-brain',
      spacingMm: [1, 1, 1], windowSizeVoxels: [16, 16, 16], sizeMultiple: 1, output: { kind: 'softmax2', lesionChannel: 1 },
      threshold: 0.4, gradCamLayer: 'box', provenance: 'test', intendedUse: 'tests',
    });
    const k = 2 * radius + 1;
    this.kernel = tf.fill([k, k, k, 1, 1], 1 / k ** 3) as tf.Tensor5D;
  }
  lesionLogits(x: tf.Tensor5D): tf.Tensor4D {
    return tf.tidy(() => {
      const [b, z, y, xx] = x.shape;
      const flair = slice(x, [0, 0, 0, 0, 0], [b, z, y, xx, 1]) as tf.Tensor5D;
      const mean = tf.conv3d(flair, this.kernel, 1, 'same');
      return tf.reshape(tf.mul(this.gain, tf.sub(mean, this.level)), [b, z, y, xx]) as tf.Tensor4D;
    });
  }
  logits(x: tf.Tensor5D): tf.Tensor5D {
    return tf.tidy(() => {
      const l = tf.expandDims(this.lesionLogits(x), -1);
      return tf.concat([tf.zerosLike(l), l], -1) as tf.Tensor5D;
    });
  }
  /** One layer, 'box': the box mean itself ([b, z, y, x, 1]); the head is the affine logit. */
  layers() {
    return [{ name: 'box', channels: 1, scale: [1, 1, 1] as [number, number, number] }];
  }
  activationsAndHead(x: tf.Tensor5D, layer: string) {
    if (layer !== 'box') throw new Error(`no layer '${layer}'`);
    const activations = tf.tidy(() => tf.expandDims(tf.add(tf.div(this.lesionLogits(x), this.gain), this.level), -1) as tf.Tensor5D);
    return {
      activations,
      head: (a: tf.Tensor5D) => tf.tidy(() => {
        const l = tf.mul(this.gain, tf.sub(a, this.level));
        return tf.concat([tf.zerosLike(l), l], -1) as tf.Tensor5D;
      }),
      dispose: () => activations.dispose(),
    };
  }
  checkInput(): void {}
  dispose(): void {
    this.kernel.dispose();
  }
}
