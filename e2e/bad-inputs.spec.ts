import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { phantomNifti, waitForCase } from './helpers';
import { writeNifti, gridFromAffine, type Volume } from '../src/core/volume';

// Bad inputs through the real page: the exact words the user reads, and the app still usable afterwards.
// Unit tests cover each message in detail (src/core/volume/*.test.ts, src/core/model/modelErrors.test.ts).
const SEGMENT_TIMEOUT = 300_000;

async function openFiles(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) {
  await page.getByTestId('file-input').setInputFiles(files);
  await page.getByRole('dialog', { name: 'Assign scans' }).getByRole('button', { name: 'Open' }).click();
}

async function stillOpensAGoodPair(page: Page) {
  await openFiles(page, [phantomNifti([32, 32, 32], 1, 'good_flair.nii.gz'), phantomNifti([32, 32, 32], 1, 'good_mprage.nii.gz')]);
  await waitForCase(page);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('case-name')).toContainText('good_flair.nii.gz + good_mprage.nii.gz');
}

/** A NIfTI-1 header that claims 2000^3 float32 voxels (32 GB), in a file of 1 kB. */
function hugeHeader(name: string) {
  const out = Buffer.alloc(1024);
  out.writeInt32LE(348, 0);
  [3, 2000, 2000, 2000, 1, 1, 1, 1].forEach((d, i) => out.writeInt16LE(d, 40 + 2 * i));
  out.writeInt16LE(16, 70);
  out.writeInt16LE(32, 72);
  [1, 1, 1, 1].forEach((p, i) => out.writeFloatLE(p, 76 + 4 * i));
  out.writeFloatLE(352, 108);
  out.write('n+1\0', 344, 'latin1');
  return { name, mimeType: 'application/octet-stream', buffer: out };
}

test('a header that claims a huge image is refused with its size and the limit, before reading it', async ({ page }) => {
  await page.goto('/');
  await openFiles(page, [hugeHeader('huge_FLAIR.nii'), phantomNifti([32, 32, 32], 1, 'mprage.nii.gz')]);
  await expect(page.getByTestId('error')).toContainText(
    /FLAIR \(huge_FLAIR\.nii\) is too large: 2000 x 2000 x 2000 voxels \(8000\.0 million\), and this computer's limit is [\d.]+ million voxels per scan \(set from its memory\)\. Resample it to coarser voxels \(e\.g\. 1 mm\) or crop it to the head first\./,
  );
  await stillOpensAGoodPair(page);
});

test('a FLAIR and an MPRAGE given each other\'s roles open, with a warning that says to swap them', async ({ page }) => {
  await page.goto('/');
  const sample = (f: string, name: string) => ({ name, mimeType: 'application/gzip', buffer: readFileSync(`public/samples/test64/${f}`) });
  // the MPRAGE's bytes under a FLAIR name and the other way round: the names guess the roles wrongly
  await openFiles(page, [sample('mprage.nii.gz', 'sub01_FLAIR.nii.gz'), sample('flair.nii.gz', 'sub01_T1w.nii.gz')]);
  await waitForCase(page);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('notice').filter({ hasText: 'look swapped' })).toContainText(
    /^FLAIR \(sub01_FLAIR\.nii\.gz\) and MPRAGE \(sub01_T1w\.nii\.gz\) look swapped: white matter is brighter relative to the cortex in the FLAIR \(deep-to-rim ratio [\d.]+\) than in the MPRAGE \([\d.]+\), which is T1 contrast\. If the roles are wrong, open the files again and swap their roles in the Assign scans dialog\./,
  );
  // in the right roles: no warning
  await openFiles(page, [sample('flair.nii.gz', 'sub01_FLAIR.nii.gz'), sample('mprage.nii.gz', 'sub01_T1w.nii.gz')]);
  await waitForCase(page);
  await expect(page.getByTestId('notice').filter({ hasText: 'look swapped' })).toHaveCount(0);
});

/** A bright ellipsoid head with a darker core, on an oblique grid of 0.5 x 0.5 x 3 mm voxels. */
function obliqueAnisotropicHead(name: string) {
  const dims: [number, number, number] = [96, 96, 16];
  const [c, s] = [Math.cos(0.3), Math.sin(0.3)];
  const voxToMm = [0.5 * c, -0.5 * s, 0, -20, 0.5 * s, 0.5 * c, 0, -30, 0, 0, 3, -24, 0, 0, 0, 1];
  const vol: Volume = { ...gridFromAffine(dims, voxToMm), data: new Float32Array(dims[0] * dims[1] * dims[2]) };
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const r = Math.hypot(i / dims[0] - 0.5, j / dims[1] - 0.5, k / dims[2] - 0.5);
        vol.data[i + dims[0] * (j + dims[1] * k)] = r < 0.45 ? (r < 0.2 ? 300 : 800) : 0;
      }
  return { name, mimeType: 'application/octet-stream', buffer: Buffer.from(writeNifti(vol)) };
}

test('an oblique pair with 0.5 x 0.5 x 3 mm voxels opens and segments, and the resampling is reported', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/');
  await openFiles(page, [obliqueAnisotropicHead('obl_FLAIR.nii.gz'), obliqueAnisotropicHead('obl_T1w.nii.gz')]);
  await waitForCase(page);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('notice')).toHaveCount(0); // same grid: nothing resampled on opening
  await expect(page.getByLabel('Model', { exact: true })).not.toHaveValue('');
  await page.getByLabel('Compute backend').selectOption('cpu');
  await page.getByRole('button', { name: 'Find lesions' }).click();
  await expect(page.getByTestId('segmentation-info')).toBeVisible({ timeout: SEGMENT_TIMEOUT });
  await expect(page.getByTestId('notice')).toContainText(
    "The scan (96 x 96 x 16 voxels of 0.5 x 0.5 x 3 mm) was resampled to the model's 48 x 48 x 48 voxels of 1 x 1 x 1 mm for segmentation; the result was resampled back.",
  );
});

test('a broken manifest, then a truncated ONNX file: a clear message in the model panel; the shipped model works once restored', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/?demo=test64');
  await waitForCase(page);
  await expect(page.getByLabel('Model', { exact: true })).not.toHaveValue('');
  await page.getByLabel('Compute backend').selectOption('cpu');
  const findLesions = page.getByRole('button', { name: 'Find lesions' });
  const modelError = page.getByTestId('model-error');

  await page.route('**/models/unet3d/manifest.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"name": "unet3d", "format": ' }));
  await findLesions.click();
  await expect(modelError).toContainText(/^The model cannot be used: its manifest\.json is not valid JSON \(.+\)\.$/);
  await expect(page.getByTestId('error')).toContainText('Segmentation failed: The model cannot be used');
  await expect(findLesions).toBeEnabled();
  await page.unroute('**/models/unet3d/manifest.json');

  const onnx = readFileSync('public/models/unet3d/model.onnx');
  await page.route('**/models/unet3d/model.onnx', (route) => route.fulfill({ status: 200, body: onnx.subarray(0, 1000) }));
  await findLesions.click();
  await expect(modelError).toHaveText(
    "The model 'unet3d' cannot be used: model.onnx: not a readable .onnx file: index out of range: 1000 + 10 > 1000 (the file is truncated or damaged: install the model again).",
  );
  await page.unroute('**/models/unet3d/model.onnx');

  await findLesions.click();
  await expect(page.getByTestId('segmentation-info')).toBeVisible({ timeout: SEGMENT_TIMEOUT });
  await expect(modelError).toHaveCount(0);
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(Number(await page.getByTestId('lesion-count').textContent())).toBeGreaterThan(0);
});
