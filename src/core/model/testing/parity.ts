// Parity of the runtime with PyTorch, from the fixtures written by training/export_fixtures.py.
// Shared by the Node tests (cpu) and the browser page (webgl, webgpu). The reference is PyTorch's
// committed output, never this code's.
import * as tf from '@tensorflow/tfjs';
import { slice } from '../safeOps.ts';
import { loadSegmentationModel, type ReadModelFile } from '../loadModel.ts';
import { decodeFloat16 } from '../onnx/proto.ts';

// the shipped architectures, the op zoo, and (issue 18) architectures we do not ship
export const PARITY_MODELS = ['unet3d', 'dynunet', 'swin_unetr', 'opzoo', 'segresnet', 'plainunet_ds', 'attention_unet', 'unetr', 'unet_flair', 'unet_3class', 'flair_contrast'] as const;
export const PARITY_TOLERANCE = 1e-4;

interface FixtureCase {
  size_zyx: [number, number, number];
  input: string; logits: string; mask: string; grad: string;
  layer?: string; layer_grad?: string; layer_shape?: number[];
}

export interface ParityResult {
  model: string;
  sizeZyx: number[];
  backend: string;
  /** max |ours - PyTorch| / max |PyTorch| */
  logitsRelErr: number;
  gradRelErr: number;
  /** the same input gradient from one kept forward pass (linearizeLesion: max SmoothGrad's path) */
  linearizedGradRelErr?: number;
  layerRelErr?: number;
  layerGradRelErr?: number;
  forwardMs: number;
  gradMs: number;
}

export function relativeError(ours: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (ours.length !== reference.length) throw new Error(`length ${ours.length} vs reference ${reference.length}`);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(ours[i] - reference[i]);
    maxDiff = Number.isNaN(d) ? Infinity : Math.max(maxDiff, d);
    maxRef = Math.max(maxRef, Math.abs(reference[i]));
  }
  return maxDiff / (maxRef || 1);
}

const f32 = (bytes: Uint8Array) => new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

/** NCDHW reference values -> channels-last order, to compare with the app-layout tensors. */
async function channelsFirstData(t: tf.Tensor): Promise<Float32Array> {
  const cf = tf.transpose(t, [0, 4, 1, 2, 3]);
  const data = (await cf.data()) as Float32Array;
  cf.dispose();
  return data;
}

/** Runs every case of one fixture folder; `read` reads files of that folder. */
export async function runParity(name: string, read: ReadModelFile, onlyCases?: number[]): Promise<ParityResult[]> {
  const meta = JSON.parse(new TextDecoder().decode(await read('fixtures.json'))) as { cases: FixtureCase[]; lesion_channel: number };
  const model = await loadSegmentationModel(read);
  const results: ParityResult[] = [];
  try {
    for (const [index, c] of meta.cases.entries()) {
      if (onlyCases && !onlyCases.includes(index)) continue;
      const [z, y, xs] = c.size_zyx;
      const xCf = tf.tensor5d(decodeFloat16(await read(c.input)), [1, model.manifest.inputChannels.length, z, y, xs]);
      const x = tf.transpose(xCf, [0, 2, 3, 4, 1]) as tf.Tensor5D;
      xCf.dispose();
      const mask = tf.tensor4d(Float32Array.from(await read(c.mask)), [1, z, y, xs]);
      const score = (input: tf.Tensor) => tf.sum(tf.mul(model.lesionLogits(input as tf.Tensor5D), mask));

      let t0 = performance.now();
      const logits = model.logits(x);
      const logitsData = await channelsFirstData(logits);
      const forwardMs = performance.now() - t0;
      logits.dispose();

      t0 = performance.now();
      const grad = tf.grad(score)(x);
      const gradData = await channelsFirstData(grad);
      const gradMs = performance.now() - t0;
      grad.dispose();

      const result: ParityResult = {
        model: name, sizeZyx: c.size_zyx, backend: tf.getBackend(),
        logitsRelErr: relativeError(logitsData, f32(await read(c.logits))),
        gradRelErr: relativeError(gradData, f32(await read(c.grad))),
        forwardMs, gradMs,
      };
      const lin = model.linearizeLesion?.(x) ?? null; // null: a graph that folds the batch into other axes
      if (lin) {
        try {
          // a batch of two targets from one forward pass: the mask, and nothing (its row must stay zero)
          const targets = tf.tidy(() => tf.concat([mask, tf.zerosLike(mask)], 0)) as tf.Tensor4D;
          const g = lin.backward(targets);
          const [first, second] = tf.split(g, 2, 0);
          result.linearizedGradRelErr = relativeError(await channelsFirstData(first), f32(await read(c.grad)));
          const leak = tf.tidy(() => tf.max(tf.abs(second)));
          if ((await leak.data())[0] !== 0) result.linearizedGradRelErr = Infinity;
          tf.dispose([targets, g, first, second, leak]);
        } finally {
          lin.dispose();
        }
      }
      if (c.layer && c.layer_grad) {
        const ah = model.activationsAndHead(x, model.manifest.gradCamLayer);
        const lesion = model.manifest.output.lesionChannel;
        const headScore = (a: tf.Tensor) => tf.tidy(() => {
          const l = ah.head(a as tf.Tensor5D);
          const [b, zz, yy, xx] = l.shape;
          return tf.sum(tf.mul(tf.reshape(slice(l, [0, 0, 0, 0, lesion], [b, zz, yy, xx, 1]), [b, zz, yy, xx]), mask));
        });
        const layerGrad = tf.grad(headScore)(ah.activations);
        result.layerRelErr = relativeError(await channelsFirstData(ah.activations), f32(await read(c.layer)));
        result.layerGradRelErr = relativeError(await channelsFirstData(layerGrad), f32(await read(c.layer_grad)));
        layerGrad.dispose();
        ah.dispose();
      }
      x.dispose();
      mask.dispose();
      results.push(result);
    }
  } finally {
    model.dispose();
  }
  return results;
}
