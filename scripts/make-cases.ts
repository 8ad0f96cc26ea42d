// Writes many synthetic training cases, each with randomised anatomy, lesions, contrast, noise, bias and
// resolution (trainingOptions), all reproducible from --seed.
// Usage: npx tsx scripts/make-cases.ts --out DIR [--count 100] [--seed 1] [--demo-like]
// Layout: DIR/case_0000/{flair,mprage,lesions}.nii.gz (int16, int16, uint8; same 1 mm grid) plus
//         DIR/case_0000/case.json (the options and the lesion list) and DIR/cases.json (an index).
// Case n uses seed `${seed}-${n}`, so any single case can be remade alone.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoOptions, generateCase, trainingOptions } from '../src/core/synth';
import { loadAnatomy } from './colin';
import { writeCase } from './caseFiles';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(name);
  if (i >= 0) return process.argv[i + 1];
  if (fallback === undefined) throw new Error(`missing ${name}; usage: npx tsx scripts/make-cases.ts --out DIR [--count 100] [--seed 1]`);
  return fallback;
}

function main() {
  const out = arg('--out');
  const count = Number(arg('--count', '100'));
  const seed = arg('--seed', '1');
  const demoLike = process.argv.includes('--demo-like'); // no randomisation of scanner effects
  const t0 = Date.now();
  const anatomy = loadAnatomy();
  console.log(`anatomy ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const index: { case: string; seed: string; lesions: number; lesionVoxels: number }[] = [];
  for (let n = 0; n < count; n++) {
    const t = Date.now();
    const caseSeed = `${seed}-${n}`;
    const c = generateCase(anatomy, demoLike ? demoOptions(caseSeed) : trainingOptions(caseSeed));
    const name = `case_${String(n).padStart(4, '0')}`;
    const dir = join(out, name);
    writeCase(dir, c);
    writeFileSync(join(dir, 'case.json'), JSON.stringify({ seed: caseSeed, options: c.options, lesions: c.lesions }, null, 1) + '\n');
    const lesionVoxels = c.lesions.reduce((s, l) => s + l.maskVoxels, 0);
    index.push({ case: name, seed: caseSeed, lesions: c.lesions.length, lesionVoxels });
    console.log(`${name}: ${c.lesions.length} lesions, ${lesionVoxels} voxels, ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  writeFileSync(join(out, 'cases.json'), JSON.stringify(index, null, 1) + '\n');
  console.log(`${count} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ${out}`);
}

main();
