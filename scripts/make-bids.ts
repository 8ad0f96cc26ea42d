// A small BIDS dataset of generated subjects with ground truth, for the command line's end-to-end tests
// (scripts/slurm-e2e.sh): each subject is a demo-like case of its own seed, cropped to the size^3 box with the
// most whole lesions, so that a CPU segments it in seconds.
//   npx tsx scripts/make-bids.ts --out DIR [--subjects 3] [--seed cohort] [--size 64]
// Layout: DIR/sub-0N/anat/sub-0N_{FLAIR,T1w}.nii.gz, DIR/derivatives/groundtruth/sub-0N/anat/sub-0N_desc-lesions_mask.nii.gz
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cropVolume, demoOptions, generateCase } from '../src/core/synth';
import { type Volume, writeNifti } from '../src/core/volume';
import { busiestBox } from './caseFiles';
import { loadAnatomy } from './colin';
import { arg } from './heldOut';

const out = arg('--out', '');
if (!out) throw new Error('usage: npx tsx scripts/make-bids.ts --out DIR [--subjects 3] [--seed cohort] [--size 64]');
const subjects = Number(arg('--subjects', '3'));
const seed = arg('--seed', 'cohort');
const size = Number(arg('--size', '64'));
const t0 = Date.now();
const anatomy = loadAnatomy();
const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'dataset_description.json'), json({ Name: `LesionLens synthetic cohort (seed ${seed})`, BIDSVersion: '1.9.0', DatasetType: 'raw', License: 'CC0' }));
const gtRoot = join(out, 'derivatives', 'groundtruth');
mkdirSync(gtRoot, { recursive: true });
writeFileSync(join(gtRoot, 'dataset_description.json'), json({ Name: 'Generator lesion masks', BIDSVersion: '1.9.0', DatasetType: 'derivative', GeneratedBy: [{ Name: 'LesionLens generator' }] }));
const participants = ['participant_id\tseed\tlesions_in_crop'];
for (let n = 1; n <= subjects; n++) {
  const label = String(n).padStart(2, '0');
  // demo-like contrast and scanner (no randomisation), each subject its own anatomy deformation and lesions
  const c = generateCase(anatomy, demoOptions(`${seed}-${n}`));
  const box = busiestBox(c, size);
  const crop = (v: Volume) => cropVolume(v, box, [size, size, size]);
  const write = (dir: string, name: string, v: Volume, datatype: 'int16' | 'uint8') => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), writeNifti(crop(v), { datatype, description: `LesionLens synthetic subject ${label}` }));
  };
  write(join(out, `sub-${label}`, 'anat'), `sub-${label}_FLAIR.nii.gz`, c.flair, 'int16');
  write(join(out, `sub-${label}`, 'anat'), `sub-${label}_T1w.nii.gz`, c.mprage, 'int16');
  write(join(gtRoot, `sub-${label}`, 'anat'), `sub-${label}_desc-lesions_mask.nii.gz`, c.lesionMask, 'uint8');
  const inCrop = new Set(Array.from(crop(c.lesionNumbers).data).filter((x) => x > 0)).size;
  participants.push(`sub-${label}\t${c.options.seed}\t${inCrop}`);
  console.log(`sub-${label}: seed ${c.options.seed}, ${inCrop} lesions in the ${size}^3 crop at voxel ${box.join(', ')}`);
}
writeFileSync(join(out, 'participants.tsv'), participants.join('\n') + '\n');
console.log(`${subjects} subjects in ${out} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
