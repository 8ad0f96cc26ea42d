import { test, expect } from '@playwright/test';
import { canvasPng, colouredFraction, waitForCase, segmentOnCpu } from './helpers';

// Issue 6 (background precompute) and issue 7 (overlay colour bar, threshold, review columns), on the test crop
// with the CPU backend and N = 2 so CI can afford every lesion.
test('after segmentation every lesion gets its saliency numbers in the background; a click shows them at once', async ({ page }) => {
  test.setTimeout(900_000);
  await page.goto('/?demo=test64');
  await waitForCase(page);
  await segmentOnCpu(page);
  await page.getByLabel('Noise samples').fill('2');
  const progress = page.getByTestId('precompute');
  await expect(progress).toContainText('Saliency in background');
  await expect(progress).toContainText('(done)', { timeout: 600_000 });

  // every predicted lesion row has a finite peak FLAIR saliency and a FLAIR share in %
  const rows = page.getByTestId('lesion-table').locator('tbody tr[data-lesion^="predicted"]');
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  for (let r = 0; r < count; r++) {
    const peak = Number(await rows.nth(r).locator('td[data-col="peak-flair"]').textContent());
    const share = Number(await rows.nth(r).locator('td[data-col="flair-share"]').textContent());
    expect(Number.isFinite(peak)).toBe(true);
    expect(share).toBeGreaterThanOrEqual(0);
    expect(share).toBeLessThanOrEqual(100);
  }

  // a click on a precomputed lesion: the explanation is there without a new job
  await rows.first().click();
  await expect(page.getByTestId('explanation')).toBeVisible({ timeout: 5_000 });
  await expect(page.getByTestId('job')).toHaveCount(0);

  // plots: share bars, the shell profile and (with more than one lesion) the peak ranking
  const plots = page.getByTestId('explanation-plots');
  await expect(plots.getByRole('img', { name: /Shell profile/ })).toBeVisible();
  await expect(plots.getByRole('img', { name: /lesion: FLAIR \d+ %, MPRAGE \d+ %/ })).toBeVisible();
  if (count > 1) await expect(plots.getByRole('img', { name: /Peak FLAIR saliency of this lesion/ })).toBeVisible();
  await expect(plots.locator('canvas')).toHaveCount(count > 1 ? 2 : 1);

  // the map colours the lesion's surroundings, not the whole brain (outside the threshold it is transparent);
  // hide the outlines so only saliency is in colour (lesion fills are left out under a map: that box is disabled)
  await expect(page.getByRole('checkbox', { name: 'Lesions' })).toBeDisabled();
  await page.getByRole('checkbox', { name: 'Outlines' }).uncheck();
  await page.waitForTimeout(500);
  const coloured = colouredFraction(await canvasPng(page, 'review-saliency-only.png'));
  expect(coloured).toBeGreaterThan(0.0005);
  expect(coloured).toBeLessThan(0.1);
  await page.getByRole('checkbox', { name: 'Outlines' }).check();

  // the colour bar shows a symmetric scale; raising the threshold raises its inner ticks
  const bar = page.getByTestId('saliency-colourbar');
  await expect(bar).toBeVisible();
  const ticks = async () => (await bar.locator('.colourbar-ticks span').allTextContents()).map(Number);
  const before = await ticks();
  expect(before).toHaveLength(4);
  expect(before[0]).toBeCloseTo(-before[3], 6);
  expect(before[1]).toBeCloseTo(-before[2], 6);
  await page.getByLabel('Saliency threshold').fill('0.5');
  await expect.poll(async () => (await ticks())[2]).toBeGreaterThan(before[2] * 2);
  await expect(page.getByTestId('saliency-readout')).toContainText('saliency');
  // the MPRAGE channel's map on the same scale: the colour bar and the readout follow
  await page.getByRole('radio', { name: 'MPRAGE' }).check();
  await expect(bar).toContainText('SmoothGrad, MPRAGE');
  await expect(page.getByTestId('saliency-readout')).toContainText('MPRAGE saliency');
  await page.getByRole('radio', { name: 'FLAIR' }).check();
  await page.screenshot({ path: 'e2e-output/review-colourbar.png' });

  // the context experiment on request: 16 radii, each shown as detected or not
  await page.getByTestId('context-run').click();
  const context = page.getByTestId('context-result');
  await expect(context).toBeVisible({ timeout: 300_000 });
  await expect(context.locator('.context-steps span')).toHaveCount(16);
  await expect(context).toContainText(/Still detected with \d+ mm|Not detected with up to 15 mm/);

  // fast crop: its fidelity against the exact crop is measured for this lesion and shown
  await page.getByLabel('Crop').selectOption('fast');
  await expect(page.getByTestId('explanation')).toContainText('Approximate', { timeout: 300_000 });
  // the background already computed this lesion's exact-crop map (same N and seed), so the comparison may be
  // there at once; otherwise it is asked for
  const measure = page.getByTestId('fidelity-run');
  if (await measure.count()) await measure.click();
  const fidelity = page.getByTestId('fidelity');
  await expect(fidelity).toBeVisible({ timeout: 300_000 });
  const correlation = Number(/correlation ([\d.]+)/.exec((await fidelity.textContent()) ?? '')![1]);
  expect(correlation).toBeGreaterThan(0.9);
});
