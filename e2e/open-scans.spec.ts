import { test, expect } from '@playwright/test';
import { gunzipSync } from 'node:zlib';
import { canvasPng, litFraction, phantomNifti, waitForCase } from './helpers';

test('the demo case opens from the URL and the canvas shows a brain', async ({ page }) => {
  await page.goto('/?demo');
  await waitForCase(page);
  await expect(page.getByTestId('case-name')).toContainText('demo');
  const png = await canvasPng(page, 'demo-multiplanar.png');
  expect(litFraction(png)).toBeGreaterThan(0.05);
  // crosshair readout: voxel, mm and both intensities
  await expect(page.getByTestId('statusbar')).toContainText(/voxel \d+, \d+, \d+/);
  await expect(page.getByTestId('statusbar')).toContainText('FLAIR');
  await expect(page.getByTestId('statusbar')).toContainText('MPRAGE');
});

test('axial FLAIR and MPRAGE of the demo, for a clinician to look at', async ({ page }) => {
  await page.goto('/?demo');
  await waitForCase(page);
  await page.getByLabel('Ground truth').uncheck();
  await page.getByLabel('View', { exact: true }).selectOption('axial');
  await page.waitForTimeout(300);
  const flair = await canvasPng(page, 'demo-axial-flair.png');
  await page.getByLabel('Background', { exact: true }).selectOption('mprage');
  await page.waitForTimeout(300);
  const mprage = await canvasPng(page, 'demo-axial-mprage.png');
  expect(litFraction(flair)).toBeGreaterThan(0.1);
  expect(litFraction(mprage)).toBeGreaterThan(0.1);
  // switching the background changes what is drawn
  expect(Buffer.compare(flair.data, mprage.data)).not.toBe(0);
});

test('shortcuts keep working after a dropdown or a checkbox was used, and a letter does not change a dropdown', async ({ page }) => {
  await page.goto('/?demo=test64');
  await waitForCase(page);
  const view = page.getByLabel('View', { exact: true });
  const background = page.getByLabel('Background', { exact: true });
  await view.selectOption('axial');
  await view.focus(); // as after a keyboard user's choice: the dropdown keeps the focus
  await page.keyboard.press('b');
  await expect(background).toHaveValue('mprage');
  await expect(view).toHaveValue('axial');
  await page.getByLabel('Ground truth').check();
  await page.keyboard.press('2');
  await expect(view).toHaveValue('coronal');
  await page.keyboard.press('g');
  await expect(page.getByLabel('Ground truth')).not.toBeChecked();
});

test('the ground truth is off until asked', async ({ page }) => {
  await page.goto('/?demo=test64');
  await waitForCase(page);
  await expect(page.getByLabel('Ground truth')).not.toBeChecked();
});

test('a pair on different grids opens through the file input; the resampling is reported', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles([
    phantomNifti([40, 48, 40], 1, 'sub01_FLAIR.nii.gz'),
    phantomNifti([20, 24, 20], 2, 'sub01_T1w.nii.gz'),
  ]);
  const dialog = page.getByRole('dialog', { name: 'Assign scans' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Role of sub01_FLAIR.nii.gz')).toHaveValue('flair');
  await expect(dialog.getByLabel('Role of sub01_T1w.nii.gz')).toHaveValue('mprage');
  await dialog.getByRole('button', { name: 'Open' }).click();
  await waitForCase(page);
  await expect(page.getByTestId('case-name')).toContainText('sub01_FLAIR.nii.gz + sub01_T1w.nii.gz');
  await expect(page.getByTestId('notice')).toContainText('MPRAGE was resampled (trilinear) from 20 x 24 x 20 voxels of 2 x 2 x 2 mm');
  expect(litFraction(await canvasPng(page))).toBeGreaterThan(0.02);
});

test('the user can correct a wrong role guess', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles([phantomNifti([32, 32, 32], 1, 'a.nii.gz'), phantomNifti([32, 32, 32], 1, 'b.nii.gz')]);
  const dialog = page.getByRole('dialog', { name: 'Assign scans' });
  await dialog.getByLabel('Role of a.nii.gz').selectOption('mprage');
  await expect(dialog.getByText('Choose exactly one FLAIR file.')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Open' })).toBeDisabled();
  await dialog.getByLabel('Role of b.nii.gz').selectOption('flair');
  await dialog.getByRole('button', { name: 'Open' }).click();
  await waitForCase(page);
  await expect(page.getByTestId('case-name')).toContainText('b.nii.gz + a.nii.gz');
});

test('a file that is not NIfTI gets a clear message and the app stays usable', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles([
    { name: 'report_FLAIR.nii', mimeType: 'text/plain', buffer: Buffer.from('Patient report\n'.repeat(50)) },
    phantomNifti([32, 32, 32], 1, 'mprage.nii.gz'),
  ]);
  await page.getByRole('dialog').getByRole('button', { name: 'Open' }).click();
  await expect(page.getByTestId('error')).toContainText('FLAIR (report_FLAIR.nii) is not a NIfTI image');
  // still usable: a good pair opens afterwards and the message goes
  await page.getByTestId('file-input').setInputFiles([phantomNifti([32, 32, 32], 1, 'flair.nii.gz'), phantomNifti([32, 32, 32], 1, 'mprage.nii.gz')]);
  await page.getByRole('dialog').getByRole('button', { name: 'Open' }).click();
  await waitForCase(page);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('case-name')).toContainText('flair.nii.gz + mprage.nii.gz');
});

test('a NIfTI-1 .hdr/.img pair opens when both files are picked; a lone .img is named', async ({ page }) => {
  // the pair from one .nii: the 348-byte header (magic "ni1", voxels at offset 0 of the .img), then the voxels
  const pair = (name: string) => {
    const nii = gunzipSync(phantomNifti([32, 32, 32], 1, `${name}.nii`).buffer);
    const hdr = Buffer.from(nii.subarray(0, 348));
    hdr.write('ni1\0', 344, 'latin1');
    hdr.writeFloatLE(0, 108);
    return [
      { name: `${name}.hdr`, mimeType: 'application/octet-stream', buffer: hdr },
      { name: `${name}.img`, mimeType: 'application/octet-stream', buffer: Buffer.from(nii.subarray(352)) },
    ];
  };
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles([...pair('s1_flair'), ...pair('s1_t1'), pair('other')[1]]);
  const dialog = page.getByRole('dialog', { name: 'Assign scans' });
  await expect(dialog.locator('tbody tr')).toHaveCount(2); // one row per pair
  await expect(dialog.getByTestId('pending-note')).toContainText('other.img is the image half of a NIfTI-1 pair: open it together with other.hdr');
  await dialog.getByRole('button', { name: 'Open' }).click();
  await waitForCase(page);
  await expect(page.getByTestId('case-name')).toContainText('s1_flair.hdr + s1_t1.hdr');
  expect(litFraction(await canvasPng(page))).toBeGreaterThan(0.02);
});
