import { test, expect } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { canvasPng, litFraction, waitForCase } from './helpers';

// A DICOM study (training/make_dicom_fixture.py: two series, oblique, 0.72 x 0.72 x 3 mm and 0.9 x 0.9 x 4 mm)
// converted in the browser by dcm2niix's WebAssembly build, under the app's Content-Security-Policy.
// The geometry and values after conversion are checked in src/engine/dicom.test.ts (same module, in Node).
const FIXTURE = 'public/test-fixtures/dicom';
const filesOf = (sub: string) => readdirSync(join(FIXTURE, sub)).map((n) => join(FIXTURE, sub, n));

test('a DICOM folder: both series offered with a guess, the pair opens, nothing leaves the origin', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const elsewhere: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !/^(data|blob):/.test(r.url())) elsewhere.push(r.url());
  });
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(join(FIXTURE, 'study'));
  const dialog = page.getByRole('dialog', { name: 'Assign scans' });
  await expect(dialog).toBeVisible({ timeout: 60_000 });
  await expect(dialog).toContainText('series descriptions');
  await expect(dialog.getByLabel('Role of Series 3 · AX FLAIR · 32 x 28 x 12 voxels of 0.72 x 0.72 x 3 mm')).toHaveValue('flair');
  await expect(dialog.getByLabel('Role of Series 5 · AX T1 SE · 28 x 24 x 7 voxels of 0.9 x 0.9 x 4 mm')).toHaveValue('mprage');
  await dialog.getByRole('button', { name: 'Open' }).click();
  await waitForCase(page);
  await expect(page.getByTestId('case-name')).toContainText('3_AX_FLAIR.nii + 5_AX_T1_SE.nii');
  await expect(page.getByTestId('notice').filter({ hasText: 'resampled' })).toContainText(
    'from 28 x 24 x 7 voxels of 0.9 x 0.9 x 4 mm onto the FLAIR grid of 32 x 28 x 12 voxels of 0.72 x 0.72 x 3 mm',
  );
  expect(litFraction(await canvasPng(page, 'dicom-study.png'))).toBeGreaterThan(0.02);
  expect(elsewhere).toEqual([]);
  expect(violations).toEqual([]);
});

test('bad DICOM is refused in words: a single slice, files cut short, no pixel data; a mixed series is explained', async ({ page }) => {
  await page.goto('/');
  const input = page.getByTestId('file-input');
  await input.setInputFiles(filesOf('bad/single-slice'));
  await expect(page.getByTestId('error')).toContainText('is a 2D image (32 x 28 x 1 voxels)');
  await input.setInputFiles(filesOf('bad/truncated'));
  await expect(page.getByTestId('error')).toContainText('DICOM files are cut short');
  await input.setInputFiles(filesOf('bad/no-pixel-data'));
  await expect(page.getByTestId('error')).toContainText('hold no pixel data');
  await input.setInputFiles(filesOf('bad/mixed'));
  const dialog = page.getByRole('dialog', { name: 'Assign scans' });
  await expect(dialog.getByTestId('pending-note')).toContainText('was split into 2 volumes');
  await expect(dialog.locator('tbody tr')).toHaveCount(2);
});
