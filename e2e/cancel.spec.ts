import { test, expect, type Dialog } from '@playwright/test';
import { waitForCase } from './helpers';

// Nothing lost: long jobs can be cancelled and started again, explanations already computed stay per
// lesion, and leaving the page with results that were not exported asks first.
test('cancel and restart a segmentation; leaving with results asks first', async ({ page }) => {
  test.setTimeout(900_000);
  const dialogs: string[] = [];
  page.on('dialog', (d: Dialog) => {
    dialogs.push(d.type());
    return d.accept(); // "leave": the page closes
  });
  await page.goto('/?demo=test64');
  await waitForCase(page);
  await expect(page.getByLabel('Model', { exact: true })).not.toHaveValue('');
  await page.getByLabel('Compute backend').selectOption('cpu');

  // no results yet: reloading does not ask
  await page.reload();
  await waitForCase(page);
  expect(dialogs).toEqual([]);
  await page.getByLabel('Compute backend').selectOption('cpu');

  // cancel a running segmentation: the page is free at once, no result and no error arrive. The Swin
  // UNETR is the slowest model on the CPU, so the job is still running when Cancel is pressed (the U-Net
  // segments this crop in about a second with the fast cpu kernels).
  const model = page.getByLabel('Model', { exact: true });
  await model.selectOption('swin_unetr');
  const find = page.getByRole('button', { name: 'Find lesions' });
  const job = page.getByTestId('job');
  await find.click();
  await expect(job).toBeVisible();
  await job.getByRole('button', { name: 'Cancel' }).click({ timeout: 30_000 });
  await expect(job).toHaveCount(0);
  await expect(find).toBeEnabled();
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('segmentation-info')).toHaveCount(0);

  // restart (with the default U-Net): it finishes
  await model.selectOption('unet3d');
  await find.click();
  await expect(page.getByTestId('segmentation-info')).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('error')).toHaveCount(0);

  // results that were not exported: closing the page asks first
  const closed = page.waitForEvent('close');
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => dialogs).toEqual(['beforeunload']);
  await closed;
});

// The running map's repaints once kept the page from answering this Cancel click on a software renderer
// (NiiVue refreshed every layer six times per repaint); Viewer now swaps overlays in one refresh and
// explainActions spaces the repaints by their measured cost.
test('cancel a running explanation; the computed one stays and restarting finishes it', async ({ page }) => {
  test.setTimeout(900_000);
  await page.goto('/?demo=test64');
  await waitForCase(page);
  await page.getByLabel('Compute backend').selectOption('cpu');
  const job = page.getByTestId('job');
  await page.getByRole('button', { name: 'Find lesions' }).click();
  await expect(page.getByTestId('segmentation-info')).toBeVisible({ timeout: 300_000 });
  // pause the background precompute of every lesion, so that only the user's requests run
  await page.getByLabel('Noise samples').fill('2');
  await page.getByTestId('precompute-toggle').click();
  await expect(page.getByTestId('precompute')).toContainText('(paused)');

  // explain a lesion with N = 2, then start it again with N = 30 (not the background's 50, which may be cached already) and cancel that
  const rows = page.getByTestId('lesion-table').locator('tbody tr');
  const explanation = page.getByTestId('explanation');
  await rows.nth(0).click();
  await expect(explanation).toBeVisible({ timeout: 600_000 });
  await expect(explanation).toContainText('N 2');
  const peakN2 = await page.getByTestId('peak-flair').textContent();
  await page.getByLabel('Noise samples').fill('30');
  await expect(job).toBeVisible();
  await job.getByRole('button', { name: 'Cancel' }).click({ timeout: 30_000 });
  await expect(job).toHaveCount(0);
  await expect(explanation).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Explain', exact: true })).toBeVisible(); // the way to restart it
  await expect(page.getByTestId('error')).toHaveCount(0);

  // the N = 2 explanation is still there, shown at once from the cache (no job runs for it)
  await page.getByLabel('Noise samples').fill('2');
  await expect(explanation).toContainText('N 2');
  await expect(page.getByTestId('peak-flair')).toHaveText(peakN2!);
  await expect(job).toHaveCount(0);

  // restarting the cancelled explanation finishes it
  await page.getByLabel('Noise samples').fill('30');
  await expect(job).toBeVisible();
  await expect(explanation).toContainText('N 30', { timeout: 600_000 });
  await expect(job).toHaveCount(0);

});
