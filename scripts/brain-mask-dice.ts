// Brain extraction against the open-ms reference masks (issue 17): Dice, volumes and time per raw scan, and
// whether skull-stripped scans are recognised as such.
//   npx tsx scripts/brain-mask-dice.ts --open-ms ../shared/data/open-ms
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brainMask } from '../src/core/brain';
import { readNifti } from '../src/core/volume';
import { arg } from './heldOut';

const root = arg('--open-ms', '../shared/data/open-ms');
if (!existsSync(join(root, 'raw'))) {
  console.log(`skipped: ${root}/raw not found (the open-ms data is not on this machine; pass --open-ms DIR)`);
  process.exit(0);
}
const read = (p: string) => readNifti(readFileSync(p), p).volume;
console.log('scan | grid | Dice | brain ml (ours / reference) | kept share of non-zero | seconds (Node, one core)');
const dices: number[] = [];
for (const d of readdirSync(join(root, 'raw')).sort()) {
  const flair = read(join(root, 'raw', d, 'flair.nii.gz'));
  const reference = read(join(root, 'raw', d, 'brainmask.nii.gz'));
  const t0 = performance.now();
  const b = brainMask(flair);
  const seconds = (performance.now() - t0) / 1000;
  let both = 0;
  let ours = 0;
  let ref = 0;
  for (let i = 0; i < b.mask.length; i++) {
    const r = reference.data[i] > 0 ? 1 : 0;
    both += b.mask[i] & r;
    ours += b.mask[i];
    ref += r;
  }
  const dice = (2 * both) / (ours + ref);
  dices.push(dice);
  const ml = (flair.spacingMm[0] * flair.spacingMm[1] * flair.spacingMm[2]) / 1000;
  console.log(`${d} | ${flair.dims.join('x')} @ ${flair.spacingMm.map((s) => s.toFixed(2)).join('x')} mm | ${dice.toFixed(3)} | ${(ours * ml).toFixed(0)} / ${(ref * ml).toFixed(0)} | ${b.keptShare.toFixed(2)}${b.alreadyStripped ? ' (taken as stripped!)' : ''} | ${seconds.toFixed(1)}`);
}
console.log(`Dice min ${Math.min(...dices).toFixed(3)}, mean ${(dices.reduce((a, b) => a + b, 0) / dices.length).toFixed(3)}`);
const stripped = join(root, 'mni', 'patient07', 'flair.nii.gz');
if (existsSync(stripped)) {
  const b = brainMask(read(stripped));
  console.log(`mni/patient07 (skull-stripped): ${b.alreadyStripped ? 'recognised as skull-stripped' : 'NOT recognised as skull-stripped'} (kept share ${b.keptShare.toFixed(2)})`);
}
