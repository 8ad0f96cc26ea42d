import type { Niivue } from '@niivue/niivue';

// The one NiiVue instance of the page, for actions that read its pixels (the PNG export); the Viewer owns it.
let viewer: Niivue | null = null;

export function registerViewer(nv: Niivue | null): void {
  viewer = nv;
}

export function currentViewer(): Niivue | null {
  return viewer;
}
