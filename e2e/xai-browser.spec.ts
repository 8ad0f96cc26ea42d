// Issue 6: the instance explanations match the PyTorch references, and exact crops equal the whole-volume
// computation, on WebGPU (and WebGL) in headless Chromium, not only on tfjs-cpu in Node.
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { chromiumArgs } from '../playwright.config';

const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
// Dawn's robustness stays on, as in users' browsers (see model-runtime.spec.ts)
test.use({ launchOptions: { executablePath, args: chromiumArgs.filter((a) => !a.includes('disable_robustness')) } });

interface Report {
  backend: { name: string; adapter: string };
  meanRelErr: number;
  maxRelErr: number;
  gradCamRelErr: number;
  gradCamTorchF32RelErr: number;
  exactCropRelErr: number;
  blendedWindows: number;
  blendedMeanRelErr: number;
}

for (const backend of ['webgpu', 'webgl'] as const) {
  test(`explanations match PyTorch and crops are exact on ${backend}`, async ({ page }) => {
    test.setTimeout(420_000);
    await page.goto('/test-pages/xai.html');
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    const r = await page.evaluate((b) => (window as unknown as { xaiParity(b: string): Promise<Report> }).xaiParity(b), backend);
    console.log(`[xai ${backend}] ${r.backend.adapter}: mean ${r.meanRelErr.toExponential(2)} max ${r.maxRelErr.toExponential(2)} gradcam++ ${r.gradCamRelErr.toExponential(2)} (torch f32 ${r.gradCamTorchF32RelErr.toExponential(2)}) exact crop ${r.exactCropRelErr.toExponential(2)} blended windows (${r.blendedWindows}) mean ${r.blendedMeanRelErr.toExponential(2)}`);
    expect(r.backend.name).toBe(backend);
    expect(r.meanRelErr).toBeLessThan(1e-3);
    expect(r.maxRelErr).toBeLessThan(1e-3);
    expect(r.gradCamRelErr).toBeLessThan(Math.max(1e-3, r.gradCamTorchF32RelErr));
    expect(r.exactCropRelErr).toBeLessThan(1e-5);
    expect(r.blendedWindows).toBe(8);
    expect(r.blendedMeanRelErr).toBeLessThan(1e-3);
  });
}
