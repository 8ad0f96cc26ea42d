import { test, expect, type BrowserContext, type Page, type Request } from '@playwright/test';
import { segmentOnCpu, waitForCase } from './helpers';

// Privacy, enforced: a whole user journey (open, segment, explain, export) must not send one request off the
// app's origin, and the Content-Security-Policy must block any attempt, in the page and in the compute worker.

/** Every request the page or its workers make, and those aimed off the origin (data: and blob: stay local). */
async function recordRequests(context: BrowserContext, origin: string) {
  const all: string[] = [];
  const offOrigin: Request[] = [];
  const isOff = (url: string) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin;
  context.on('request', (r) => {
    all.push(r.url());
    if (isOff(r.url())) offOrigin.push(r);
  });
  // a request that gets past the browser's policy reaches the network layer, where this stops and records it
  const reachedNetwork: string[] = [];
  await context.route(
    (url) => isOff(url.href),
    (route) => {
      reachedNetwork.push(route.request().url());
      return route.abort();
    },
  );
  /** off-origin requests not refused by the policy inside the browser */
  const escaped = () =>
    offOrigin.filter((r) => !['csp', 'net::ERR_BLOCKED_BY_CSP'].includes(r.failure()?.errorText ?? '')).map((r) => `${r.url()} (${r.failure()?.errorText ?? 'sent'})`);
  return { all, offOrigin, escaped, reachedNetwork };
}

/** CSP violations the page reports (securitypolicyviolation events) and those the browser logs. */
async function recordViolations(page: Page) {
  const logged: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) logged.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  return { logged, events: () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations) };
}

// WebAssembly compiles since the policy allows 'wasm-unsafe-eval' (dcm2niix converts DICOM); a refusal of
// long.js's tiny WebAssembly helper (64-bit integers, under protobuf and tfjs), which falls back to JavaScript,
// is still tolerated, so the test holds on a stricter deployment's policy too.
const expected = (v: string) => v !== 'script-src wasm-eval' && !/wasm-unsafe-eval|WebAssembly/.test(v);

test('a whole journey stays on the origin, under a Content-Security-Policy that blocks leaving it', async ({ page, context, baseURL }) => {
  test.setTimeout(900_000);
  const origin = new URL(baseURL!).origin;
  const requests = await recordRequests(context, origin);
  const violations = await recordViolations(page);

  const response = await page.goto('/?demo=test64');
  // the policy comes as a header (binding the worker too) and as a <meta> (for hosts that send no header)
  expect(response?.headers()['content-security-policy']).toContain("connect-src 'self'");
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', /script-src 'self'/);
  await waitForCase(page);

  await segmentOnCpu(page);
  await page.getByLabel('Noise samples').fill('2');
  await page.getByTestId('lesion-table').locator('tbody tr').first().click();
  await expect(page.getByTestId('explanation')).toBeVisible({ timeout: 600_000 });

  // export whatever the app offers (each export button's testid starts with "export-")
  const exports = page.locator('[data-testid^="export-"]');
  const exportCount = await exports.count();
  for (let i = 0; i < exportCount; i++) {
    const button = exports.nth(i);
    if (!(await button.isEnabled())) continue;
    const download = page.waitForEvent('download', { timeout: 60_000 }).catch(() => null);
    await button.click();
    await download;
  }
  console.log(`privacy journey: ${requests.all.length} requests, ${exportCount} export buttons clicked`);

  // the recorder sees the worker's requests too: the model is fetched by the worker
  expect(requests.all.some((u) => u.endsWith('/model.onnx'))).toBe(true);
  expect(requests.offOrigin.map((r) => r.url())).toEqual([]);
  expect((await violations.events()).filter(expected)).toEqual([]);
  expect(violations.logged.filter(expected)).toEqual([]);

  // Deliberate attempts to leave: another origin on the same server would answer if the request went out.
  const elsewhere = origin.replace('127.0.0.1', 'localhost') + '/models/index.json';
  expect(elsewhere).not.toBe(origin + '/models/index.json');
  const tryFetch = (url: string) => fetch(url, { mode: 'no-cors' }).then(() => 'sent', () => 'blocked');
  expect(await page.evaluate(tryFetch, elsewhere)).toBe('blocked');
  const worker = page.workers()[0];
  expect(worker, 'the compute worker is running').toBeTruthy();
  expect(await worker.evaluate(tryFetch, elsewhere)).toBe('blocked');
  // an image or script from elsewhere is refused as well
  await page.evaluate((url) => {
    const img = document.createElement('img');
    img.src = url;
    document.body.append(img);
    const script = document.createElement('script');
    script.src = url;
    document.head.append(script);
  }, elsewhere);
  await expect.poll(violations.events).toEqual(expect.arrayContaining([`connect-src ${elsewhere}`, `img-src ${elsewhere}`, `script-src-elem ${elsewhere}`]));
  // Chromium announces a refused image or script as a request, then fails it inside the browser
  await expect.poll(requests.escaped).toEqual([]);
  expect(requests.offOrigin.length).toBeGreaterThanOrEqual(2); // the refused image and script were seen
  expect(requests.reachedNetwork).toEqual([]);
});
