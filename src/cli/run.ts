// `lesionlens run`: a BIDS dataset (or a CSV of scans) in, BIDS derivatives out, one scan after another through
// core/cohort (the app's pipeline). Safe to rerun and to run as many tasks at once: a finished scan is skipped,
// every file is written whole or not at all, a scan is locked while one task works on it, and a failing scan is
// reported and does not stop the others.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSegmentationModel, type SegmentationModel } from '../core/model';
import { loadCase } from '../core/pipeline';
import { sha256Hex, toTsv } from '../core/export';
import { type CohortScan, type CohortSettings, datasetDescription, findBidsScans, inShard, outputStem, processScan, scanOutputs, scansFromCsv, settingsKey, shardFrom } from '../core/cohort';
import { isExplainMethod, EXPLAIN_METHOD_IDS } from '../core/xai/methods/index.ts';
import { chooseBackend, type CliBackend } from './backend';
import { folderReader, removePartials, tryLock, walk, writeAtomic } from './files';
import { progressReporter, type ProgressMode } from './progress';

export const EXIT = { ok: 0, someFailed: 1, usage: 2, nothingToDo: 3 } as const;

export class UsageError extends Error {}

export interface CohortRunOptions {
  input: string;
  outDir: string;
  participants: string[];
  model: string;
  threshold?: number;
  explain: string;
  method: string;
  samples: number;
  seed: number;
  backend: CliBackend;
  shard?: string;
  groundTruth?: string;
  overwrite: boolean;
  progress: ProgressMode;
}

const REPO = resolve(new URL('../..', import.meta.url).pathname);
export const APP_VERSION: string = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;

/** A shipped model's name (public/models/NAME) or a folder with a manifest.json; its default threshold. */
function resolveModel(nameOrPath: string): { dir: string; defaultThreshold: number | null; title: string | null } {
  const shipped = join(REPO, 'public/models');
  if (/^[a-z0-9_-]+$/i.test(nameOrPath) && existsSync(join(shipped, nameOrPath, 'manifest.json'))) {
    const index = JSON.parse(readFileSync(join(shipped, 'index.json'), 'utf8')) as { models: { name: string; title: string; defaultThreshold: number }[] };
    const entry = index.models.find((m) => m.name === nameOrPath);
    return { dir: join(shipped, nameOrPath), defaultThreshold: entry?.defaultThreshold ?? null, title: entry?.title ?? null };
  }
  if (existsSync(join(nameOrPath, 'manifest.json'))) return { dir: nameOrPath, defaultThreshold: null, title: null };
  const names = JSON.parse(readFileSync(join(shipped, 'index.json'), 'utf8')).models.map((m: { name: string }) => m.name);
  throw new UsageError(`--model ${nameOrPath}: not a shipped model (${names.join(', ')}) nor a folder with a manifest.json`);
}

function explainChoice(v: string): CohortSettings['explainLesions'] {
  if (v === 'all' || v === 'none') return v;
  if (/^\d+$/.test(v) && Number(v) > 0) return Number(v);
  throw new UsageError(`--explain ${v}: give all, none, or N (the N largest lesions of each scan)`);
}

interface ScanOutcome {
  scan: CohortScan;
  status: 'done' | 'skipped' | 'failed' | 'busy';
  lesions: number | null;
  explained: number | null;
  seconds: number;
  /** the process's peak resident memory so far (what sbatch --mem has to allow) */
  peakMemoryMb: number;
  message: string;
}

export async function runCohort(o: CohortRunOptions, log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  // ---- everything that can be wrong with the command line, before any work ----
  if (!existsSync(o.input)) throw new UsageError(`${o.input}: no such dataset folder or CSV file`);
  const csv = statSync(o.input).isFile();
  if (!isExplainMethod(o.method)) throw new UsageError(`--method ${o.method}: one of ${EXPLAIN_METHOD_IDS.join(', ')}`);
  if (!Number.isInteger(o.samples) || o.samples < 1) throw new UsageError(`--samples ${o.samples}: a whole number of noise samples, at least 1`);
  if (!Number.isInteger(o.seed)) throw new UsageError(`--seed ${o.seed}: a whole number`);
  if (o.threshold !== undefined && !(o.threshold > 0 && o.threshold < 1)) throw new UsageError(`--threshold ${o.threshold}: a probability between 0 and 1`);
  let shard;
  try {
    shard = shardFrom(o.shard, process.env);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const explainLesions = explainChoice(o.explain);
  const modelAt = resolveModel(o.model);

  let scans: CohortScan[];
  try {
    scans = csv ? scansFromCsv(readFileSync(o.input, 'utf8')) : findBidsScans(walk(o.input), { participants: o.participants, groundTruthPattern: o.groundTruth });
  } catch (e) {
    throw new UsageError(`${o.input}: ${(e as Error).message}`);
  }
  if (csv && o.participants.length) scans = scans.filter((s) => o.participants.includes(s.participant));
  const all = scans.length;
  scans = inShard(scans, shard);
  log(`LesionLens ${APP_VERSION}: ${all} scan(s) in ${o.input}${o.participants.length ? ` (participants ${o.participants.join(' ')})` : ''}; ${scans.length} in ${shard.source}`);
  if (!all) {
    log(`nothing to do: no sub-*/[ses-*/]anat/*_FLAIR.nii[.gz] in ${o.input}${o.participants.length ? ' for those participants' : ''}`);
    return EXIT.nothingToDo;
  }

  const backend = await chooseBackend(o.backend).catch((e: Error) => {
    throw new UsageError(e.message);
  });
  log(`backend: ${backend.info.name} (${backend.info.adapter})${backend.why ? `; not WebGPU: ${backend.why}` : ''}`);
  let model: SegmentationModel;
  try {
    model = await loadSegmentationModel(folderReader(modelAt.dir));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const m = model.manifest;
  const title = modelAt.title ?? m.name;
  const modelSha256 = await sha256Hex(readFileSync(join(modelAt.dir, m.file)));
  const settings: CohortSettings = {
    instance: { threshold: o.threshold ?? modelAt.defaultThreshold ?? m.threshold, connectivity: 18, maxDroppedVoxels: m.maxDroppedVoxels },
    explainLesions,
    explain: { method: o.method, samples: o.samples, seed: o.seed, cropMode: 'exact' },
  };
  log(`model: ${m.name} (${title}), sha256 ${modelSha256.slice(0, 12)}..., threshold ${settings.instance.threshold}; explain: ${o.explain}${explainLesions === 'none' ? '' : ` (${o.method}, N=${o.samples}, seed ${o.seed})`}`);
  log('research and demonstration models: not for clinical decisions');

  const outDir = resolve(o.outDir);
  // written once: a rerun (or another task) leaves a finished output dataset untouched
  const description = datasetDescription(APP_VERSION, `file://${resolve(o.input)}`);
  const descriptionPath = join(outDir, 'dataset_description.json');
  if (!existsSync(descriptionPath) || !readFileSync(descriptionPath).equals(description)) writeAtomic(descriptionPath, description);
  const key = settingsKey(settings, modelSha256);
  const source = (p: string | null) => (p === null ? null : csv ? p : join(o.input, p));
  const outcomes: ScanOutcome[] = [];
  const summaryPath = join(outDir, 'logs', `summary_shard-${shard.index}of${shard.count}.tsv`);
  const writeSummary = () =>
    writeAtomic(
      summaryPath,
      toTsv(
        ['scan', 'participant', 'session', 'status', 'lesions', 'explained', 'seconds', 'peak_memory_mb', 'host', 'finished_utc', 'message'],
        outcomes.map((r) => [outputStem(r.scan), r.scan.participant, r.scan.session, r.status, r.lesions, r.explained, Number(r.seconds.toFixed(1)), r.peakMemoryMb, hostname(), new Date().toISOString(), r.message.replace(/[\t\r\n]+/g, ' ')]),
      ),
    );

  for (const [n, scan] of scans.entries()) {
    const stem = outputStem(scan);
    const label = `[${n + 1}/${scans.length}] ${scan.prefix}`;
    const t0 = performance.now();
    const finish = (status: ScanOutcome['status'], message: string, lesions: number | null = null, explained: number | null = null) => {
      const r = { scan, status, lesions, explained, seconds: (performance.now() - t0) / 1000, peakMemoryMb: Math.round(process.resourceUsage().maxRSS / 1024), message };
      outcomes.push(r);
      log(`${label}: ${status}${lesions !== null ? `, ${lesions} lesion(s)${explained ? `, ${explained} explained` : ''}` : ''}${status === 'done' ? ` in ${r.seconds.toFixed(1)} s (peak memory ${(r.peakMemoryMb / 1024).toFixed(1)} GB)` : ''}${message ? ` - ${message}` : ''}`);
      writeSummary();
    };
    const sidecarPath = join(outDir, `${stem}_desc-lesions_dseg.json`);
    const previous = existsSync(sidecarPath) ? (JSON.parse(readFileSync(sidecarPath, 'utf8')).LesionLens ?? {}) : null;
    if (previous && previous.settingsKey === key) {
      finish('skipped', 'already done with these settings', previous.lesions ?? null, previous.explain?.explained?.length ?? null);
      continue;
    }
    if (previous && !o.overwrite) {
      finish('failed', `outputs from other settings are there (${sidecarPath}); pass --overwrite to replace them, or use another OUT_DIR`);
      continue;
    }
    const lock = tryLock(join(outDir, `${stem}.lock`));
    if ('heldBy' in lock) {
      finish('busy', `another task is on it (${lock.heldBy}); left to it`);
      continue;
    }
    const progress = progressReporter(o.progress, label);
    try {
      if (lock.tookOver) log(`${label}: taking over from a task that stopped (${lock.tookOver})`);
      const removed = removePartials(join(outDir, stem));
      if (removed) log(`${label}: removed ${removed} partial file(s) an interrupted task left`);
      if (!scan.t1) throw new Error(`no T1w beside ${scan.flair}: the model takes FLAIR and T1 (MPRAGE or other)`);
      if (scan.groundTruth && !existsSync(source(scan.groundTruth)!)) throw new Error(`the ground-truth mask ${source(scan.groundTruth)} does not exist (--ground-truth pattern?)`);
      const read = (p: string) => {
        const path = source(p)!;
        if (!existsSync(path)) throw new Error(`${path}: no such file`);
        return { name: p.slice(p.lastIndexOf('/') + 1), bytes: readFileSync(path) };
      };
      const loaded = loadCase({ flair: read(scan.flair), mprage: read(scan.t1), mask: scan.groundTruth ? read(scan.groundTruth) : undefined });
      const result = await processScan(model, loaded, settings, (stage, done, total) => progress.update(stage, done, total));
      progress.end();
      const files = scanOutputs(scan, result, settings, {
        appVersion: APP_VERSION,
        model: { name: m.name, title, file: m.file, sha256: modelSha256 },
        backend: { requested: o.backend, used: backend.info.name, adapter: backend.info.adapter },
        sources: { flair: source(scan.flair)!, t1: source(scan.t1)!, groundTruth: source(scan.groundTruth) },
      });
      for (const f of files) writeAtomic(join(outDir, f.path), f.bytes);
      for (const note of [...scan.notes, ...result.notices]) log(`${label}: ${note}`);
      finish('done', '', result.analysis.lesions.length, result.explained.size);
    } catch (e) {
      progress.end();
      finish('failed', (e as Error).message);
    } finally {
      lock.release();
    }
  }
  const count = (s: ScanOutcome['status']) => outcomes.filter((r) => r.status === s).length;
  log(`summary: ${count('done')} done, ${count('skipped')} skipped (done before), ${count('busy')} left to another task, ${count('failed')} failed; ${summaryPath}`);
  return count('failed') ? EXIT.someFailed : EXIT.ok;
}
