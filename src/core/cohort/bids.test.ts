import { describe, expect, it } from 'vitest';
import { findBidsScans, outputStem, scansFromCsv } from './bids';
import { inShard, shardFrom } from './shard';

const dataset = [
  'dataset_description.json',
  'participants.tsv',
  'sub-01/anat/sub-01_FLAIR.nii.gz',
  'sub-01/anat/sub-01_T1w.nii.gz',
  'sub-02/ses-1/anat/sub-02_ses-1_FLAIR.nii',
  'sub-02/ses-1/anat/sub-02_ses-1_T1w.nii.gz',
  'sub-02/ses-2/anat/sub-02_ses-2_FLAIR.nii.gz',
  // two T1w: the one with the FLAIR's run is taken
  'sub-03/anat/sub-03_run-2_FLAIR.nii.gz',
  'sub-03/anat/sub-03_run-1_T1w.nii.gz',
  'sub-03/anat/sub-03_run-2_T1w.nii.gz',
  // two T1w and nothing to tell them apart: the first, said
  'sub-06/anat/sub-06_FLAIR.nii.gz',
  'sub-06/anat/sub-06_acq-b_T1w.nii.gz',
  'sub-06/anat/sub-06_acq-a_T1w.nii.gz',
  // not scans of their folder, or not anatomical: ignored
  'sub-04/anat/sub-05_FLAIR.nii.gz',
  'sub-04/func/sub-04_task-rest_bold.nii.gz',
  'sub-04/anat/sub-04_FLAIR.json',
  'derivatives/lesionlens/sub-01/anat/sub-01_desc-lesions_dseg.nii.gz',
  'derivatives/experts/sub-01/anat/sub-01_desc-lesions_mask.nii.gz',
  'derivatives/experts/sub-02/ses-1/anat/sub-02_ses-1_space-FLAIR_desc-lesion_mask.nii.gz',
  'sourcedata/sub-09/anat/sub-09_FLAIR.nii.gz',
];

describe('BIDS discovery', () => {
  it('one scan per FLAIR, with its T1w and ground truth, in a stable order', () => {
    const scans = findBidsScans(dataset);
    expect(scans.map((s) => [s.prefix, s.t1, s.groundTruth])).toEqual([
      ['sub-01', 'sub-01/anat/sub-01_T1w.nii.gz', 'derivatives/experts/sub-01/anat/sub-01_desc-lesions_mask.nii.gz'],
      ['sub-02_ses-1', 'sub-02/ses-1/anat/sub-02_ses-1_T1w.nii.gz', 'derivatives/experts/sub-02/ses-1/anat/sub-02_ses-1_space-FLAIR_desc-lesion_mask.nii.gz'],
      ['sub-02_ses-2', null, null],
      ['sub-03_run-2', 'sub-03/anat/sub-03_run-2_T1w.nii.gz', null],
      ['sub-06', 'sub-06/anat/sub-06_acq-a_T1w.nii.gz', null],
    ]);
    expect(scans[1]).toMatchObject({ participant: '02', session: '1', flair: 'sub-02/ses-1/anat/sub-02_ses-1_FLAIR.nii' });
    expect(scans[3].notes).toEqual([]);
    expect(scans[4].notes[0]).toMatch(/2 T1w scans.*sub-06_acq-a_T1w.nii.gz was used/);
    expect(findBidsScans([...dataset].reverse()).map((s) => s.prefix)).toEqual(scans.map((s) => s.prefix));
  });

  it('participant labels, with or without sub-; a ground-truth pattern', () => {
    const scans = findBidsScans(dataset, { participants: ['sub-02'], groundTruthPattern: '/gt/{prefix}_{participant}_{session}.nii.gz' });
    expect(scans.map((s) => s.groundTruth)).toEqual(['/gt/sub-02_ses-1_02_1.nii.gz', '/gt/sub-02_ses-2_02_2.nii.gz']);
  });

  it('outputs mirror the inputs: sub-X/[ses-Y/]anat/<prefix>', () => {
    expect(findBidsScans(dataset).map(outputStem)).toEqual(['sub-01/anat/sub-01', 'sub-02/ses-1/anat/sub-02_ses-1', 'sub-02/ses-2/anat/sub-02_ses-2', 'sub-03/anat/sub-03_run-2', 'sub-06/anat/sub-06']);
  });

  it('a CSV of paths instead; bad lines are named', () => {
    const scans = scansFromCsv('participant,session,flair,t1,ground_truth\r\nsub-7,,/a/f.nii.gz,/a/t.nii.gz,\n8,b,/b/f.nii,/b/t.nii,/b/gt.nii\n');
    expect(scans.map((s) => [s.prefix, s.t1, s.groundTruth])).toEqual([
      ['sub-7', '/a/t.nii.gz', null],
      ['sub-8_ses-b', '/b/t.nii', '/b/gt.nii'],
    ]);
    expect(() => scansFromCsv('participant,flair\n1,/f.nii')).toThrow(/no 't1' column/);
    expect(() => scansFromCsv('participant,flair,t1\nsub_1,/f.nii,/t.nii')).toThrow(/line 2.*not a BIDS label/);
  });
});

describe('shards', () => {
  it('every scan in exactly one shard, whichever way the shard is given', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const shards = [0, 1, 2].map((i) => inShard(items, shardFrom(`${i}/3`, {})));
    expect(shards).toEqual([[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]);
    // SLURM: --array=1-3 gives task ids 1..3 with MIN 1
    const slurm = [1, 2, 3].map((id) => inShard(items, shardFrom(undefined, { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' })));
    expect(slurm).toEqual(shards);
    expect(shardFrom(undefined, {}).count).toBe(1);
    expect(shardFrom('1/4', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' }).source).toBe('--shard 1/4');
  });

  it('refuses what does not fit', () => {
    expect(() => shardFrom('3/3', {})).toThrow(/0\.\.2/);
    expect(() => shardFrom('a/b', {})).toThrow(/not i\/n/);
    expect(() => shardFrom(undefined, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '3' })).toThrow(/do not fit/);
  });
});
