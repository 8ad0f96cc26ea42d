import { NVImage, type Niivue } from '@niivue/niivue';
import { subGrid, writeNifti, writeNiftiRgba, type Grid, type WriteDatatype } from '../core/volume';
import { cropChannel, nonZeroCrop, type Crop, type Xyz } from '../core/xai';
import type { Selection } from './store';
import { OVERLAY_RGB } from './colourMaps';

/** Distinct, stable colours per lesion id (golden-angle hues); the selected lesion is drawn in yellow. */
export function lesionLut(count: number, selectedId: number | null, alpha = 255, fixed?: readonly [number, number, number]) {
  const R = [0], G = [0], B = [0], A = [0], I = [0];
  for (let id = 1; id <= count; id++) {
    const hue = (id * 137.508) % 360;
    const [r, g, b] = id === selectedId ? OVERLAY_RGB.selected : (fixed ?? hsl(hue, 0.75, 0.55));
    R.push(r);
    G.push(g);
    B.push(b);
    A.push(id === selectedId ? 255 : alpha);
    I.push(id);
  }
  return { R, G, B, A, I };
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** A scan, label or scalar map on the scan grid as an NVImage (NiiVue reads NIfTI bytes). */
export async function overlayImage(grid: Grid, data: Float32Array, name: string, colormap: string, opacity: number): Promise<NVImage> {
  const bytes = writeNifti({ ...grid, data }, { gzip: false });
  // only maps with a scale (probability, saliency) switch their colour bar on
  return NVImage.loadFromUrl({ url: name, name, buffer: bytes.buffer as ArrayBuffer, colormap, opacity, colorbarVisible: false });
}

/**
 * A layer on its own box of the scan grid (voxel-aligned, so NiiVue samples it without blur): NiiVue uploads and
 * reslices every layer on each refresh, and on a whole brain a full-grid layer is 7 million float voxels, seconds
 * on a software renderer. The box is the one around the non-zero voxels; null when there are none.
 */
export async function boxedOverlayImage(
  grid: Grid, data: Float32Array | Int32Array | Uint8Array, name: string, colormap: string, opacity: number, datatype: WriteDatatype = 'float32',
): Promise<NVImage | null> {
  const box = nonZeroCrop(data, grid.dims);
  return box ? overlayImageOnBox(grid, box, cropChannel(data, grid.dims, box), name, colormap, opacity, datatype) : null;
}

/** Values on a box of the scan grid (x fastest) as an NVImage placed where the box lies. */
export function overlayImageOnBox(grid: Grid, box: Crop, values: Float32Array, name: string, colormap: string, opacity: number, datatype: WriteDatatype = 'float32'): Promise<NVImage> {
  const bytes = writeNifti({ ...subGrid(grid, box.origin, box.dims), data: values }, { gzip: false, datatype });
  return NVImage.loadFromUrl({ url: name, name, buffer: bytes.buffer as ArrayBuffer, colormap, opacity, colorbarVisible: false });
}

/** A label map cut to the box around its labels, one voxel wider so that borders come out as on the whole grid. */
export interface BoxedLabels {
  box: Crop;
  labels: Int32Array;
}

/**
 * Outlines and rings are then computed on the box, not the scan: lesions fill a small part of a whole brain, and
 * full-grid passes (7 million voxels each, and their garbage) were seconds of a click. Null when nothing is labelled.
 */
export function boxedLabels(grid: Grid, labels: Float32Array | Int32Array | Uint8Array): BoxedLabels | null {
  const tight = nonZeroCrop(labels, grid.dims);
  if (!tight) return null;
  const origin = tight.origin.map((o) => Math.max(0, o - 1)) as Xyz;
  const dims = tight.origin.map((o, a) => Math.min(grid.dims[a], o + tight.dims[a] + 1) - origin[a]) as Xyz;
  const box = { origin, dims };
  return { box, labels: Int32Array.from(cropChannel(labels, grid.dims, box)) };
}

/** A colour layer (RGBA bytes on a box of the scan grid, x fastest) as an NVImage placed where the box lies. */
export function rgbaLayerImage(grid: Grid, box: Crop, rgba: Uint8Array, name: string): Promise<NVImage> {
  const bytes = writeNiftiRgba(subGrid(grid, box.origin, box.dims), rgba, { gzip: false });
  return NVImage.loadFromUrl({ url: name, name, buffer: bytes.buffer as ArrayBuffer, opacity: 1, colorbarVisible: false });
}

/**
 * Swaps the viewer's overlay layers in one GL refresh, and refreshes only them: the background is unchanged, and
 * NiiVue's full refresh (updateGLVolume) also re-uploads it and recomputes its 3D gradient (blur and Sobel passes
 * over the whole volume), most of a repaint's GPU work, seconds per click under SwiftShader (no GPU). NiiVue's
 * removeVolume and addVolume would each do a full refresh.
 */
export function replaceOverlays(nv: Niivue, old: readonly NVImage[], images: NVImage[]): void {
  nv.volumes = nv.volumes.filter((v) => !old.includes(v)).concat(images);
  nv.back = nv.volumes[0] ?? null;
  nv.overlays = nv.volumes.slice(1);
  // with no overlay left, the full refresh is what clears the last one's texture
  if (nv.volumes.length < 2) return nv.updateGLVolume();
  // layer 1 starts a fresh overlay texture and each later layer blends onto it, as in updateGLVolume's loop
  for (let layer = 1; layer < nv.volumes.length; layer++) nv.refreshLayers(nv.volumes[layer], layer);
  nv.drawScene();
}

/** Which label id to highlight in a label map that holds predicted (ids) or missed ground-truth lesions. */
export function highlightedId(selection: Selection | null, kind: Selection['kind']): number | null {
  return selection && selection.kind === kind ? selection.id : null;
}

// colour maps and the saliency scale live in colourMaps.ts (no NiiVue there, so Node tests can import them)
export * from './colourMaps';
