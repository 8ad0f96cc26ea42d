import { test, expect, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readNifti, subGrid, writeNifti, type Volume } from '../src/core/volume';
import { canvasPng, waitForCase } from './helpers';

// A real scan as it comes off the scanner (open-ms raw/, CC-BY, Lesjak et al. 2016; never copied into the
// repository): 2D FLAIR 0.72 x 0.72 x 4 mm and T1 spin echo on another grid, skull, uint16, LPS. To keep the
// suite short on a CPU, the FLAIR is cut to a 40 mm slab through the ventricles (the T1 stays whole; the app
// resamples it onto the slab). The brain is extracted, DynUNet (the fastest shipped model)
// segments on the CPU, and every lesion must lie inside the brain mask the app shows and exports.
const RAW = process.env.OPEN_MS ?? '../shared/data/open-ms';
const SCAN = join(RAW, 'raw/patient01_study1');
const SLAB = [14, 24]; // FLAIR slices kept (of 36)

function slab(v: Volume): Volume {
  const [nx, ny] = v.dims;
  const nz = SLAB[1] - SLAB[0];
  const g = subGrid(v, [0, 0, SLAB[0]], [nx, ny, nz]);
  return { ...g, data: v.data.slice(nx * ny * SLAB[0], nx * ny * SLAB[1]) };
}

async function download(page: Page, testId: string): Promise<Volume> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const bytes = readFileSync((await d.path())!);
  return readNifti(bytes[0] === 0x1f ? gunzipSync(bytes) : bytes, testId).volume;
}

test('a raw scanner pair: brain extracted and shown, lesions found on the CPU, none outside the brain', async ({ page }) => {
  test.skip(!existsSync(SCAN), `${SCAN} not found: the open-ms data is not on this machine (set OPEN_MS to its folder)`);
  test.setTimeout(900_000);
  const flair = slab(readNifti(readFileSync(join(SCAN, 'flair.nii.gz')), 'flair').volume);
  const reference = slab(readNifti(readFileSync(join(SCAN, 'brainmask.nii.gz')), 'brainmask').volume);
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles([
    { name: 'patient01_study1_flair.nii.gz', mimeType: 'application/octet-stream', buffer: Buffer.from(writeNifti(flair, { datatype: 'uint16' })) },
    { name: 'patient01_study1_t1.nii.gz', mimeType: 'application/octet-stream', buffer: readFileSync(join(SCAN, 't1.nii.gz')) },
  ]);
  await page.getByRole('dialog', { name: 'Assign scans' }).getByRole('button', { name: 'Open' }).click();
  await waitForCase(page);
  await expect(page.getByTestId('notice').filter({ hasText: 'look swapped' })).toHaveCount(0);
  await page.getByLabel('Compute backend').selectOption('cpu');
  await page.getByLabel('Model', { exact: true }).selectOption('dynunet');
  await page.getByRole('button', { name: 'Find lesions' }).click();
  await expect(page.getByTestId('segmentation-info')).toBeVisible({ timeout: 840_000 });
  await expect(page.getByTestId('notice').filter({ hasText: 'the brain was extracted' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Correct the brain' })).toBeVisible();
  await page.getByLabel('View', { exact: true }).selectOption('axial');
  await page.waitForTimeout(500);
  await canvasPng(page, 'raw-patient01_study1-axial.png');

  const brain = await download(page, 'export-nifti-brain');
  const labels = await download(page, 'export-nifti-labels');
  const lesions = new Set<number>();
  const outsideApp = new Set<number>();
  const outsideReference = new Set<number>();
  labels.data.forEach((id, v) => {
    if (!id) return;
    lesions.add(id);
    if (!brain.data[v]) outsideApp.add(id);
    if (!reference.data[v]) outsideReference.add(id);
  });
  let both = 0;
  let sum = 0;
  brain.data.forEach((b, v) => {
    both += b && reference.data[v] ? 1 : 0;
    sum += (b ? 1 : 0) + (reference.data[v] ? 1 : 0);
  });
  console.log(
    `raw patient01_study1, slab ${SLAB.join('-')}: ${lesions.size} lesions, ${outsideApp.size} outside the app's brain, ` +
      `${outsideReference.size} with a voxel outside the database's brain mask; brain Dice vs that mask ${((2 * both) / sum).toFixed(3)}`,
  );
  expect(lesions.size).toBeGreaterThan(0);
  expect(outsideApp.size).toBe(0);
});
