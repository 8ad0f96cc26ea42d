import { test, expect } from '@playwright/test';
import { canvasPng, headNifti, segmentOnCpu, waitForCase } from './helpers';

// A head with skull (hand-drawn phantom): the brain is extracted and outlined; the user corrects it (paint,
// shrink) and finds lesions again inside the correction. The drawing layer's round trip (NiiVue keeps it in RAS
// order) must give back the same mask when nothing was drawn.
test('the extracted brain can be painted, shrunk, reverted and applied', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles([headNifti('head_flair.nii.gz'), headNifti('head_t1.nii.gz')]);
  await page.getByRole('dialog', { name: 'Assign scans' }).getByRole('button', { name: 'Open' }).click();
  await waitForCase(page);
  await segmentOnCpu(page);
  await expect(page.getByTestId('notice').filter({ hasText: 'the brain was extracted' })).toBeVisible();
  await page.getByLabel('View', { exact: true }).selectOption('axial');
  await page.waitForTimeout(300);
  const outlined = await canvasPng(page, 'brain-outline.png');

  const group = page.getByRole('group', { name: 'Correct the brain' });
  // paint mode on and off without a stroke: the mask comes back unchanged
  await group.getByRole('button', { name: 'Paint' }).click();
  await group.getByRole('button', { name: 'Done painting' }).click();
  await page.waitForTimeout(500);
  await expect(page.getByTestId('brain-edited')).toHaveCount(0);
  const after = await canvasPng(page);
  expect(Buffer.compare(after.data, outlined.data)).toBe(0);

  // a stroke from the brain out into the scalp: the brain grows there
  await group.getByRole('button', { name: 'Paint' }).click();
  const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let dx = 0; dx <= box.height * 0.45; dx += 4) await page.mouse.move(cx + dx, cy);
  await page.mouse.up();
  await group.getByRole('button', { name: 'Done painting' }).click();
  await expect(page.getByTestId('brain-edited')).toBeVisible();
  expect(Buffer.compare((await canvasPng(page, 'brain-painted.png')).data, outlined.data)).not.toBe(0);
  await group.getByRole('button', { name: 'Revert' }).click();
  await expect(page.getByTestId('brain-edited')).toHaveCount(0);

  // shrink by 1 mm and apply: the model runs again inside the corrected brain
  await group.getByRole('button', { name: 'Shrink 1 mm' }).click();
  await expect(page.getByTestId('brain-edited')).toBeVisible();
  await group.getByRole('button', { name: 'Apply: find lesions again' }).click();
  await expect(page.getByTestId('notice').filter({ hasText: 'Your corrected brain' })).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('brain-edited')).toHaveCount(0);
});
