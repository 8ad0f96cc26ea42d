// Writes the demo case into public/samples/ (FLAIR, MPRAGE, ground-truth lesions; 1 mm, int16/uint8 .nii.gz)
// and a 64^3 crop with several lesions into public/samples/test64/ for fast end-to-end tests.
// Usage: npx tsx scripts/make-demo.ts [--seed 2024] [--out public/samples]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SynthCase, cropVolume, demoOptions, generateCase } from '../src/core/synth';
import type { Volume } from '../src/core/volume';
import { busiestBox, writeCase } from './caseFiles';
import { loadAnatomy } from './colin';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function main() {
  const seed = Number(arg('--seed', '2024'));
  const out = arg('--out', 'public/samples');
  const t0 = Date.now();
  const anatomy = loadAnatomy();
  const t1 = Date.now();
  const c = generateCase(anatomy, demoOptions(seed));
  const t2 = Date.now();
  const sizes = writeCase(out, c, { flair: 'demo_flair', mprage: 'demo_mprage', lesions: 'demo_lesions' });
  const box = busiestBox(c, 64);
  const crop = (v: Volume) => cropVolume(v, box, [64, 64, 64]);
  const small: SynthCase = { ...c, flair: crop(c.flair), mprage: crop(c.mprage), lesionMask: crop(c.lesionMask), lesionNumbers: crop(c.lesionNumbers) };
  const smallSizes = writeCase(join(out, 'test64'), small);
  const inSmall = new Set(Array.from(small.lesionNumbers.data).filter((x) => x > 0)).size;
  const counts: Record<string, number> = {};
  for (const l of c.lesions) counts[l.kind] = (counts[l.kind] ?? 0) + 1;
  writeFileSync(join(out, 'demo_lesions.json'), JSON.stringify({ seed, grid: { dims: c.flair.dims, voxToMm: c.flair.voxToMm }, test64Start: box, lesions: c.lesions }, null, 1) + '\n');
  console.log(`anatomy ${(t1 - t0) / 1000} s, case ${(t2 - t1) / 1000} s, total ${(Date.now() - t0) / 1000} s`);
  console.log('lesions', c.lesions.length, counts);
  for (const l of c.lesions) console.log(`  #${l.lesionNumber} ${l.kind} at ${l.centreMm.join(', ')} mm: ${l.maskVoxels} voxels, longest ${l.longestDiameterMm} mm`);
  console.log('files', sizes, 'test64 at voxel', box, smallSizes, `(${inSmall} lesions touch the crop)`);
}

main();
