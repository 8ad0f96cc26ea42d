import { test, expect } from '@playwright/test';
import { findLesionsAutomatic, waitForCase } from './helpers';

// On this machine both GPU paths are SwiftShader (software): the automatic choice passes them over for the CPU,
// which segments the demo about 15x faster than WebGPU on SwiftShader, and says why.
test('automatic compute on a machine without GPU: the CPU, each GPU backend named with why not; the choice is kept', async ({ page }) => {
  test.setTimeout(300_000);
  const backend = await findLesionsAutomatic(page);
  await expect(backend).toContainText('Running on cpu', { timeout: 120_000 });
  await expect(backend).toContainText(/webgpu not used: its adapter is software \(.*\): the CPU is faster here/);
  await expect(backend).toContainText(/webgl not used: its adapter is software/);
  console.log(`automatic choice: ${(await backend.innerText()).replace(/\s+/g, ' ')}`);
  await page.getByTestId('job').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('job')).toHaveCount(0);
  // a choice made by hand survives a reload
  await page.getByLabel('Compute backend').selectOption('webgl');
  await page.reload();
  await waitForCase(page);
  await expect(page.getByLabel('Compute backend')).toHaveValue('webgl');
});
