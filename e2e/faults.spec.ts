import { test, expect, type Page } from '@playwright/test';
import { waitForCase } from './helpers';

// GPU faults, injected with ?fault=<job>:<kind>@<n> (src/engine/faults.ts): device-lost really destroys the
// WebGPU device or loses the WebGL context, then fails the n-th window or batch; out-of-memory fails it as
// an allocation does. The app must recover (smaller windows or batches, or the next backend) and say so, or
// stop with a clear message and stay usable.
const SEGMENT_TIMEOUT = 300_000;

async function open(page: Page, fault: string, backend: 'webgpu' | 'webgl' | 'cpu') {
  await page.goto(`/?demo=test64&fault=${fault}`);
  await waitForCase(page);
  await expect(page.getByLabel('Model', { exact: true })).not.toHaveValue('');
  await page.getByLabel('Compute backend').selectOption(backend);
}

async function segment(page: Page) {
  await page.getByRole('button', { name: 'Find lesions' }).click();
  await expect(page.getByTestId('segmentation-info')).toBeVisible({ timeout: SEGMENT_TIMEOUT });
  expect(Number(await page.getByTestId('lesion-count').textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId('gt-metrics')).toContainText(/TP \d+/);
}

test('out of memory in a segmentation window: smaller windows, the job finishes, the user is told', async ({ page }) => {
  test.setTimeout(600_000);
  await open(page, 'segment:out-of-memory@1', 'cpu');
  await segment(page);
  const notice = page.getByTestId('notice').filter({ hasText: 'Segmentation: out of memory on cpu' });
  await expect(notice).toContainText('started again with windows of at most 32 voxels a side');
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('the WebGPU device is destroyed during segmentation: the job moves to WebGL and finishes', async ({ page }) => {
  test.setTimeout(600_000);
  await open(page, 'segment:device-lost@1', 'webgpu');
  await segment(page);
  await expect(page.getByTestId('notice').filter({ hasText: 'the webgpu device was lost' })).toContainText('started again on webgl');
  await expect(page.getByTestId('backend')).toContainText('Running on webgl');
  await expect(page.getByTestId('backend')).toContainText('webgpu not used: its device was lost in this session');
  await expect(page.getByTestId('segmentation-info')).toContainText('on webgl');
});

test('the WebGL context is lost during segmentation: the job moves to the CPU and finishes', async ({ page }) => {
  test.setTimeout(600_000);
  await open(page, 'segment:device-lost@1', 'webgl');
  await segment(page);
  await expect(page.getByTestId('notice').filter({ hasText: 'the webgl device was lost' })).toContainText('started again on cpu');
  await expect(page.getByTestId('backend')).toContainText('Running on cpu');
  await expect(page.getByTestId('backend')).toContainText('webgl not used: its device was lost in this session');
});

test('out of memory that never goes away: a clear error, and the page stays usable', async ({ page }) => {
  test.setTimeout(600_000);
  await open(page, 'segment:out-of-memory@1x99', 'cpu');
  await page.getByRole('button', { name: 'Find lesions' }).click();
  const error = page.getByTestId('error');
  await expect(error).toContainText('Segmentation failed', { timeout: SEGMENT_TIMEOUT });
  await expect(error).toContainText('out of memory on cpu even at the smallest size (32)');
  await expect(error).toContainText('try again');
  await expect(page.getByTestId('job')).toHaveCount(0);
  await expect(page.getByTestId('segmentation-info')).toHaveCount(0);
  // still usable: the button is back, the viewer still answers, the error can be dismissed
  await expect(page.getByRole('button', { name: 'Find lesions' })).toBeEnabled();
  await page.getByLabel('View', { exact: true }).selectOption('axial');
  await expect(page.getByLabel('View', { exact: true })).toHaveValue('axial');
  await error.getByRole('button', { name: 'Dismiss' }).click();
  await expect(error).toHaveCount(0);
});

test('out of memory in an explanation batch: fewer samples per batch, the explanation finishes', async ({ page }) => {
  test.setTimeout(900_000);
  await open(page, 'explain:out-of-memory@1', 'cpu');
  await segment(page);
  await page.getByLabel('Noise samples').fill('2');
  await page.getByTestId('lesion-table').locator('tbody tr').first().click();
  await expect(page.getByTestId('explanation')).toBeVisible({ timeout: 600_000 });
  await expect(page.getByTestId('notice').filter({ hasText: 'The explanation: out of memory on cpu' }).first()).toContainText(
    'started again with 2 noise samples per batch',
  );
  await expect(page.getByTestId('error')).toHaveCount(0);
});
