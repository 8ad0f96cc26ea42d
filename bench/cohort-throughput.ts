// Cohort throughput of `lesionlens run` (issue 19): scans per hour per model, with and without explanations, on
// this machine's backend. Runs the command's own code (runCohort) over a BIDS dataset or CSV, a fresh output
// folder per configuration, and prints seconds per scan from the run's summary.
//   npx tsx bench/cohort-throughput.ts --input BIDS_DIR|SCANS.csv [--models unet3d,dynunet,swin_unetr]
//     [--explain none,1] [--samples 50] [--backend auto]
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCohort } from '../src/cli/run';
import { readNifti } from '../src/core/volume';
import { parseTsv } from '../src/core/export';
import { arg } from '../scripts/heldOut';

const input = arg('--input', '');
if (!input) throw new Error('usage: npx tsx bench/cohort-throughput.ts --input BIDS_DIR|SCANS.csv [--models ...] [--explain none,1] [--samples 50]');
const models = arg('--models', 'unet3d').split(',');
const explains = arg('--explain', 'none,1').split(',');
const samples = Number(arg('--samples', '50'));
const backend = arg('--backend', 'auto') as 'auto' | 'cpu' | 'webgpu';
const rows: string[] = [];
let grids = '';
const logLines: string[] = [];
for (const model of models)
  for (const explain of explains) {
    const out = mkdtempSync(join(tmpdir(), 'lesionlens-throughput-'));
    await runCohort(
      { input, outDir: out, participants: [], model, explain, method: 'smoothgrad-mean', samples, seed: 1, backend, overwrite: false, progress: 'none' },
      (line) => {
        logLines.push(line);
        if (/^backend:|: (done|failed)/.test(line)) console.log(`  ${model} explain ${explain}: ${line}`);
      },
    );
    const summary = parseTsv(readFileSync(join(out, 'logs/summary_shard-0of1.tsv'), 'utf8'));
    const done = summary.filter((r) => r.status === 'done');
    const seconds = done.map((r) => Number(r.seconds));
    const perScan = seconds.reduce((a, b) => a + b, 0) / Math.max(1, done.length);
    const lesions = done.reduce((a, r) => a + Number(r.lesions), 0);
    const peakGb = Math.max(...done.map((r) => Number(r.peak_memory_mb))) / 1024;
    if (!grids && done.length) {
      const stem = join(out, done[0].scan);
      const g = readNifti(readFileSync(`${stem}_desc-lesions_dseg.nii.gz`), 'grid').volume;
      const sidecar = JSON.parse(readFileSync(`${stem}_desc-lesions_dseg.json`, 'utf8')).LesionLens;
      grids = `first scan ${g.dims.join('x')} voxels of ${g.spacingMm.map((s) => s.toFixed(2)).join('x')} mm, model grid ${sidecar.modelGrid.dims.join('x')}; backend ${sidecar.backend.used} (${sidecar.backend.adapter})`;
    }
    rows.push(`| ${model} | ${explain === 'none' ? 'none' : `${explain} largest, N = ${samples}`} | ${done.length}/${summary.length} | ${lesions} | ${perScan.toFixed(1)} | ${(3600 / perScan).toFixed(1)} | ${seconds.map((s) => s.toFixed(0)).join(', ')} | ${peakGb.toFixed(1)} |`);
    rmSync(out, { recursive: true, force: true });
  }
console.log(`\n${input}: ${grids}; CPU ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores, one task), ${new Date().toISOString()}`);
console.log('| model | explained per scan | scans done | lesions | s per scan | scans per hour (one task) | s per scan, each | peak memory, GB |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
