/** A colour map as NiiVue takes it: control points I (0..255) with their RGBA. */
export interface ColourMap {
  R: number[];
  G: number[];
  B: number[];
  A: number[];
  I: number[];
}

/** The fixed overlay colours, shared by the viewer's layers, the legend that names them and the e2e pixel checks. */
export const OVERLAY_RGB = {
  selected: [255, 235, 0],
  missed: [0, 220, 255],
  groundTruth: [255, 70, 70],
  brain: [60, 200, 90],
} as const satisfies Record<string, readonly [number, number, number]>;
export const cssRgb = ([r, g, b]: readonly number[]) => `rgb(${r}, ${g}, ${b})`;

/** The viewer's crosshair (NiiVue takes it as 0..1). */
export const CROSSHAIR_RGB = [51, 204, 255] as const;

// Our own maps, so the viewer, the colour bar and the exported PNG use the same colours.
// Signed SmoothGrad is diverging: positive warm (dark red -> yellow), negative cool (dark blue -> cyan);
// magnitude grows toward the light end on both sides. Grad-CAM++ is sequential (black-purple -> yellow).
// Entry 0 is transparent (everything within the threshold, and the zero map outside the crop); from entry 1 on
// the colours are opaque.
export const SALIENCY_POSITIVE: ColourMap = { R: [0, 120, 220, 255], G: [0, 0, 40, 235], B: [0, 0, 20, 90], A: [0, 255, 255, 255], I: [0, 1, 128, 255] };
export const SALIENCY_NEGATIVE: ColourMap = { R: [0, 0, 30, 110], G: [0, 0, 100, 235], B: [0, 120, 235, 255], A: [0, 255, 255, 255], I: [0, 1, 128, 255] };
export const GRADCAM_SEQUENTIAL: ColourMap = { R: [0, 20, 120, 230, 255], G: [0, 0, 30, 110, 240], B: [0, 60, 130, 40, 90], A: [0, 255, 255, 255, 255], I: [0, 1, 90, 180, 255] };

/** RGB of a colour map's visible ramp at t in [0, 1] (entries 1..255, linear between control points as NiiVue). */
export function colourAt(map: ColourMap, t: number): [number, number, number] {
  const i = Math.min(255, Math.max(1, 1 + t * 254));
  let k = 0;
  while (k < map.I.length - 2 && i > map.I[k + 1]) k++;
  const f = (i - map.I[k]) / (map.I[k + 1] - map.I[k]);
  const mix = (c: number[]) => Math.round(c[k] + f * (c[k + 1] - c[k]));
  return [mix(map.R), mix(map.G), mix(map.B)];
}

/** A CSS linear-gradient of a colour map, left to right (reversed: light end on the left). */
export function cssGradient(map: ColourMap, reversed = false, steps = 8): string {
  const stops = Array.from({ length: steps + 1 }, (_, k) => {
    const t = k / steps;
    const [r, g, b] = colourAt(map, reversed ? 1 - t : t);
    return `rgb(${r}, ${g}, ${b}) ${(100 * t).toFixed(1)}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** What the saliency overlay shows: values at or beyond +-thresholdAbs are coloured up to +-maxAbs. */
export interface SaliencyLegend {
  signed: boolean;
  /** |value| where colour starts (transparent below) and where it saturates, in the map's units */
  thresholdAbs: number;
  maxAbs: number;
  unit: string;
  title: string;
}

/**
 * The overlay scale for an explanation: symmetric, from the map's own range. SmoothGrad uses one scale for both
 * channels (the larger max |value|), so switching FLAIR <-> MPRAGE shows their true relative strength.
 * thresholdFraction is the slider: the share of max |value| below which the map is transparent. `scaled`: a map in
 * [0, 1] (a CAM, not signed), titled by its channel name (the method's title).
 */
export function saliencyLegend(maps: readonly Float32Array[], scaled: boolean, thresholdFraction: number, channel: string): SaliencyLegend {
  let maxAbs = 0;
  for (const m of maps) for (let v = 0; v < m.length; v++) maxAbs = Math.max(maxAbs, Math.abs(m[v]));
  if (scaled) maxAbs = 1; // CAM maps are scaled to [0, 1]
  return {
    signed: !scaled,
    thresholdAbs: thresholdFraction * maxAbs,
    maxAbs: maxAbs || 1,
    unit: scaled ? 'relative importance (0 to 1)' : 'dS/dx: lesion logit sum per z-score unit',
    title: scaled ? channel : `SmoothGrad, ${channel}`,
  };
}

/** Colour levels per sign of the saliency overlay: ids 1..255 positive, 256..510 negative (signed maps only). */
export const SALIENCY_LEVELS = 255;
/** The map is drawn at this opacity over the scan, so the anatomy under it stays readable. */
export const SALIENCY_OPACITY = 0.85;

/**
 * The saliency map as colour-level ids, for the viewer's one colour layer (labelComposite.ts): |value| from the
 * threshold up to max |value| spread over levels 1..255 as the colour bar reads it (colourAt's t), transparent
 * (0) within the threshold.
 */
export function saliencyLevels(values: Float32Array, legend: SaliencyLegend): Uint16Array {
  const lo = Math.max(legend.thresholdAbs, 1e-12 * legend.maxAbs);
  const span = legend.maxAbs - lo;
  const out = new Uint16Array(values.length);
  for (let v = 0; v < values.length; v++) {
    const x = values[v];
    const mag = Math.abs(x);
    if (mag < lo || x === 0 || (x < 0 && !legend.signed)) continue;
    const t = span > 0 ? Math.min(1, (mag - lo) / span) : 1;
    const level = 1 + Math.round(t * (SALIENCY_LEVELS - 1));
    out[v] = x > 0 ? level : SALIENCY_LEVELS + level;
  }
  return out;
}

/** The colour table of saliencyLevels' ids (entry 0 transparent), a label table as composeLuts joins them. */
export function saliencyLut(legend: SaliencyLegend): ColourMap {
  const lut: ColourMap = { R: [0], G: [0], B: [0], A: [0], I: [0] };
  const alpha = Math.round(255 * SALIENCY_OPACITY);
  const ramps = legend.signed ? [SALIENCY_POSITIVE, SALIENCY_NEGATIVE] : [GRADCAM_SEQUENTIAL];
  for (const ramp of ramps)
    for (let level = 1; level <= SALIENCY_LEVELS; level++) {
      const [r, g, b] = colourAt(ramp, (level - 1) / (SALIENCY_LEVELS - 1));
      lut.R.push(r);
      lut.G.push(g);
      lut.B.push(b);
      lut.A.push(alpha);
      lut.I.push(lut.I.length);
    }
  return lut;
}
