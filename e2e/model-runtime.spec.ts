// PyTorch parity of the ONNX runtime on WebGPU and WebGL in headless Chromium (SwiftShader), and on the cpu
// backend with its WebAssembly kernels on worker threads (the page is cross-origin isolated).
// The page and fixtures come from the build (test-pages/runtime.html, public/test-fixtures/model).
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { chromiumArgs } from '../playwright.config';

const TOLERANCE = 1e-4;
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

interface Report {
  backend: { name: string; adapter: string; kernels?: { threads: number; note?: string } };
  leakedTensors: number;
  results: { model: string; sizeZyx: number[]; logitsRelErr: number; gradRelErr: number; linearizedGradRelErr?: number; layerRelErr?: number; layerGradRelErr?: number; forwardMs: number; gradMs: number }[];
}

// WebGPU runs with Dawn's robustness ON, as in users' browsers: with the config's test-only
// disable_robustness flag, a tfjs-webgpu MatMul kernel read out of bounds once earlier runs had
// dirtied the buffer pool, and Swin UNETR's 32^3 logits came out NaN. (The flag does not touch WebGL.)
test.use({ launchOptions: { executablePath, args: chromiumArgs.filter((a) => !a.includes('disable_robustness')) } });

for (const backend of ['webgpu', 'webgl', 'cpu'] as const) {
  test.describe(backend, () => {
    test(`model runtime matches PyTorch on ${backend}`, async ({ page }) => {
      test.setTimeout(420_000);
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[browser ${m.type()}] ${m.text().slice(0, 500)}`); });
      await page.goto('/test-pages/runtime.html');
      await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
      const report = await page.evaluate((b) => (window as unknown as { runtimeParity(b: string): Promise<Report> }).runtimeParity(b), backend);
      expect(report.backend.name).toBe(backend);
      if (backend === 'cpu') {
        const cores = await page.evaluate(() => ({ n: navigator.hardwareConcurrency, isolated: crossOriginIsolated }));
        expect(cores.isolated).toBe(true);
        expect(report.backend.kernels?.threads, report.backend.kernels?.note).toBe(Math.min(8, cores.n));
      }
      console.log(`[parity ${backend}] adapter: ${report.backend.adapter}`);
      for (const r of report.results) {
        console.log(`[parity ${backend}] ${r.model} ${r.sizeZyx.join('x')}: logits ${r.logitsRelErr.toExponential(2)} grad ${r.gradRelErr.toExponential(2)}`
          + ` linearized ${r.linearizedGradRelErr?.toExponential(2)}`
          + (r.layerGradRelErr !== undefined ? ` layer ${r.layerRelErr!.toExponential(2)} layerGrad ${r.layerGradRelErr.toExponential(2)}` : '')
          + ` (${r.forwardMs.toFixed(0)} / ${r.gradMs.toFixed(0)} ms)`);
      }
      expect(report.results.length).toBe(22); // eleven models (three shipped, the op zoo, four architectures we do not ship, FLAIR-only, three-class, hand-set FLAIR contrast) x two sizes
      for (const r of report.results) {
        expect(r.logitsRelErr, `${r.model} ${r.sizeZyx} logits`).toBeLessThan(TOLERANCE);
        expect(r.gradRelErr, `${r.model} ${r.sizeZyx} gradient`).toBeLessThan(TOLERANCE);
        // one kept forward pass for a batch of targets (Dag.linearize): the convolutional nets; Swin UNETR's
        // windows fold the batch into other axes, the op zoo and GroupNorm (SegResNet) have reshapes: tf.grad only
        if (['unet3d', 'dynunet', 'plainunet_ds', 'attention_unet', 'unet_flair', 'unet_3class', 'flair_contrast'].includes(r.model)) expect(r.linearizedGradRelErr, `${r.model} ${r.sizeZyx} gradient from one kept forward pass`).toBeLessThan(TOLERANCE);
        else expect(r.linearizedGradRelErr, `${r.model}: no kept forward pass`).toBeUndefined();
        if (r.layerGradRelErr !== undefined) {
          expect(r.layerRelErr!, `${r.model} layer activations`).toBeLessThan(TOLERANCE);
          expect(r.layerGradRelErr, `${r.model} layer gradient`).toBeLessThan(TOLERANCE);
        }
      }
      expect(report.leakedTensors).toBe(0);
    });
  });
}

test('the tiled WebGPU convolutions match the cpu backend (strides, padding, dilation, odd channel counts)', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/test-pages/runtime.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  type Check = { adapter: string; tiled: boolean; results: { conv: string; forward: number; inputGradient: number | null }[] };
  const r = await page.evaluate(() => (window as unknown as { tiledConvCheck(): Promise<Check> }).tiledConvCheck());
  console.log(`[tiled conv] ${r.adapter}`);
  for (const c of r.results) console.log(`[tiled conv] ${c.conv}: forward ${c.forward.toExponential(2)} input gradient ${c.inputGradient?.toExponential(2) ?? '-'}`);
  expect(r.tiled).toBe(true);
  expect(r.results.length).toBe(6);
  for (const c of r.results) {
    expect(c.forward, c.conv).toBeLessThan(1e-5);
    if (c.inputGradient !== null) expect(c.inputGradient, c.conv).toBeLessThan(1e-5);
  }
});
