// The standard workload in headless Chromium: serves the app (Vite dev server), opens bench.html with
// the same flags as the browser tests (playwright.config.ts) and prints the page's table, which is
// the table bench/explain-bench.ts prints in Node. Same options as that command, e.g.
//   npx tsx bench/explain-bench-browser.ts --backends webgpu,webgl,cpu --lesions 1 --samples 4 --budget 4 \
//     --crops exact --segment off [--json out.json] [--timeout-min 60]
// Here Chromium's WebGPU and WebGL run on SwiftShader (software): correct, not a GPU speed.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import config, { chromiumArgs } from '../playwright.config.ts';

const options = ['backends', 'lesions', 'samples', 'methods', 'crops', 'budget', 'segment', 'progressive', 'batch-mean', 'batch-max'];
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : null;
};
const query = new URLSearchParams();
for (const o of options) if (arg(o)) query.set(o, arg(o)!);
query.set('autorun', '');
const timeoutMs = Number(arg('timeout-min') ?? 60) * 60_000;

const root = resolve(import.meta.dirname, '..');
const server = await createServer({ root, configFile: resolve(root, 'vite.config.ts'), server: { port: 5197, strictPort: false }, logLevel: 'warn' });
await server.listen();
const url = `${server.resolvedUrls!.local[0]}bench.html?${query}`;
const browser = await chromium.launch({ executablePath: config.use?.launchOptions?.executablePath, args: chromiumArgs });
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
  let lastStatus = '';
  await page.goto(url);
  const t0 = Date.now();
  for (;;) {
    const done = await page.evaluate(() => (window as unknown as { lesionLensBench?: { report(): unknown } }).lesionLensBench?.report() != null);
    if (done) break;
    const status = await page.locator('#status').textContent();
    if (status && status !== lastStatus) console.error((lastStatus = status));
    if (status?.startsWith('Failed')) throw new Error(status);
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out');
    await page.waitForTimeout(2000);
  }
  console.log(await page.locator('#table').textContent());
  const json = await page.evaluate(() => (window as unknown as { lesionLensBench: { json(): string } }).lesionLensBench.json());
  if (arg('json')) await writeFile(arg('json')!, json);
} finally {
  await browser.close();
  await server.close();
}
