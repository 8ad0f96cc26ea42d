import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { segmentOnCpu, waitForCase } from './helpers';

// A model that does not ship with the app, brought as a file: drafted from its graph, dry-run, kept in the browser,
// used for segmentation and an explanation, still there after a reload, then removed. The model is the hand-set
// FLAIR-contrast net of training/architectures.py (one FLAIR channel, one sigmoid logit), given without a manifest.
const fixture = (name: string) => readFileSync(`public/test-fixtures/model/${name}/model.onnx`);

test('a model added from files segments the test crop, explains a lesion, stays after a reload and can be removed', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?demo=test64');
  await waitForCase(page);
  const picker = page.getByLabel('Model', { exact: true });
  await expect(picker).toHaveValue('unet3d');
  await page.getByLabel('Model files').setInputFiles({ name: 'flair_contrast.onnx', mimeType: 'application/octet-stream', buffer: fixture('flair_contrast') });
  const form = page.getByTestId('add-model');
  // what the graph says fills the form: one input channel (FLAIR), one output logit (sigmoid)
  await expect(page.getByTestId('add-model-facts')).toContainText('ONNX opset 17');
  await expect(page.getByTestId('add-model-facts')).toContainText('1 input channel · 1 output channel · any input size');
  await expect(form.getByLabel('Input channels')).toHaveValue('FLAIR');
  await expect(form.getByLabel('Output')).toHaveValue('sigmoid1');
  await expect(form.getByLabel('Model name')).toHaveValue('flair_contrast');
  // the dry run ran at once and picked the Grad-CAM++ layer from the listed feature maps
  await expect(page.getByTestId('add-model-check')).toContainText('Dry run: a 16 x 16 x 16 window', { timeout: 60_000 });
  await expect(form.getByLabel('Grad-CAM++ layer')).toHaveValue('/halves/Relu_output_0');
  await expect(form.getByLabel('Grad-CAM++ layer').locator('option', { hasText: '/halves/Relu_output_0 (2 channels, full resolution)' })).toHaveCount(1);
  // a change in the form must be checked again before the model can be added
  await form.getByLabel('Threshold').fill('0.4');
  await expect(form.getByRole('button', { name: 'Add model' })).toBeDisabled();
  await form.getByRole('button', { name: 'Check' }).click();
  await expect(form.getByRole('button', { name: 'Add model' })).toBeEnabled({ timeout: 60_000 });
  await form.getByRole('button', { name: 'Add model' }).click();
  await expect(picker).toHaveValue('flair_contrast');
  await expect(picker.locator('option[value="flair_contrast"]')).toHaveText('flair_contrast (yours)');
  await expect(page.getByTestId('model-info')).toContainText(/Your model, added \d{4}-\d\d-\d\d from flair_contrast\.onnx \(SHA-256 [0-9a-f]{12}/);

  await segmentOnCpu(page);
  await page.getByLabel('Noise samples').fill('2');
  await expect(page.getByTestId('segmentation-info')).toContainText('flair_contrast:');
  const count = Number(await page.getByTestId('lesion-count').textContent());
  const nDsc = Number(await page.getByTestId('ndsc').textContent());
  console.log(`test64 with the added FLAIR-contrast model on cpu: ${count} lesions, nDSC ${nDsc}`);
  // bright FLAIR finds the crop's lesions (nine in its ground truth): not a good model, but not an empty one
  expect(count).toBeGreaterThan(0);
  expect(nDsc).toBeGreaterThan(0.2);
  await page.getByTestId('lesion-table').locator('tbody tr').first().click();
  await expect(page.getByTestId('explanation')).toBeVisible({ timeout: 300_000 });
  // one channel: one map, its peak, and no share to compare
  expect(Number.isFinite(Number(await page.getByTestId('peak-flair').textContent()))).toBe(true);
  await expect(page.getByTestId('flair-share')).toContainText('one channel (FLAIR)');
  await expect(page.locator('input[name="saliency-channel"]')).toHaveCount(0);
  await page.screenshot({ path: 'e2e-output/added-model-explained.png' });

  // kept in this browser: listed again after a reload, then removed
  await page.reload();
  await waitForCase(page);
  await expect(picker.locator('option[value="flair_contrast"]')).toHaveCount(1);
  await picker.selectOption('flair_contrast');
  await page.getByTestId('remove-model').click();
  await expect(picker.locator('option[value="flair_contrast"]')).toHaveCount(0);
  await expect(picker).toHaveValue('unet3d');
  await page.reload();
  await waitForCase(page);
  await expect(picker.locator('option[value="flair_contrast"]')).toHaveCount(0);
});

test('a model with an op the runtime does not have is refused, naming the op, its opset and a node', async ({ page }) => {
  await page.goto('/?demo=test64');
  await waitForCase(page);
  await page.getByLabel('Model files').setInputFiles({ name: 'cumsum.onnx', mimeType: 'application/octet-stream', buffer: fixture('unsupported_op') });
  await expect(page.getByTestId('add-model-error')).toContainText("cumsum.onnx cannot be run here: unsupported ONNX op 'CumSum' (opset 17; 1 node, e.g. '/CumSum')");
  await expect(page.getByTestId('add-model').getByRole('button', { name: 'Add model' })).toBeDisabled();
  // not a model at all: said in the page's error banner
  await page.getByTestId('add-model').getByRole('button', { name: 'Cancel' }).click();
  await page.getByLabel('Model files').setInputFiles({ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: Buffer.from('hello') });
  await expect(page.getByTestId('error')).toContainText('This is not a model LesionLens can add: no model among notes.bin');
});

test('a model dropped on the page goes to the add-model form, not to the case', async ({ page }) => {
  await page.goto('/?demo=test64');
  await waitForCase(page);
  const caseName = await page.getByTestId('case-name').textContent();
  // a drop as the browser makes it: a DataTransfer holding the file, dispatched on the app
  const bytes = Array.from(fixture('flair_contrast'));
  const transfer = await page.evaluateHandle((b) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(b)], 'dropped_contrast.onnx', { type: 'application/octet-stream' }));
    return dt;
  }, bytes);
  await page.locator('.app').dispatchEvent('dragover', { dataTransfer: transfer });
  await page.locator('.app').dispatchEvent('drop', { dataTransfer: transfer });
  const form = page.getByTestId('add-model');
  await expect(form.getByLabel('Model name')).toHaveValue('dropped_contrast');
  await expect(page.getByTestId('add-model-facts')).toContainText('1 input channel · 1 output channel');
  await expect(page.getByTestId('add-model-check')).toContainText('Dry run: a 16 x 16 x 16 window', { timeout: 60_000 });
  // the open case is untouched
  await expect(page.getByTestId('case-name')).toHaveText(caseName!);
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(form).toHaveCount(0);
});
