import { NVImage, type Niivue } from '@niivue/niivue';
import { writeNifti, type Grid } from '../core/volume';
import type { Selection } from './store';

/** The fixed overlay colours, shared by the viewer's layers and the legend that names them. */
export const OVERLAY_RGB = {
  selected: [255, 235, 0],
  missed: [0, 220, 255],
  groundTruth: [255, 70, 70],
  brain: [60, 200, 90],
} as const satisfies Record<string, readonly [number, number, number]>;
export const cssRgb = ([r, g, b]: readonly number[]) => `rgb(${r}, ${g}, ${b})`;

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
 * Swaps the viewer's overlay layers in one GL refresh. NiiVue's removeVolume and addVolume each refresh every
 * layer; on a software renderer (SwiftShader, a machine without GPU) one refresh takes up to a second, and the
 * six of a swap, repeated for a running explanation's map, kept the page from answering clicks.
 */
export function replaceOverlays(nv: Niivue, old: readonly NVImage[], images: NVImage[]): void {
  nv.volumes = nv.volumes.filter((v) => !old.includes(v)).concat(images);
  nv.back = nv.volumes[0] ?? null;
  nv.overlays = nv.volumes.slice(1);
  nv.updateGLVolume();
}

/** Which label id to highlight in a label map that holds predicted (ids) or missed ground-truth lesions. */
export function highlightedId(selection: Selection | null, kind: Selection['kind']): number | null {
  return selection && selection.kind === kind ? selection.id : null;
}

// colour maps and the saliency scale live in colourMaps.ts (no NiiVue there, so Node tests can import them)
export * from './colourMaps';
