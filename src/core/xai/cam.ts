// A class-activation map (CAM) of the instance target at one layer; the methods differ only in their
// channel weights. A = activations of the layer for the clean input, g = dS_L/dA (both channels-last);
// map = ReLU(sum over c of w_c A_c), trilinear-upsampled to the crop grid, shown scaled to [0, 1].
import * as tf from '@tensorflow/tfjs';
import type { SegmentationModel } from '../model/index.ts';
import { slice } from '../model/safeOps.ts';
import type { Xyz } from './crop.ts';
import { batchInput, type PreparedInstance, prepareInstance } from './instance.ts';
import type { SaliencyResult } from './smoothGrad.ts';

/** Per-channel weights from a and g, [space x channels] channels-last; in float64 (sums may cancel). */
export type ChannelWeights = (a: Float32Array, g: Float32Array, channels: number) => Float64Array;

export interface CamResult extends SaliencyResult {
  /** maps[0]: raw map, upsampled, not scaled; scaled: raw / its maximum over the crop, high = important */
  scaled: Float32Array;
  layer: string;
  /** feature-map size (x, y, z) */
  layerDims: Xyz;
  /** exact crops only: the map is kept within this many voxels of the lesion's bounding box (beyond,
   * the layer's activations would see the crop's border and are set to 0); null: the whole crop */
  validMarginVoxels: number | null;
}

export interface CamOptions {
  /** exact crops: margin added to the receptive field so the map is exact near the lesion; default 8 */
  extraMarginVoxels?: number;
}

/** How a CAM method names itself in its result. */
export interface CamMethod {
  /** the method's registry id (core/xai/methods) */
  id: string;
  title: string;
  weights: ChannelWeights;
}

/** On an exact crop, the map also shows activations that do not influence S_L and are exact only where
 * their own input lies in the crop: the crop is widened by extraMarginVoxels and the map kept within
 * extraMarginVoxels - 2 (the upsampling's reach) of the lesion's bounding box, where it is exact. */
export async function layerCam(model: SegmentationModel, prepared: PreparedInstance, method: CamMethod, layer = model.manifest.gradCamLayer, o: CamOptions = {}): Promise<CamResult> {
  const extra = o.extraMarginVoxels ?? 8;
  // a blended prediction has one set of activations per window: a CAM is made of one window's
  const multiWindow = prepared.windows.length > 1;
  const widen = prepared.exact && prepared.cropMode === 'exact' && !prepared.blended && extra > 0;
  const p = multiWindow
    ? await prepareInstance(model, prepared.request, { cropMode: 'fast' })
    : widen ? await prepareInstance(model, prepared.request, { cropMode: 'exact', extraMarginVoxels: extra }) : prepared;
  const validMarginVoxels = widen ? Math.max(0, extra - 2) : null;
  const note = multiWindow
    ? `not exact: ${prepared.windows.length} sliding windows cover the lesion and each has its own activations at the layer; shown for one model window centred on the lesion`
    : widen ? `${p.note}; the map is exact within ${validMarginVoxels} voxels of the lesion's box and not shown beyond` : p.note;
  const [nx, ny, nz] = p.crop.dims;
  const lesion = model.manifest.output.lesionChannel;
  const x = batchInput([p.input], p.crop);
  const ah = model.activationsAndHead(x, layer);
  x.dispose();
  try {
    const [, lz, ly, lx, channels] = ah.activations.shape;
    const g = tf.tidy(() => {
      const target = tf.tensor4d(p.lesionMask, [1, nz, ny, nx]);
      const score = (a: tf.Tensor) => {
        const logits = ah.head(a as tf.Tensor5D);
        const z = tf.reshape(slice(logits, [0, 0, 0, 0, lesion], [1, nz, ny, nx, 1]), [1, nz, ny, nx]);
        return tf.sum(tf.mul(z, target));
      };
      return tf.grad(score)(ah.activations);
    });
    const gData = (await g.data()) as Float32Array;
    g.dispose();
    // the channel weights on the host: the layer is small
    const a = (await ah.activations.data()) as Float32Array;
    const small = weightedCam(a, method.weights(a, gData, channels), channels);
    const raw = upsampleTrilinear(small, [lx, ly, lz], p.crop.dims);
    if (validMarginVoxels !== null) keepNearLesion(raw, p, validMarginVoxels);
    let max = 0;
    for (const v of raw) max = Math.max(max, v);
    const scaled = raw.map((v) => (max > 0 ? v / max : 0));
    return {
      method: method.id, crop: p.crop, exact: p.exact, note, channels: [method.title], maps: [raw], scaled,
      lesionVoxels: p.lesionCrop.length, layer, layerDims: [lx, ly, lz], validMarginVoxels,
      provenance: { model: model.manifest.name, cropMode: p.cropMode, layer, maxRaw: max, validMarginVoxels },
    };
  } finally {
    ah.dispose();
  }
}

/** ReLU(sum over c of w_c A_c) on one feature map: a channels-last [space x channels]; returns [space]. */
export function weightedCam(a: Float32Array, w: Float64Array, channels: number): Float32Array {
  const space = a.length / channels;
  const cam = new Float32Array(space);
  for (let v = 0; v < space; v++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += w[c] * a[v * channels + c];
    cam[v] = Math.max(0, s);
  }
  return cam;
}

/** Zero outside the lesion's bounding box grown by `margin` voxels (crop grid). */
function keepNearLesion(map: Float32Array, p: PreparedInstance, margin: number): void {
  const [cx, cy] = p.crop.dims;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const v of p.lesionCrop) {
    [v % cx, Math.floor(v / cx) % cy, Math.floor(v / (cx * cy))].forEach((q, a) => {
      lo[a] = Math.min(lo[a], q - margin);
      hi[a] = Math.max(hi[a], q + margin);
    });
  }
  for (let v = 0; v < map.length; v++) {
    const q = [v % cx, Math.floor(v / cx) % cy, Math.floor(v / (cx * cy))];
    if (q.some((c, a) => c < lo[a] || c > hi[a])) map[v] = 0;
  }
}

/** Trilinear resize, half-pixel centres (PyTorch interpolate, align_corners=False), x fastest. */
export function upsampleTrilinear(src: Float32Array, from: readonly number[], to: readonly number[]): Float32Array {
  const axes = [0, 1, 2].map((a) => {
    const scale = from[a] / to[a];
    const i0 = new Int32Array(to[a]);
    const i1 = new Int32Array(to[a]);
    const w = new Float32Array(to[a]);
    for (let d = 0; d < to[a]; d++) {
      const s = Math.max(0, (d + 0.5) * scale - 0.5);
      i0[d] = Math.min(Math.floor(s), from[a] - 1);
      i1[d] = Math.min(i0[d] + 1, from[a] - 1);
      w[d] = s - i0[d];
    }
    return { i0, i1, w };
  });
  const [fx, fy] = from;
  const [tx, ty, tz] = to;
  const out = new Float32Array(tx * ty * tz);
  const at = (x: number, y: number, z: number) => src[x + fx * (y + fy * z)];
  let o = 0;
  for (let z = 0; z < tz; z++) {
    const { i0: z0s, i1: z1s, w: wzs } = axes[2];
    const [z0, z1, wz] = [z0s[z], z1s[z], wzs[z]];
    for (let y = 0; y < ty; y++) {
      const [y0, y1, wy] = [axes[1].i0[y], axes[1].i1[y], axes[1].w[y]];
      for (let x = 0; x < tx; x++, o++) {
        const [x0, x1, wx] = [axes[0].i0[x], axes[0].i1[x], axes[0].w[x]];
        const c00 = at(x0, y0, z0) * (1 - wx) + at(x1, y0, z0) * wx;
        const c10 = at(x0, y1, z0) * (1 - wx) + at(x1, y1, z0) * wx;
        const c01 = at(x0, y0, z1) * (1 - wx) + at(x1, y0, z1) * wx;
        const c11 = at(x0, y1, z1) * (1 - wx) + at(x1, y1, z1) * wx;
        out[o] = ((c00 * (1 - wy) + c10 * wy) * (1 - wz) + (c01 * (1 - wy) + c11 * wy) * wz);
      }
    }
  }
  return out;
}
