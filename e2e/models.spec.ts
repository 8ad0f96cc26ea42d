import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { waitForCase } from './helpers';

const manifest = (name: string) => JSON.parse(readFileSync(`public/models/${name}/manifest.json`, 'utf8'));

// The three shipped architectures load in the app and find the test crop's lesions; switching model
// keeps the page working. CPU backend: CI has no GPU (the 64^3 crop is one window per model).
const MODELS = [
  { name: 'dynunet', title: /dynamic U-Net/ },
  { name: 'swin_unetr', title: /Swin UNETR/ },
  { name: 'unet3d', title: /3D U-Net/ },
];

test('each shipped model is listed with its held-out figures, runs on the test crop and finds its lesions', async ({ context }) => {
  test.setTimeout(900_000);
  for (const m of MODELS) {
    // a fresh page per model: the background saliency of the previous model's lesions (a whole 96^3 window
    // per noise sample for the instance-norm models on the CPU) must not hold up the next run
    const page = await context.newPage();
    // DynUNet with N = 200 (the link's samples=): the background's projected cost is then hours on any CPU, far
    // past its 20-minute budget (at N = 50 it was 27 min on a quiet 2-core machine, close enough to the budget to
    // pass or fail with the load)
    await page.goto(m.name === 'dynunet' ? '/?demo=test64&samples=200' : '/?demo=test64');
    await waitForCase(page);
    const picker = page.getByLabel('Model', { exact: true });
    await expect(picker).toHaveValue('unet3d'); // the default
    await expect(picker.locator('option')).toHaveCount(MODELS.length);
    await page.getByLabel('Compute backend').selectOption('cpu');
    await picker.selectOption(m.name);
    // real-patient figures first, then the synthetic held-out ones
    await expect(page.getByTestId('model-info')).toContainText(/^real MS patients? \(\d+\): nDSC \d\.\d\d, lesion F1 \d\.\d\d, false lesions \d+ %/);
    await expect(page.getByTestId('model-info')).toContainText(/held-out nDSC \d\.\d\d, lesion F1 \d\.\d\d on \d+ synthetic cases?/);
    await expect(page.getByTestId('model-info')).toContainText('research use only');
    await page.getByRole('button', { name: 'Find lesions' }).click();
    await expect(page.getByTestId('segmentation-info')).toContainText(`${m.name}:`, { timeout: 300_000 });
    // the model's own threshold and smallest-lesion rule (chosen on its validation cases; absent: the paper's 5)
    const own = manifest(m.name);
    await expect(page.getByLabel('Drop lesions up to voxels')).toHaveValue(String(own.maxDroppedVoxels ?? 5));
    await expect(page.getByLabel('Threshold', { exact: true })).toHaveValue(String(own.threshold));
    const count = Number(await page.getByTestId('lesion-count').textContent());
    const nDsc = Number(await page.getByTestId('ndsc').textContent());
    console.log(`test64 with ${m.name} on cpu: ${count} lesions, nDSC ${nDsc}`);
    expect(count).toBeGreaterThan(0);
    // the crop's 9 ground-truth lesions: a working model overlaps most of them
    expect(nDsc).toBeGreaterThanOrEqual(0.5);
    await expect(picker.locator(`option[value="${m.name}"]`)).toHaveText(m.title);
    if (m.name === 'dynunet') {
      // a whole window per noise sample and lesion on the cpu: the background saliency pauses itself after its
      // first batch and says why, leaving Resume to the user
      await expect(page.getByTestId('precompute-why')).toContainText(/lesions left would take about [\d.]+ (min|h) on cpu/, { timeout: 300_000 });
      await expect(page.getByTestId('precompute')).toContainText('(paused)');
      await expect(page.getByTestId('precompute-toggle')).toHaveText('Resume');
      console.log(`dynunet background: ${await page.getByTestId('precompute-why').textContent()}`);
    }
    await page.close(); // no beforeunload prompt: runBeforeUnload is off
  }
});
