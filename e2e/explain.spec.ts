import { test, expect } from '@playwright/test';
import { waitForCase, segmentOnCpu } from './helpers';

// CI has no GPU: the test crop, the CPU backend and N = 2 noise samples keep this to a few minutes.
test('selecting a lesion explains it: SmoothGrad numbers and map, then Grad-CAM++', async ({ page }) => {
  test.setTimeout(900_000);
  await page.goto('/?demo=test64');
  await waitForCase(page);
  await segmentOnCpu(page);
  await page.getByLabel('Noise samples').fill('2');
  await page.getByTestId('lesion-table').locator('tbody tr').first().click();
  const explanation = page.getByTestId('explanation');
  await expect(explanation).toBeVisible({ timeout: 600_000 });
  const peak = Number(await page.getByTestId('peak-flair').textContent());
  expect(Number.isFinite(peak)).toBe(true);
  await expect(page.getByTestId('flair-share')).toContainText('%');
  await expect(explanation).toContainText('seed 1, N 2');
  await page.screenshot({ path: 'e2e-output/explain-smoothgrad.png' });
  await page.getByLabel('Method').selectOption('gradcam++');
  await expect(explanation).toContainText('Map scaled to [0, 1]', { timeout: 600_000 });
  await page.screenshot({ path: 'e2e-output/explain-gradcam.png' });
});
