import { test, expect, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { OUTPUT_DIR, litFraction, waitForCase } from './helpers';
import { readNifti, type Volume } from '../src/core/volume';
import { screenshotLayout, type Rect } from '../src/core/export';

const EXPORTS = `${OUTPUT_DIR}/exports`;
// a shared link: the demo crop, lesion 1, mean SmoothGrad with N = 2 (CI has no GPU: the cpu backend keeps it short)
const LINK = '/?demo=test64&backend=cpu&lesion=1&method=smoothgrad-mean&samples=2&seed=1';

async function saveDownload(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  mkdirSync(EXPORTS, { recursive: true });
  const path = `${EXPORTS}/${d.suggestedFilename()}`;
  await d.saveAs(path);
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

/** The pixels of `r`, each output pixel the mean of a factor x factor block (the saved 2x image back to screen size). */
function downscaledRegion(png: PNG, r: Rect, factor: number): { width: number; height: number; rgb: Float64Array } {
  const width = Math.floor(r.width / factor);
  const height = Math.floor(r.height / factor);
  const rgb = new Float64Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let dy = 0; dy < factor; dy++)
        for (let dx = 0; dx < factor; dx++) {
          const i = 4 * ((r.y + y * factor + dy) * png.width + r.x + x * factor + dx);
          for (let c = 0; c < 3; c++) rgb[3 * (y * width + x) + c] += png.data[i + c] / (factor * factor);
        }
  return { width, height, rgb };
}

/** Mean |difference| per colour channel (0..255) over the rows both images have. */
function meanAbsDifference(a: { width: number; height: number; rgb: Float64Array }, b: PNG): number {
  expect(a.width).toBe(b.width);
  const rows = Math.min(a.height, b.height);
  let sum = 0;
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < a.width; x++) for (let c = 0; c < 3; c++) sum += Math.abs(a.rgb[3 * (y * a.width + x) + c] - b.data[4 * (y * b.width + x) + c]);
  return sum / (rows * a.width * 3);
}

/** Share of a pixel row inside `r` that is clearly coloured (not grey or black). */
function colouredShare(png: PNG, r: Rect): number {
  const y = r.y + Math.floor(r.height / 2);
  let coloured = 0;
  for (let x = r.x; x < r.x + r.width; x++) {
    const i = 4 * (y * png.width + x);
    const [red, green, blue] = [png.data[i], png.data[i + 1], png.data[i + 2]];
    if (Math.max(red, green, blue) - Math.min(red, green, blue) > 60) coloured++;
  }
  return coloured / r.width;
}

function expectSameGrid(v: Volume, reference: Volume) {
  expect(v.dims).toEqual(reference.dims);
  v.voxToMm.forEach((x, i) => expect(x).toBeCloseTo(reference.voxToMm[i], 4));
}

test('exports: the view as PNG, NIfTI maps, lesion CSV and provenance; a link and a provenance record reproduce the maps', async ({ page, context }) => {
  test.setTimeout(1_500_000);
  await page.goto(LINK);
  await waitForCase(page);
  const explanation = page.getByTestId('explanation');
  await expect(explanation).toBeVisible({ timeout: 600_000 });
  await expect(page.locator('[data-lesion="predicted-1"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Method')).toHaveValue('smoothgrad-mean');
  await expect(page.getByLabel('Noise samples')).toHaveValue('2');

  // click a lesion, compute mean SmoothGrad
  await page.locator('[data-lesion="predicted-2"]').click();
  await expect(page.locator('[data-lesion="predicted-2"]')).toHaveAttribute('aria-selected', 'true');
  await expect(explanation).toBeVisible({ timeout: 600_000 });
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 600_000 });
  await page.waitForTimeout(500); // NiiVue draws the new overlay on the next frame
  const peakFlair = (await page.getByTestId('peak-flair').textContent())!;

  // PNG: the viewer region, brought back to screen size, matches the canvas on screen
  // the app's colour bar floats over the canvas (the PNG has its own below the view): hidden for this screenshot
  // through the DOM, since the page's CSP refuses an injected style sheet
  const floatingBar = page.getByTestId('saliency-colourbar');
  await floatingBar.evaluate((el) => ((el as HTMLElement).style.visibility = 'hidden'));
  const onScreen = PNG.sync.read(await page.getByTestId('viewer-canvas').screenshot({ path: `${EXPORTS}/on-screen.png` }));
  await floatingBar.evaluate((el) => ((el as HTMLElement).style.visibility = ''));
  const shot = await saveDownload(page, 'export-png');
  expect(shot.name).toMatch(/^test64_lesion2_smoothgrad-mean_view_\d{8}T\d{6}Z\.png$/);
  const png = PNG.sync.read(shot.bytes);
  const scale = png.width / onScreen.width;
  expect(scale).toBe(2);
  // the view's height is what the header and footer leave; the page screenshot rounds the canvas' CSS box (+-1 px)
  const layout = screenshotLayout(png.width, png.height - screenshotLayout(png.width, 0, scale, true).height, scale, true);
  expect(Math.abs(layout.view.height / scale - onScreen.height)).toBeLessThanOrEqual(1);
  const view = downscaledRegion(png, layout.view, scale);
  const difference = meanAbsDifference(view, onScreen);
  // the same comparison one tile-quarter off: what a wrong view would score
  const shifted = meanAbsDifference({ ...view, height: view.height - 1, rgb: view.rgb.slice(3 * 40) }, onScreen);
  console.log(`PNG view vs screen: mean |difference| ${difference.toFixed(2)} of 255 (shifted by 40 px: ${shifted.toFixed(2)})`);
  expect(difference).toBeLessThan(8);
  expect(litFraction(onScreen)).toBeGreaterThan(0.05); // the comparison is between real images, not two blanks
  expect(colouredShare(png, layout.colourBar!)).toBeGreaterThan(0.7);
  const header = new PNG({ width: png.width, height: layout.header.height });
  PNG.bitblt(png, header, 0, 0, png.width, layout.header.height, 0, 0);
  expect(litFraction(header)).toBeGreaterThan(0.005); // caption text is there

  // NIfTI: the FLAIR's grid and affine, and values consistent with what the app shows
  const flair = readNifti(readFileSync('public/samples/test64/flair.nii.gz')).volume;
  const labelsFile = await saveDownload(page, 'export-nifti-labels');
  expect(labelsFile.name).toMatch(/^test64_lesion-labels_\d{8}T\d{6}Z\.nii\.gz$/);
  const labels = readNifti(labelsFile.bytes).volume;
  expectSameGrid(labels, flair);
  const count = Number(await page.getByTestId('lesion-count').textContent());
  expect(new Set(labels.data)).toEqual(new Set(Array.from({ length: count + 1 }, (_, i) => i)));
  const probability = readNifti((await saveDownload(page, 'export-nifti-probability')).bytes).volume;
  expectSameGrid(probability, flair);
  // one expect per check, not per voxel (each expect is a recorded step)
  let outOfRange = 0;
  let lesionBelowThreshold = 0;
  probability.data.forEach((p, v) => {
    if (!(p >= 0 && p <= 1)) outOfRange++;
    if (labels.data[v] > 0 && p < 0.1) lesionBelowThreshold++; // 0.1: the model's threshold (manifest)
  });
  expect([outOfRange, lesionBelowThreshold]).toEqual([0, 0]);
  const saliencyFile = await saveDownload(page, 'export-nifti-saliency-flair');
  expect(saliencyFile.name).toMatch(/^test64_lesion2_smoothgrad-mean_saliency-FLAIR_\d{8}T\d{6}Z\.nii\.gz$/);
  const saliency = readNifti(saliencyFile.bytes).volume;
  expectSameGrid(saliency, flair);
  let peak = -Infinity;
  for (let v = 0; v < labels.data.length; v++) if (labels.data[v] === 2) peak = Math.max(peak, saliency.data[v]);
  expect(peak.toPrecision(3)).toBe(peakFlair); // the panel's peak saliency of lesion 2

  // CSV: one row per lesion of the table
  const csv = (await saveDownload(page, 'export-csv')).bytes.toString('utf8').trimEnd().split('\r\n');
  const tableRows = await page.getByTestId('lesion-table').locator('tbody tr').count();
  expect(csv.length - 1).toBe(tableRows);
  const lesionColumn = csv.slice(1).map((line) => line.split(',')[0]);
  const tableIds = await page.getByTestId('lesion-table').locator('tbody tr td:first-child').allTextContents();
  expect(new Set(lesionColumn)).toEqual(new Set(tableIds));

  // provenance: the model's bytes hashed, backend, settings and seed
  const provenanceFile = await saveDownload(page, 'export-provenance');
  const record = JSON.parse(provenanceFile.bytes.toString('utf8'));
  expect(record.model.sha256).toBe(createHash('sha256').update(readFileSync('public/models/unet3d/model.onnx')).digest('hex'));
  expect(record.backend.used).toBe('cpu');
  expect(record.lesion).toEqual({ kind: 'predicted', id: 2 });
  expect(record.explainSettings).toEqual({ method: 'smoothgrad-mean', samples: 2, seed: 1, cropMode: 'exact' });
  expect(record.app.version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);

  // copy link: the clipboard holds the link to this view
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('share-copy-link').click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await page.getByTestId('share-link').inputValue());
  const params = new URL(copied).searchParams;
  expect([params.get('demo'), params.get('lesion'), params.get('method'), params.get('samples'), params.get('seed')]).toEqual(['test64', '2', 'smoothgrad-mean', '2', '1']);

  // a fresh page opens the copied link (on the cpu backend) and computes the same map
  const linked = await context.newPage();
  await linked.goto(`${copied}&backend=cpu`);
  await waitForCase(linked);
  await expect(linked.locator('[data-lesion="predicted-2"]')).toHaveAttribute('aria-selected', 'true', { timeout: 600_000 });
  await expect(linked.getByTestId('explanation')).toBeVisible({ timeout: 600_000 });
  const fromLink = readNifti((await saveDownload(linked, 'export-nifti-saliency-flair')).bytes).volume;
  expect(fromLink.data).toEqual(saliency.data);
  await linked.close();

  // a fresh page with the plain case: opening the provenance record applies it and computes the same map again
  const reopened = await context.newPage();
  await reopened.goto('/?demo=test64');
  await waitForCase(reopened);
  await reopened.getByTestId('provenance-open').setInputFiles({ name: provenanceFile.name, mimeType: 'application/json', buffer: provenanceFile.bytes });
  await expect(reopened.locator('[data-lesion="predicted-2"]')).toHaveAttribute('aria-selected', 'true', { timeout: 600_000 });
  await expect(reopened.getByTestId('explanation')).toBeVisible({ timeout: 600_000 });
  await expect(reopened.getByLabel('Noise samples')).toHaveValue('2');
  const again = readNifti((await saveDownload(reopened, 'export-nifti-saliency-flair')).bytes).volume;
  expect(again.data).toEqual(saliency.data);
});

test('a link opens scans from the app\'s own site and refuses another site\'s', async ({ page }) => {
  await page.goto('/?flair=https://example.com/flair.nii.gz&mprage=/samples/test64/mprage.nii.gz');
  await expect(page.getByTestId('notice')).toContainText("https://example.com/flair.nii.gz) is not on this app's own address");
  await expect(page.getByTestId('case-name')).toHaveText('no scan open');

  await page.goto('/?flair=/samples/test64/flair.nii.gz&mprage=samples/test64/mprage.nii.gz&mask=/samples/test64/lesions.nii.gz');
  await waitForCase(page);
  await expect(page.getByTestId('case-name')).toContainText('flair.nii.gz + mprage.nii.gz + lesions.nii.gz');
  const link = new URL(await page.getByTestId('share-link').inputValue());
  expect(link.searchParams.get('flair')).toBe(new URL('/samples/test64/flair.nii.gz', page.url()).href);
  expect(link.searchParams.get('mask')).toBe(new URL('/samples/test64/lesions.nii.gz', page.url()).href);
});
