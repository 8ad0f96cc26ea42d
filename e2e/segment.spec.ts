import { test, expect, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { waitForCase } from './helpers';

// The 64^3 crop of the demo (9 ground-truth lesions): CI has no GPU, so a whole brain is for bench/.
const SEGMENT_TIMEOUT = 300_000;

async function segmentWith(page: Page, backend: 'webgpu' | 'webgl' | 'cpu') {
  await page.getByLabel('Compute backend').selectOption(backend);
  await page.getByRole('button', { name: 'Find lesions' }).click();
  await expect(page.getByTestId('job')).toBeVisible();
  await expect(page.getByTestId('segmentation-info')).toBeVisible({ timeout: SEGMENT_TIMEOUT });
  await expect(page.getByTestId('backend')).toContainText(`Running on ${backend}`);
  return Number(await page.getByTestId('lesion-count').textContent());
}

/** Canvas position of the crosshair centre: the row and column where the crosshair colour runs longest. */
async function crosshairOnCanvas(page: Page): Promise<{ x: number; y: number }> {
  const png = PNG.sync.read(await page.getByTestId('viewer-canvas').screenshot());
  const isCross = (i: number) => png.data[i] < 90 && png.data[i + 1] > 170 && png.data[i + 2] > 220;
  const rows = new Array(png.height).fill(0);
  const cols = new Array(png.width).fill(0);
  for (let y = 0; y < png.height; y++)
    for (let x = 0; x < png.width; x++)
      if (isCross(4 * (y * png.width + x))) {
        rows[y]++;
        cols[x]++;
      }
  const argmax = (a: number[]) => a.indexOf(Math.max(...a));
  return { x: argmax(cols), y: argmax(rows) };
}

test('segments the test crop on WebGPU, reports ground-truth metrics, and a click selects a lesion', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/?demo=test64');
  await waitForCase(page);
  await expect(page.getByLabel('Model', { exact: true })).not.toHaveValue('');
  const count = await segmentWith(page, 'webgpu');
  expect(count).toBeGreaterThan(0);
  const metrics = page.getByTestId('gt-metrics');
  await expect(metrics).toContainText(/TP \d+/);
  await expect(metrics).toContainText(/FP \d+/);
  await expect(metrics).toContainText(/FN \d+/);
  const nDsc = Number(await page.getByTestId('ndsc').textContent());
  console.log(`test64 on webgpu: ${count} lesions, nDSC ${nDsc}`);
  expect(nDsc).toBeGreaterThanOrEqual(0.6);

  // table -> viewer: choosing a row selects it and moves the crosshair onto the lesion
  await page.getByLabel('View', { exact: true }).selectOption('axial');
  const rows = page.getByTestId('lesion-table').locator('tbody tr');
  await rows.nth(0).click();
  await expect(rows.nth(0)).toHaveAttribute('aria-selected', 'true');
  const first = await rows.nth(0).getAttribute('data-lesion');
  await page.waitForTimeout(500);
  const onFirst = await crosshairOnCanvas(page);
  // keyboard: N / P step through the table, Escape clears the selection
  await page.keyboard.press('n');
  await expect(page.locator(`[data-lesion="${first}"]`)).toHaveAttribute('aria-selected', 'false');
  await page.keyboard.press('p');
  await expect(page.locator(`[data-lesion="${first}"]`)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Escape');
  await expect(page.locator('[aria-selected="true"]')).toHaveCount(0);
  // viewer -> table: a click on the lesion's voxel (the crosshair still marks it) selects it again
  await page.getByTestId('viewer-canvas').click({ position: onFirst });
  await expect(page.locator(`[data-lesion="${first}"]`)).toHaveAttribute('aria-selected', 'true');
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'e2e-output/segment-test64.png' });
});

for (const backend of ['webgl', 'cpu'] as const)
  test(`segments the test crop when forced to ${backend}`, async ({ page }) => {
    test.setTimeout(600_000);
    await page.goto('/?demo=test64');
    await waitForCase(page);
    await expect(page.getByLabel('Model', { exact: true })).not.toHaveValue('');
    expect(await segmentWith(page, backend)).toBeGreaterThan(0);
    await expect(page.getByTestId('gt-metrics')).toContainText(/TP \d+/);
  });

test('the threshold and the minimum size update the lesion list live', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/?demo=test64');
  await waitForCase(page);
  await segmentWith(page, 'cpu');
  const count = page.getByTestId('lesion-count');
  const before = Number(await count.textContent());
  const largestMm3 = async () => Number(await page.getByTestId('lesion-table').locator('tbody tr').first().locator('td[data-col="volume"]').textContent());
  const largestBefore = await largestMm3();
  // a stricter threshold shrinks lesions (border voxels have intermediate probabilities)
  await page.getByLabel('Threshold').fill('0.95');
  await expect(page.getByLabel('Threshold')).toHaveValue('0.95');
  await expect.poll(largestMm3).toBeLessThan(largestBefore);
  // dropping everything up to 100000 voxels empties the list; back to 5 restores it
  await page.getByLabel('Threshold').fill(String(await page.getByLabel('Threshold').getAttribute('min')));
  await page.getByLabel('Drop lesions up to voxels').fill('1000');
  await expect(count).toHaveText('0');
  await page.getByLabel('Drop lesions up to voxels').fill('5');
  await expect.poll(async () => Number(await count.textContent())).toBeGreaterThan(0);
  expect(before).toBeGreaterThan(0);
});
