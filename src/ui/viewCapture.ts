import type { Niivue } from '@niivue/niivue';
import { screenshotLayout, type Rect } from '../core/export';
import { GRADCAM_SEQUENTIAL, SALIENCY_NEGATIVE, SALIENCY_POSITIVE, colourAt, type SaliencyLegend } from './colourMaps';

const BACKGROUND = '#111418';
const TEXT = '#e6edf3';
const NOTICE = '#ffcc66';
const GAP_SHARE = 0.14; // the transparent middle of the signed bar, as on screen (app.css .colourbar-strip .gap)

/**
 * NiiVue's pixels at `scale` x the device pixel ratio. WebGL clears its drawing buffer once a frame is shown, so the
 * scene is drawn and copied in the same task; the canvas then goes back to its on-screen resolution.
 */
function captureViewer(nv: Niivue, scale: number): HTMLCanvasElement {
  const before = nv.opts.forceDevicePixelRatio;
  nv.setHighResolutionCapable((window.devicePixelRatio || 1) * scale); // resizes the drawing buffer and draws
  nv.drawScene();
  const gl = nv.canvas!;
  const copy = document.createElement('canvas');
  copy.width = gl.width;
  copy.height = gl.height;
  copy.getContext('2d')!.drawImage(gl, 0, 0);
  nv.setHighResolutionCapable(before);
  return copy;
}

const tick = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 1000 || Math.abs(v) < 0.01 ? v.toExponential(1) : v.toPrecision(2));

/** Draws text on one line, shrinking the font when it would not fit the width. */
function fitText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, maxWidth: number, fontPx: number, weight = '') {
  ctx.font = `${weight} ${fontPx}px system-ui, sans-serif`;
  const w = ctx.measureText(text).width;
  if (w > maxWidth) ctx.font = `${weight} ${Math.max(6, Math.floor((fontPx * maxWidth) / w))}px system-ui, sans-serif`;
  ctx.fillText(text, x, y);
}

/** The overlay's colour bar, column by column from the same colour maps the viewer uses. */
function drawColourBar(ctx: CanvasRenderingContext2D, bar: Rect, legend: SaliencyLegend, fontPx: number, lineHeightPx: number) {
  const gapWidth = legend.signed ? Math.round(bar.width * GAP_SHARE) : 0;
  const ramp = legend.signed ? Math.floor((bar.width - gapWidth) / 2) : bar.width;
  for (let x = 0; x < bar.width; x++) {
    let rgb: [number, number, number] | null;
    if (!legend.signed) rgb = colourAt(GRADCAM_SEQUENTIAL, x / (bar.width - 1));
    else if (x < ramp) rgb = colourAt(SALIENCY_NEGATIVE, 1 - x / (ramp - 1)); // light end at -max, on the left
    else if (x < ramp + gapWidth) rgb = null; // transparent band: |value| below the threshold
    else rgb = colourAt(SALIENCY_POSITIVE, (x - ramp - gapWidth) / (bar.width - ramp - gapWidth - 1));
    ctx.fillStyle = rgb ? `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})` : '#2a2a2a';
    ctx.fillRect(bar.x + x, bar.y, 1, bar.height);
  }
  ctx.fillStyle = TEXT;
  ctx.textBaseline = 'bottom';
  fitText(ctx, `${legend.title} — ${legend.unit}`, bar.x, bar.y - 2, 2.5 * bar.width, fontPx);
  ctx.textBaseline = 'top';
  const ticks: [number, string][] = legend.signed
    ? [[0, tick(-legend.maxAbs)], [ramp, tick(-legend.thresholdAbs)], [ramp + gapWidth, `+${tick(legend.thresholdAbs)}`], [bar.width, `+${tick(legend.maxAbs)}`]]
    : [[0, tick(legend.thresholdAbs)], [bar.width, tick(legend.maxAbs)]];
  ctx.font = `${fontPx}px system-ui, sans-serif`;
  for (const [x, label] of ticks) {
    ctx.textAlign = x === 0 ? 'left' : x === bar.width ? 'right' : 'center';
    ctx.fillText(label, bar.x + x, bar.y + bar.height + Math.round(0.15 * lineHeightPx));
  }
  ctx.textAlign = 'left';
}

/**
 * The exported view as a PNG: caption lines on top (the first is the research-use notice), the viewer at `scale` x
 * its device pixels, and the saliency colour bar with its scale and units below when a map is shown.
 */
export async function viewPng(nv: Niivue, scale: number, caption: string[], legend: SaliencyLegend | null): Promise<Blob> {
  const view = captureViewer(nv, scale);
  const pxPerCssPx = (window.devicePixelRatio || 1) * scale;
  const layout = screenshotLayout(view.width, view.height, pxPerCssPx, legend !== null);
  const out = document.createElement('canvas');
  out.width = layout.width;
  out.height = layout.height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(view, layout.view.x, layout.view.y);
  ctx.textBaseline = 'top';
  caption.forEach((line, i) => {
    ctx.fillStyle = i === 0 ? NOTICE : TEXT;
    fitText(ctx, line, layout.paddingPx, layout.paddingPx + i * layout.lineHeightPx, layout.width - 2 * layout.paddingPx, layout.fontPx, i === 0 ? 'bold' : '');
  });
  if (legend && layout.colourBar) drawColourBar(ctx, layout.colourBar, legend, layout.fontPx, layout.lineHeightPx);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
}
