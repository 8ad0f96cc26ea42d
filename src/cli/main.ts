// The `lesionlens` command (bin/lesionlens.mjs runs this): `run` and `report`, over core/cohort.
import { parseArgs } from 'node:util';
import { EXPLAIN_METHOD_IDS } from '../core/xai/methods/index.ts';
import { APP_VERSION, EXIT, runCohort, UsageError } from './run';
import { reportCohort } from './report';
import type { CliBackend } from './backend';
import type { ProgressMode } from './progress';

const HELP = `lesionlens ${APP_VERSION}: white-matter lesion segmentation and instance-level explanations over a cohort.
Research and demonstration models: not for clinical decisions.

  lesionlens run BIDS_DIR|SCANS.csv OUT_DIR participant [options]
      Finds sub-*/[ses-*/]anat/*_FLAIR.nii[.gz] with the *_T1w.nii[.gz] of the same folder (or reads a CSV with
      columns participant, flair, t1 and optionally session, ground_truth) and writes BIDS derivatives to OUT_DIR.
      --participant-label L [L ...]  only these participants (with or without sub-)
      --model NAME|DIR               a shipped model (unet3d, dynunet, swin_unetr) or a folder with manifest.json [unet3d]
      --threshold P                  lesion probability threshold [the model's default]
      --explain all|none|N           explain every lesion, none, or the N largest of each scan [none]
      --method M                     ${EXPLAIN_METHOD_IDS.join(', ')} [smoothgrad-mean]
      --samples N                    SmoothGrad noise samples [50]
      --seed S                       noise seed [1]
      --backend auto|webgpu|cpu      auto: WebGPU (Dawn) on a real GPU adapter, else CPU [auto]
      --shard i/n                    the i-th of n shards, from 0 (else SLURM_ARRAY_TASK_ID / _COUNT when set)
      --ground-truth PATTERN         lesion masks, e.g. /data/gt/sub-{participant}_ses-{session}_mask.nii.gz
                                     [derivatives/*/sub-X/[ses-Y/]anat/<scan>_*desc-lesions_mask.nii[.gz]]
      --overwrite                    replace outputs made with other settings (else such a scan fails)
      --progress bar|lines|none      [bar on a terminal, else none]
  lesionlens report OUT_DIR
      The cohort statistics over every finished scan: OUT_DIR/report/statistics.tsv and report.html.

Exit codes: 0 every scan done or skipped; 1 one or more scans failed (see OUT_DIR/logs/summary_*.tsv);
2 bad command line, dataset or model; 3 no scan found.`;

/** BIDS apps take --participant-label 01 02 03: spread it into one flag per label for parseArgs. */
function spreadLabels(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--participant-label') {
      out.push(argv[i]);
      continue;
    }
    while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.push('--participant-label', argv[++i]);
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '--version') {
    console.log(APP_VERSION);
    return EXIT.ok;
  }
  try {
    if (command === 'report') {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 1) throw new UsageError('lesionlens report OUT_DIR');
      return reportCohort(positionals[0]);
    }
    if (command !== 'run') throw new UsageError(`unknown command '${command}': run or report (lesionlens --help)`);
    const { values: v, positionals } = parseArgs({
      args: spreadLabels(rest),
      allowPositionals: true,
      options: {
        'participant-label': { type: 'string', multiple: true, default: [] },
        model: { type: 'string', default: 'unet3d' },
        threshold: { type: 'string' },
        explain: { type: 'string', default: 'none' },
        method: { type: 'string', default: 'smoothgrad-mean' },
        samples: { type: 'string', default: '50' },
        seed: { type: 'string', default: '1' },
        backend: { type: 'string', default: 'auto' },
        shard: { type: 'string' },
        'ground-truth': { type: 'string' },
        overwrite: { type: 'boolean', default: false },
        progress: { type: 'string', default: process.stderr.isTTY ? 'bar' : 'none' },
      },
    });
    if (positionals.length !== 3 || positionals[2] !== 'participant')
      throw new UsageError(`lesionlens run BIDS_DIR OUT_DIR participant [options] (got: ${positionals.join(' ') || 'nothing'}); lesionlens --help`);
    if (!['auto', 'webgpu', 'cpu'].includes(v.backend)) throw new UsageError(`--backend ${v.backend}: auto, webgpu or cpu`);
    if (!['bar', 'lines', 'none'].includes(v.progress)) throw new UsageError(`--progress ${v.progress}: bar, lines or none`);
    return await runCohort({
      input: positionals[0],
      outDir: positionals[1],
      participants: v['participant-label'].map((p) => p.replace(/^sub-/, '')),
      model: v.model,
      threshold: v.threshold === undefined ? undefined : Number(v.threshold),
      explain: v.explain,
      method: v.method,
      samples: Number(v.samples),
      seed: Number(v.seed),
      backend: v.backend as CliBackend,
      shard: v.shard,
      groundTruth: v['ground-truth'],
      overwrite: v.overwrite,
      progress: v.progress as ProgressMode,
    });
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`lesionlens: ${(e as Error).message}`);
      return EXIT.usage;
    }
    throw e;
  }
}
