// The command line end to end on a small BIDS dataset (the demo's 64^3 crop as subjects): outputs, a rerun that
// does no work, a task killed mid-scan and rerun giving the same bytes, and broken subjects that fail alone.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti } from '../core/volume';
import { parseTsv } from '../core/export';
import { walk } from './files';

const repo = resolve(import.meta.dirname, '../..');
const sample = join(repo, 'public/samples/test64');
const tmp = mkdtempSync(join(tmpdir(), 'lesionlens-cli-'));
const bids = join(tmp, 'bids');
const put = (from: string, to: string) => {
  mkdirSync(join(bids, to, '..'), { recursive: true });
  copyFileSync(join(sample, from), join(bids, to));
};
put('flair.nii.gz', 'sub-01/anat/sub-01_FLAIR.nii.gz');
put('mprage.nii.gz', 'sub-01/anat/sub-01_T1w.nii.gz');
put('lesions.nii.gz', 'derivatives/experts/sub-01/anat/sub-01_desc-lesions_mask.nii.gz');
put('flair.nii.gz', 'sub-02/ses-1/anat/sub-02_ses-1_FLAIR.nii.gz');
put('mprage.nii.gz', 'sub-02/ses-1/anat/sub-02_ses-1_T1w.nii.gz');
// sub-03: a FLAIR cut short; sub-04: no T1w
put('mprage.nii.gz', 'sub-03/anat/sub-03_T1w.nii.gz');
writeFileSync(join(bids, 'sub-03/anat/sub-03_FLAIR.nii.gz'), readFileSync(join(sample, 'flair.nii.gz')).subarray(0, 400));
put('flair.nii.gz', 'sub-04/anat/sub-04_FLAIR.nii.gz');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const args = (out: string) => [join(repo, 'bin/lesionlens.mjs'), 'run', bids, out, 'participant', '--explain', '1', '--samples', '4', '--backend', 'cpu', '--progress', 'lines'];
const run = (out: string) => spawnSync(process.execPath, args(out), { encoding: 'utf8', cwd: repo });
const summary = (out: string) =>
  parseTsv(readFileSync(join(out, 'logs/summary_shard-0of1.tsv'), 'utf8'));
const outputs = (out: string) => walk(out).filter((f) => !f.startsWith('logs/')).sort();

describe('lesionlens run', { timeout: 240_000 }, () => {
  const a = join(tmp, 'out-a');
  it('writes BIDS derivatives; a broken subject fails alone, with what is wrong', () => {
    const r = run(a);
    expect(r.status, r.stderr).toBe(1);
    expect(summary(a).map((s) => [s.scan, s.status])).toEqual([
      ['sub-01/anat/sub-01', 'done'],
      ['sub-02/ses-1/anat/sub-02_ses-1', 'done'],
      ['sub-03/anat/sub-03', 'failed'],
      ['sub-04/anat/sub-04', 'failed'],
    ]);
    expect(summary(a)[2].message).toMatch(/sub-03_FLAIR\.nii\.gz/);
    expect(summary(a)[3].message).toMatch(/no T1w/);
    expect(r.stdout).toMatch(/backend: cpu/);
    const stem = join(a, 'sub-01/anat/sub-01');
    const sidecar = JSON.parse(readFileSync(`${stem}_desc-lesions_dseg.json`, 'utf8')).LesionLens;
    const rows = parseTsv(readFileSync(`${stem}_desc-lesions_stats.tsv`, 'utf8'));
    // the label map holds the lesions the table lists, and the explained one has its two maps
    const labels = readNifti(readFileSync(`${stem}_desc-lesions_dseg.nii.gz`), 'dseg').volume.data;
    expect(labels.reduce((m, v) => Math.max(m, v), 0)).toBe(sidecar.lesions);
    expect(rows.filter((r) => r.kind === 'predicted')).toHaveLength(sidecar.lesions);
    expect(sidecar.explain.explained).toHaveLength(1);
    const id = sidecar.explain.explained[0];
    const flairMap = readNifti(readFileSync(`${stem}_desc-lesion${id}smoothgradmeanFLAIR_saliency.nii.gz`), 'map').volume.data;
    expect(flairMap.some((v) => v !== 0)).toBe(true);
    expect(rows.find((r) => r.lesion_id === String(id))!.saliency_method).toBe('smoothgrad-mean');
    expect(sidecar.groundTruth.lesionwise.nGt).toBeGreaterThan(0);
    expect(existsSync(`${stem}.lock`)).toBe(false);
  });

  it('the same command again does no work', () => {
    const before = outputs(a).map((f) => statSync(join(a, f)).mtimeMs);
    const r = run(a);
    expect(r.status).toBe(1);
    expect(summary(a).map((s) => s.status)).toEqual(['skipped', 'skipped', 'failed', 'failed']);
    expect(r.stderr).not.toMatch(/windows/);
    expect(outputs(a).map((f) => statSync(join(a, f)).mtimeMs)).toEqual(before);
  });

  it('a task killed mid-scan, rerun, leaves the same files as one that was not', async () => {
    const b = join(tmp, 'out-b');
    const child = spawn(process.execPath, args(b), { cwd: repo });
    await new Promise<void>((done) => {
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
        // the first scan is written, the second is being segmented
        if (/\[2\/4\] sub-02_ses-1 windows/.test(err)) child.kill('SIGKILL');
      });
      child.on('exit', () => done());
    });
    expect(existsSync(join(b, 'sub-02/ses-1/anat/sub-02_ses-1.lock'))).toBe(true);
    expect(existsSync(join(b, 'sub-02/ses-1/anat/sub-02_ses-1_desc-lesions_dseg.json'))).toBe(false);
    // what a writer killed during a write would leave
    writeFileSync(join(b, 'sub-02/ses-1/anat/sub-02_ses-1_desc-lesions_dseg.nii.gz.partial-node7-12345'), 'half');
    const r = run(b);
    expect(r.stdout).toMatch(/sub-02_ses-1: taking over from a task that stopped/);
    expect(r.stdout).toMatch(/removed 1 partial file/);
    expect(summary(b).map((s) => s.status)).toEqual(['skipped', 'done', 'failed', 'failed']);
    expect(outputs(b)).toEqual(outputs(a));
    for (const f of outputs(a)) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
  });

  it('report: statistics and an HTML page over the finished scans', () => {
    const r = spawnSync(process.execPath, [join(repo, 'bin/lesionlens.mjs'), 'report', a], { encoding: 'utf8', cwd: repo });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/report: 2 scans/);
    const stats = readFileSync(join(a, 'report/statistics.tsv'), 'utf8');
    expect(stats).toMatch(/Detection\tlesion-wise TPR/);
    expect(readFileSync(join(a, 'report/report.html'), 'utf8')).toMatch(/<svg /);
  });

  it('a bad command line is refused before any work, with exit code 2', () => {
    const r = spawnSync(process.execPath, [join(repo, 'bin/lesionlens.mjs'), 'run', bids, join(tmp, 'out-c'), 'participant', '--explain', 'some'], { encoding: 'utf8', cwd: repo });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--explain some: give all, none, or N/);
    expect(existsSync(join(tmp, 'out-c'))).toBe(false);
  });
});
