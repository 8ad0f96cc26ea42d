/** Layout and words of an exported view: a header of text, the viewer's pixels, a footer with the colour bar. */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ScreenshotLayout {
  width: number;
  height: number;
  header: Rect;
  /** where the viewer's pixels go, unscaled */
  view: Rect;
  footer: Rect;
  /** the colour bar's strip (title above, ticks below); null when nothing with a scale is shown */
  colourBar: Rect | null;
  fontPx: number;
  lineHeightPx: number;
  paddingPx: number;
}

export const CAPTION_LINES = 3;

/**
 * Pixel layout for a viewer image of viewWidthPx x viewHeightPx; pxPerCssPx scales the text and bar with the
 * image (2 for a 2x capture), so the words stay as readable as on screen.
 */
export function screenshotLayout(viewWidthPx: number, viewHeightPx: number, pxPerCssPx: number, withColourBar: boolean): ScreenshotLayout {
  const s = pxPerCssPx;
  const fontPx = Math.round(13 * s);
  const lineHeightPx = Math.round(18 * s);
  const paddingPx = Math.round(8 * s);
  const header: Rect = { x: 0, y: 0, width: viewWidthPx, height: 2 * paddingPx + CAPTION_LINES * lineHeightPx };
  const view: Rect = { x: 0, y: header.height, width: viewWidthPx, height: viewHeightPx };
  const barHeight = Math.round(14 * s);
  // footer: bar title, strip, tick labels
  const footerHeight = withColourBar ? 2 * paddingPx + 2 * lineHeightPx + barHeight : 0;
  const footer: Rect = { x: 0, y: view.y + view.height, width: viewWidthPx, height: footerHeight };
  const colourBar = withColourBar
    ? { x: paddingPx, y: footer.y + paddingPx + lineHeightPx, width: Math.max(1, Math.min(Math.round(360 * s), viewWidthPx - 2 * paddingPx)), height: barHeight }
    : null;
  return { width: viewWidthPx, height: footer.y + footer.height, header, view, footer, colourBar, fontPx, lineHeightPx, paddingPx };
}

export interface CaptionInfo {
  appVersion: string;
  caseName: string;
  /** e.g. 'lesion 3', 'missed lesion GT 2'; null when none is selected */
  lesion: string | null;
  /** e.g. 'SmoothGrad (mean), N 50, seed 1, crop exact, map FLAIR'; null when no explanation is shown */
  method: string | null;
  model: string | null;
  backend: string | null;
  time: Date;
}

export const RESEARCH_NOTICE = 'research use, not for clinical decisions';

/** The three lines burned into an exported view. */
export function screenshotCaption(c: CaptionInfo): string[] {
  const when = c.time.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
  return [
    `LesionLens ${c.appVersion} — ${RESEARCH_NOTICE}`,
    [`case ${c.caseName}`, c.lesion ?? 'no lesion selected', c.method ?? 'no explanation shown'].join(' · '),
    [`model ${c.model ?? 'none run'}`, `backend ${c.backend ?? '–'}`, when].join(' · '),
  ];
}
