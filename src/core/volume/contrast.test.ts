import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNifti } from './nifti';
import { swappedRolesNotice, t1Likeness } from './contrast';
import { loadCase } from '../pipeline/loadCase';
import { type Volume, gridFromAffine } from './volume';
import { generateCase, phantomTemplates, prepareAnatomy, trainingOptions, TEMPLATE_DIR } from '../synth';

const read = (path: string): Volume => readNifti(readFileSync(path), path).volume;
const demo = { flair: read('public/samples/demo_flair.nii.gz'), mprage: read('public/samples/demo_mprage.nii.gz') };
const test64 = { flair: read('public/samples/test64/flair.nii.gz'), mprage: read('public/samples/test64/mprage.nii.gz') };

describe('swapped FLAIR and MPRAGE are recognised from their contrast', () => {
  it('the demo: white matter brighter than cortex on the MPRAGE only', () => {
    expect(t1Likeness(demo.mprage)!).toBeGreaterThan(1.2);
    expect(t1Likeness(demo.flair)!).toBeLessThan(1.1);
  });

  for (const [name, c] of [['demo', demo], ['test64 crop', test64]] as const)
    it(`${name}: no warning in the right order, a warning when swapped`, () => {
      expect(swappedRolesNotice(c.flair, c.mprage, 'FLAIR (f.nii)', 'MPRAGE (m.nii)')).toBeNull();
      expect(swappedRolesNotice(c.mprage, c.flair, 'FLAIR (m.nii)', 'MPRAGE (f.nii)')).toMatch(
        /^FLAIR \(m\.nii\) and MPRAGE \(f\.nii\) look swapped: .* swap their roles in the Assign scans dialog\.$/,
      );
    });

  it('generated cases with random contrast, bias and noise (phantom anatomy, 3 seeds), in both orders', () => {
    const anatomy = prepareAnatomy(phantomTemplates());
    const grid = gridFromAffine([96, 96, 96], [1, 0, 0, -48, 0, 1, 0, -68, 0, 0, 1, -33, 0, 0, 0, 1]);
    for (const seed of [11, 12, 13]) {
      const c = generateCase(anatomy, trainingOptions(seed), grid);
      expect(swappedRolesNotice(c.flair, c.mprage, 'F', 'M'), `seed ${seed}`).toBeNull();
      expect(swappedRolesNotice(c.mprage, c.flair, 'F', 'M'), `seed ${seed}`).not.toBeNull();
    }
  }, 60_000);

  it('says nothing when there is too little brain to judge (a 24 mm cube)', () => {
    const cube = (v: Volume): Volume => {
      const dims: [number, number, number] = [24, 24, 24];
      const data = new Float32Array(24 ** 3);
      for (let k = 0; k < 24; k++)
        for (let j = 0; j < 24; j++)
          for (let i = 0; i < 24; i++) data[i + 24 * (j + 24 * k)] = v.data[i + 70 + v.dims[0] * (j + 90 + v.dims[1] * (k + 80))];
      return { ...gridFromAffine(dims, v.voxToMm), data };
    };
    expect(t1Likeness(cube(demo.mprage))).toBeNull();
    expect(swappedRolesNotice(cube(demo.mprage), cube(demo.flair), 'F', 'M')).toBeNull();
  });

  it('loadCase opens a swapped pair and adds the warning to its notices', () => {
    const bytes = (p: string) => readFileSync(p);
    const c = loadCase({
      flair: { name: 'mprage.nii.gz', bytes: bytes('public/samples/test64/mprage.nii.gz') },
      mprage: { name: 'flair.nii.gz', bytes: bytes('public/samples/test64/flair.nii.gz') },
    });
    expect(c.notices.join('\n')).toMatch(/FLAIR \(mprage\.nii\.gz\) and MPRAGE \(flair\.nii\.gz\) look swapped/);
  });
});

const colin = join(TEMPLATE_DIR, 'ch2bet.nii.gz');
describe.skipIf(!existsSync(colin))('on a real T1 (Colin27, mricron-data)', () => {
  it('a real T1 opened as FLAIR, with the demo FLAIR as MPRAGE, is flagged; the right order is not', () => {
    const t1 = read(colin);
    expect(swappedRolesNotice(t1, demo.flair, 'F', 'M')).not.toBeNull();
    expect(swappedRolesNotice(demo.flair, t1, 'F', 'M')).toBeNull();
  });
});
