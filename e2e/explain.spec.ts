import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { canvasPng, colouredFraction, coloursAround, crosshairCentre, waitForCase, segmentOnCpu } from './helpers';

// CI has no GPU: the test crop, the CPU backend and N = 2 noise samples keep this to a few minutes.
test('selecting a lesion explains it: SmoothGrad numbers and map, then Grad-CAM++', async ({ page }) => {
  test.setTimeout(900_000);
  await page.goto('/?demo=test64');
  await waitForCase(page);
  await segmentOnCpu(page);
  await page.getByLabel('Noise samples').fill('2');
  const firstRow = page.getByTestId('lesion-table').locator('tbody tr').first();
  const lesionId = (await firstRow.getAttribute('data-lesion'))!.replace('predicted-', '');
  await firstRow.click();
  const explanation = page.getByTestId('explanation');
  await expect(explanation).toBeVisible({ timeout: 600_000 });
  const peak = Number(await page.getByTestId('peak-flair').textContent());
  expect(Number.isFinite(peak)).toBe(true);
  await expect(page.getByTestId('flair-share')).toContainText('%');
  await expect(explanation).toContainText('seed 1, N 2');
  await page.screenshot({ path: 'e2e-output/explain-smoothgrad.png' });
  // what the colours mean is on screen, the selection outlined outside the lesion while its map shows
  await expect(page.getByTestId('overlay-legend')).toContainText('lesion found');
  await expect(page.getByTestId('overlay-legend')).toContainText('outlined just outside, so its map shows');
  await page.getByLabel('View', { exact: true }).selectOption('axial');
  // the table click put the crosshair on the lesion: its id shows under the viewer, and its map shows inside it
  // (the crosshair's gap leaves the centre free), not covered by the selection's yellow
  await expect(page.getByTestId('lesion-readout')).toContainText(`lesion ${lesionId}`);
  await page.waitForTimeout(500);
  const axial = await canvasPng(page, 'reading-room-axial-smoothgrad.png');
  const inside = coloursAround(axial, crosshairCentre(axial), 2);
  console.log(`pixels around the selected lesion's centre: ${inside.coloured} of ${inside.total} in map colours, ${inside.yellow} selection yellow`);
  expect(inside.coloured).toBeGreaterThan(inside.total / 2);
  expect(inside.yellow).toBe(0);
  await page.getByLabel('Method').selectOption('gradcam++');
  await expect(explanation).toContainText('Map scaled to [0, 1]', { timeout: 600_000 });
  await page.screenshot({ path: 'e2e-output/explain-gradcam.png' });
  await canvasPng(page, 'reading-room-axial-gradcam.png');
  // the table export keeps the SmoothGrad numbers of the lesion after the switch to Grad-CAM++ (which has none)
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const lines = readFileSync(await (await download).path()).toString('utf8').trimEnd().split('\r\n');
  const header = lines[0].split(',');
  const row = lines.slice(1).map((l) => l.split(',')).find((c) => c[header.indexOf('lesion_id')] === lesionId && c[header.indexOf('kind')] === 'predicted')!;
  expect(row[header.indexOf('saliency_method')]).toBe('smoothgrad-mean');
  expect(Number(row[header.indexOf('peak_saliency_flair')])).toBeCloseTo(peak, 3);
  // zoom to the lesion (key Z): its map fills more of the view, and stays in it
  const whole = colouredFraction(await canvasPng(page));
  await page.keyboard.press('z');
  await expect(page.getByLabel('Zoom to lesion')).toBeChecked();
  await page.waitForTimeout(500);
  const zoomed = colouredFraction(await canvasPng(page, 'reading-room-axial-zoomed.png'));
  console.log(`coloured share of the axial view: ${whole.toFixed(3)} whole slice, ${zoomed.toFixed(3)} zoomed to the lesion`);
  expect(zoomed).toBeGreaterThan(1.5 * whole);
});
