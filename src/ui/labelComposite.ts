import type { Crop, Xyz } from '../core/xai';
import type { ColourMap } from './colourMaps';

/**
 * The viewer's overlays (saliency map, lesion fills, outlines, missed lesions, ground-truth and brain outlines)
 * as one colour (RGBA) layer. NiiVue draws every overlay layer into a texture of the whole background grid, and
 * each layer after the first in two passes (a copy of the layers below, then the layer): on a whole brain under
 * software WebGL that was about 0.3 s per layer and repaint. Colours, not a label table: NiiVue's label shaders
 * either drop each label's alpha (the atlas shader) or miss entries of tables over 128 labels (the scalar shader
 * reads 0 as entry 2/256 of the table's width), and a composite of a map's levels and a few hundred lesions is
 * larger than that.
 */

/** One part: ids 1..count on its own box of the scan grid (x fastest), 0 = nothing. */
export interface LabelPart {
  box: Crop;
  labels: ArrayLike<number>;
  count: number;
}

/** The parts pasted into the box around all of them: part k's ids follow the counts of parts 0..k-1; count is the largest id. */
export interface LabelComposite extends LabelPart {
  labels: Int32Array;
}

/**
 * Later parts are drawn over earlier ones where both label a voxel. The box is padVoxels wider than the parts
 * on every side (NiiVue's colour shader samples a layer's edge voxels beyond its box, so the edge must be empty).
 * Null without parts.
 */
export function composeLabels(parts: readonly LabelPart[], padVoxels = 0): LabelComposite | null {
  if (!parts.length) return null;
  const lo = [0, 1, 2].map((a) => Math.min(...parts.map((p) => p.box.origin[a])) - padVoxels) as Xyz;
  const hi = [0, 1, 2].map((a) => Math.max(...parts.map((p) => p.box.origin[a] + p.box.dims[a])) + padVoxels) as Xyz;
  const dims = [0, 1, 2].map((a) => hi[a] - lo[a]) as Xyz;
  const labels = new Int32Array(dims[0] * dims[1] * dims[2]);
  let total = 0;
  for (const part of parts) {
    const [nx, ny, nz] = part.box.dims;
    const [ox, oy, oz] = [0, 1, 2].map((a) => part.box.origin[a] - lo[a]);
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        const from = (z * ny + y) * nx;
        const to = ((z + oz) * dims[1] + y + oy) * dims[0] + ox;
        for (let x = 0; x < nx; x++) {
          const id = part.labels[from + x];
          if (id > 0) labels[to + x] = total + id;
        }
      }
    }
    total += part.count;
  }
  return { box: { origin: lo, dims }, labels, count: total };
}

/**
 * The parts' colour tables joined in the composite's id order. Each is a label table (ColourMap with I = 0..count):
 * entry 0 is the background (transparent), entry i is the part's id i.
 */
export function composeLuts(luts: readonly ColourMap[]): ColourMap {
  const out: ColourMap = { R: [0], G: [0], B: [0], A: [0], I: [0] };
  for (const lut of luts) {
    for (let i = 1; i < lut.I.length; i++) {
      out.R.push(lut.R[i]);
      out.G.push(lut.G[i]);
      out.B.push(lut.B[i]);
      out.A.push(lut.A[i]);
      out.I.push(out.I.length);
    }
  }
  return out;
}

/** Each voxel's colour from its composite id (red, green, blue, alpha bytes; id 0 and ids past the table transparent). */
export function labelColours(labels: ArrayLike<number>, lut: ColourMap): Uint8Array {
  const out = new Uint8Array(4 * labels.length);
  const n = lut.R.length;
  for (let v = 0; v < labels.length; v++) {
    const id = labels[v];
    if (id <= 0 || id >= n) continue;
    out[4 * v] = lut.R[id];
    out[4 * v + 1] = lut.G[id];
    out[4 * v + 2] = lut.B[id];
    out[4 * v + 3] = lut.A[id];
  }
  return out;
}
