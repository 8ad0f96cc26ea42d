// Writes the demo case into public/samples/ (FLAIR, MPRAGE, ground-truth lesions; 1 mm, int16/uint8 .nii.gz)
// and a 64^3 crop with several lesions into public/samples/test64/ for fast end-to-end tests.
// Usage: npx tsx scripts/make-demo.ts [--seed 2024] [--out public/samples]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SynthCase, cropVolume, demoOptions, generateCase } from '../src/core/synth';
import type { Volume } from '../src/core/volume';
import { writeCase } from './caseFiles';
import { loadAnatomy } from './colin';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/**
 * The 64^3 box (voxel start) that holds the most whole lesions, less those it would cut at its border
 * (a cut lesion is a fragment in the crop's ground truth); ties: the most lesion voxels.
 */
function busiestBox(c: SynthCase, size: number): [number, number, number] {
  const [nx, ny, nz] = c.lesionMask.dims;
  let best: [number, number, number] = [0, 0, 0];
  let bestScore = -1;
  const step = 4;
  for (let k0 = 0; k0 + size <= nz; k0 += step)
    for (let j0 = 0; j0 + size <= ny; j0 += step)
      for (let i0 = 0; i0 + size <= nx; i0 += step) {
        // A lesion counts when its whole mask lies inside the box (no cut lesions at the border).
        // Lesion extents as spheres around their centres (voxel = mm on this axis-aligned 1 mm grid).
        const overlap = (l: SynthCase['lesions'][number], margin: number) => {
          const [x, y, z] = l.centreMm.map((mm, a) => mm - c.lesionMask.voxToMm[4 * a + 3]);
          const r = l.longestDiameterMm / 2 + margin;
          return x - r >= i0 && x + r < i0 + size && y - r >= j0 && y + r < j0 + size && z - r >= k0 && z + r < k0 + size;
        };
        const touches = (l: SynthCase['lesions'][number]) => {
          const [x, y, z] = l.centreMm.map((mm, a) => mm - c.lesionMask.voxToMm[4 * a + 3]);
          const r = l.longestDiameterMm / 2 + 1;
          return x + r >= i0 && x - r < i0 + size && y + r >= j0 && y - r < j0 + size && z + r >= k0 && z - r < k0 + size;
        };
        const inside = c.lesions.filter((l) => overlap(l, 1));
        const cut = c.lesions.filter((l) => touches(l) && !overlap(l, 1)).length;
        const score = (inside.length - cut) * 1e6 + inside.reduce((s, l) => s + l.maskVoxels, 0);
        if (score > bestScore) {
          bestScore = score;
          best = [i0, j0, k0];
        }
      }
  return best;
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
