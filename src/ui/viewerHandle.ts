import { defaultWindow } from '../core/volume';
import type { Niivue } from '@niivue/niivue';

// The one NiiVue instance of the page, for actions that read its pixels (the PNG export); the Viewer owns it.
let viewer: Niivue | null = null;

export function registerViewer(nv: Niivue | null): void {
  viewer = nv;
}

export function currentViewer(): Niivue | null {
  return viewer;
}

// How long the last overlay repaint took, ms: a running explanation repaints its map no more often than a few
// times this, so the page stays responsive where drawing is slow (software rendering).
let overlayRepaintMs = 0;

export function noteOverlayRepaint(ms: number): void {
  overlayRepaintMs = ms;
}

export function lastOverlayRepaintMs(): number {
  return overlayRepaintMs;
}

/** The reading window a case opens with: FLAIR up to its brightest 0.2 % (lesions white), MPRAGE up to its brightest 0.5 %. */
export function readingWindow(data: Float32Array, background: 'flair' | 'mprage'): { min: number; max: number } {
  return defaultWindow(data, background === 'flair' ? 0.998 : 0.995);
}
