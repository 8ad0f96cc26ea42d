import { test, expect } from '@playwright/test';
import config, { chromiumArgs } from '../playwright.config';
import { findLesionsAutomatic } from './helpers';

// The same Chromium without --enable-unsafe-webgpu: on a machine without a GPU it offers no WebGPU adapter.
test.use({ launchOptions: { ...config.use?.launchOptions, args: chromiumArgs.filter((a) => !a.includes('webgpu') && !a.includes('dawn')) } });

test('WebGPU refused: the automatic choice says so, passes over the software WebGL, and runs on the CPU', async ({ page }) => {
  test.setTimeout(300_000);
  const backend = await findLesionsAutomatic(page);
  await expect(backend).toContainText('Running on cpu', { timeout: 120_000 });
  await expect(backend).toContainText('webgpu not used: WebGPU refused: the browser offers no GPU adapter');
  await expect(backend).toContainText(/webgl not used: its adapter is software/);
  await page.getByTestId('job').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('job')).toHaveCount(0);
  await expect(page.getByTestId('error')).toHaveCount(0);
});
