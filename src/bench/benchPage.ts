// bench.html: the standard workload (workload.ts) in the user's browser, per available backend, on the
// page's main thread; the table on the page, the report as JSON and CSV downloads, and
// window.lesionLensBench for the headless command (bench/explain-bench-browser.ts).
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../core/model/index.ts';
import { type BenchReport, formatReport, openDemo, parseConfig, reportCsv, reportJson, runBackendWorkload } from './workload.ts';

const base = import.meta.env.BASE_URL;
const form = document.getElementById('config') as HTMLFormElement;
const status = document.getElementById('status')!;
const table = document.getElementById('table')!;
const fetchBytes = async (url: string) => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
};

function download(name: string, text: string, type: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function deviceText(): Promise<string> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  const info = adapter?.info;
  const gpuText = info ? `WebGPU adapter ${[info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unnamed'}` : 'no WebGPU adapter';
  const cores = navigator.hardwareConcurrency ? `${navigator.hardwareConcurrency} logical cores` : 'cores unknown';
  return `${navigator.userAgent}; ${cores}; ${gpuText}`;
}

/** Runs the workload with the given fields (name -> value); resolves to the report. */
async function run(fields: Record<string, string>): Promise<BenchReport> {
  const get = (name: string) => fields[name] ?? null;
  const config = parseConfig(get);
  const backends = (get('backends') ?? 'webgpu,webgl').split(',').filter(Boolean);
  status.textContent = 'Loading the demo case...';
  const demo = openDemo({
    flair: await fetchBytes(`${base}samples/demo_flair.nii.gz`),
    mprage: await fetchBytes(`${base}samples/demo_mprage.nii.gz`),
    mask: await fetchBytes(`${base}samples/demo_lesions.nii.gz`),
  }, config.lesions);
  const report: BenchReport = {
    created: new Date().toISOString(), environment: await deviceText(), tfjs: tf.version.tfjs,
    demo: { dims: demo.dims, lesionsInCase: demo.lesionsInCase, lesions: demo.chosen }, config, backends: [],
  };
  for (const name of backends) {
    const info = await initBackend([name]).catch((e: Error) => {
      status.textContent = `${name}: unavailable (${e.message})`;
      return null;
    });
    if (!info) continue;
    const readModel = (p: string) => fetchBytes(`${base}models/unet3d/${p}`);
    report.backends.push(await runBackendWorkload({ backend: info, readModel, demo, log: (l) => (status.textContent = l) }, config));
    table.textContent = formatReport(report);
  }
  table.textContent = formatReport(report);
  status.textContent = `Done: ${report.backends.map((b) => b.backend).join(', ') || 'no backend available'}.`;
  return report;
}

let last: BenchReport | null = null;
// the form's fields, plus URL parameters without a field (batch-mean, batch-max, progressive)
const fieldsOfForm = () => ({
  ...Object.fromEntries(new URLSearchParams(location.search)),
  ...Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, String(v)])),
});
async function runFromForm() {
  (document.getElementById('run') as HTMLButtonElement).disabled = true;
  try {
    last = await run(fieldsOfForm());
    for (const id of ['json', 'csv']) (document.getElementById(id) as HTMLButtonElement).disabled = false;
  } catch (e) {
    status.textContent = `Failed: ${(e as Error).message}`;
    throw e;
  } finally {
    (document.getElementById('run') as HTMLButtonElement).disabled = false;
  }
  return last;
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  void runFromForm();
});
document.getElementById('json')!.addEventListener('click', () => last && download('lesionlens-bench.json', reportJson(last), 'application/json'));
document.getElementById('csv')!.addEventListener('click', () => last && download('lesionlens-bench.csv', reportCsv(last), 'text/csv'));

// URL parameters fill the fields; ?autorun starts at once
const query = new URLSearchParams(location.search);
for (const [k, v] of query) {
  const input = form.elements.namedItem(k);
  if (input instanceof HTMLInputElement) input.value = v;
}
const api = { run: runFromForm, report: () => last, table: () => table.textContent, json: () => (last ? reportJson(last) : null) };
(window as unknown as { lesionLensBench: typeof api }).lesionLensBench = api;
if (query.has('autorun')) void runFromForm().catch(() => {});
