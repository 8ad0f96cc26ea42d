import { type Page, expect } from '@playwright/test';
import { PNG } from 'pngjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeNifti, gridFromAffine, type Volume } from '../src/core/volume';
import { headPhantom } from '../src/core/brain/headPhantom.testing';
import { CROSSHAIR_RGB, OVERLAY_RGB } from '../src/ui/colourMaps';

/** Where e2e tests leave screenshots for people to look at (ignored by git). */
export const OUTPUT_DIR = 'e2e-output';

export async function canvasPng(page: Page, file?: string): Promise<PNG> {
  const bytes = await page.getByTestId('viewer-canvas').screenshot();
  if (file) {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(`${OUTPUT_DIR}/${file}`, bytes);
  }
  return PNG.sync.read(bytes);
}

/** Fraction of pixels that are not (near) black: a blank canvas gives 0. */
export function litFraction(png: PNG): number {
  let lit = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] + png.data[i + 1] + png.data[i + 2] > 30) lit++;
  return lit / (png.width * png.height);
}

/** Fraction of pixels in saturated colour (overlay, not grey anatomy): max - min channel above 80. */
export function colouredFraction(png: PNG): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 80) n++;
  }
  return n / (png.width * png.height);
}

export async function waitForCase(page: Page) {
  await expect(page.getByTestId('viewer-canvas')).toHaveAttribute('data-loaded', 'true', { timeout: 120_000 });
  // NiiVue draws on the next animation frame
  await page.waitForTimeout(300);
}

/** A small synthetic head: a bright ellipsoid with a darker core, as NIfTI bytes. */
export function phantomNifti(dims: [number, number, number], spacingMm: number, name: string): { name: string; mimeType: string; buffer: Buffer } {
  const g = gridFromAffine(dims, [spacingMm, 0, 0, -dims[0] * spacingMm / 2, 0, spacingMm, 0, -dims[1] * spacingMm / 2, 0, 0, spacingMm, -dims[2] * spacingMm / 2, 0, 0, 0, 1]);
  const vol: Volume = { ...g, data: new Float32Array(dims[0] * dims[1] * dims[2]) };
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const r = Math.hypot(i / dims[0] - 0.5, j / dims[1] - 0.5, k / dims[2] - 0.5);
        vol.data[i + dims[0] * (j + dims[1] * k)] = r < 0.4 ? (r < 0.15 ? 300 : 800) : 0;
      }
  return { name, mimeType: 'application/octet-stream', buffer: Buffer.from(writeNifti(vol)) };
}

/** The test crop, *Find lesions* with the automatic backend choice: the backend line to read, once it shows. */
export async function findLesionsAutomatic(page: Page) {
  await page.goto('/?demo=test64');
  await waitForCase(page);
  await expect(page.getByLabel('Model', { exact: true })).not.toHaveValue('');
  await page.getByRole('button', { name: 'Find lesions' }).click();
  return page.getByTestId('backend');
}

/** The shortest journey to lesions, once a case is open: the CPU backend, segmentation finished. */
export async function segmentOnCpu(page: Page) {
  await expect(page.getByLabel('Model', { exact: true })).not.toHaveValue('');
  await page.getByLabel('Compute backend').selectOption('cpu');
  await page.getByRole('button', { name: 'Find lesions' }).click();
  await expect(page.getByTestId('segmentation-info')).toBeVisible({ timeout: 300_000 });
}

/** A small head with skull and scalp (src/core/brain/headPhantom.testing.ts), as NIfTI bytes: the app extracts its brain. */
export function headNifti(name: string): { name: string; mimeType: string; buffer: Buffer } {
  const { volume } = headPhantom({ dims: [48, 56, 44], spacingMm: 1.5, brainRadiiMm: [27, 33, 23] });
  return { name, mimeType: 'application/octet-stream', buffer: Buffer.from(writeNifti({ ...volume, data: volume.data.map((v) => v * 1000) })) };
}

/** Where the viewer's crosshair lines cross (its gap's centre), in canvas pixels: the column and row with the most crosshair-blue pixels. */
export function crosshairCentre(png: PNG): { x: number; y: number } {
  const cols = new Array(png.width).fill(0);
  const rows = new Array(png.height).fill(0);
  for (let y = 0; y < png.height; y++)
    for (let x = 0; x < png.width; x++) {
      const i = 4 * (x + png.width * y);
      if (rgbDistance(png.data, i, CROSSHAIR_RGB) < 60) {
        cols[x]++;
        rows[y]++;
      }
    }
  return { x: cols.indexOf(Math.max(...cols)), y: rows.indexOf(Math.max(...rows)) };
}

/** Sum of absolute channel differences between the pixel at byte offset i and an RGB colour. */
function rgbDistance(data: Buffer, i: number, rgb: readonly number[]): number {
  return Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]);
}

/** Pixels of a square (half-width r) around a point: how many are in colour (not grey anatomy: a map's blend of red and blue is a dull purple), and how many the selection's yellow. */
export function coloursAround(png: PNG, at: { x: number; y: number }, r: number): { coloured: number; yellow: number; total: number } {
  let coloured = 0, yellow = 0, total = 0;
  for (let y = at.y - r; y <= at.y + r; y++)
    for (let x = at.x - r; x <= at.x + r; x++) {
      const i = 4 * (x + png.width * y);
      const [cr, cg, cb] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      total++;
      if (Math.max(cr, cg, cb) - Math.min(cr, cg, cb) > 30) coloured++;
      if (rgbDistance(png.data, i, OVERLAY_RGB.selected) < 60) yellow++;
    }
  return { coloured, yellow, total };
}
