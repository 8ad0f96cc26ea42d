import { describe, expect, it } from 'vitest';
import { distanceToMaskMm, gridFromAffine, writeNifti } from '../volume';
import { REGION, prepareAnatomy } from './anatomy';
import { type SynthCase, generateCase } from './generate';
import { MASK_FRACTION } from './lesionShape';
import { labelComponents } from './masks';
import { type SynthOptions, demoOptions, trainingOptions } from './options';
import { phantomTemplates } from './phantom';

const anatomy = prepareAnatomy(phantomTemplates());
const grid = gridFromAffine([96, 96, 96], [1, 0, 0, -48, 0, 1, 0, -68, 0, 0, 1, -33, 0, 0, 0, 1]);

function phantomOptions(seed: number): SynthOptions {
  const o = demoOptions(seed);
  return { ...o, lesions: { ...o.lesions, counts: { periventricular: 4, deep: 3, juxtacortical: 3, infratentorial: 1 } } };
}

const cache = new Map<number, SynthCase>();
function caseOf(seed: number): SynthCase {
  if (!cache.has(seed)) cache.set(seed, generateCase(anatomy, phantomOptions(seed), grid));
  return cache.get(seed)!;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function bytesOf(c: SynthCase): Uint8Array[] {
  return [writeNifti(c.flair, { datatype: 'int16' }), writeNifti(c.mprage, { datatype: 'int16' }), writeNifti(c.lesionMask, { datatype: 'uint8' })];
}

describe('generateCase on a phantom brain', () => {
  it('is a pure function of the seed: the same seed gives the same bytes', () => {
    const again = generateCase(anatomy, phantomOptions(7), grid);
    const [a, b] = [bytesOf(caseOf(7)), bytesOf(again)];
    for (let f = 0; f < 3; f++) expect(Buffer.from(a[f]).equals(Buffer.from(b[f]))).toBe(true);
  });

  it('gives a different brain and different lesions for a different seed', () => {
    const [a, b] = [caseOf(7), caseOf(8)];
    let wmDiff = 0;
    for (let v = 0; v < a.anatomy.wm.length; v++) wmDiff += Math.abs(a.anatomy.wm[v] - b.anatomy.wm[v]);
    expect(wmDiff).toBeGreaterThan(1000); // voxels' worth of white matter moved by the deformation
    let maskDiff = 0;
    for (let v = 0; v < a.lesionMask.data.length; v++) if (a.lesionMask.data[v] !== b.lesionMask.data[v]) maskDiff++;
    expect(maskDiff).toBeGreaterThan(100);
  });

  it('places every requested kind, each lesion 3 to 20 mm across', () => {
    const c = caseOf(7);
    const kinds = new Set(c.lesions.map((l) => l.kind));
    expect([...kinds].sort()).toEqual(['deep', 'infratentorial', 'juxtacortical', 'periventricular']);
    expect(c.lesions.length).toBe(11);
    for (const l of c.lesions) {
      expect(l.longestDiameterMm).toBeGreaterThanOrEqual(3);
      expect(l.longestDiameterMm).toBeLessThanOrEqual(20);
      expect(l.maskVoxels).toBeGreaterThanOrEqual(c.options.lesions.minVoxels);
    }
  });

  it('puts lesions in white matter, periventricular ones against the ventricles, infratentorial ones in the "pons"', () => {
    const c = caseOf(7);
    const a = c.anatomy;
    const ventricle = Uint8Array.from(a.regions, (r, v) => (r === REGION.ventricle && a.csf[v] >= 0.5 ? 1 : 0));
    const toVentricle = distanceToMaskMm(ventricle, grid.dims, grid.spacingMm);
    for (const l of c.lesions) {
      const voxels = [...c.lesionNumbers.data.keys()].filter((v) => c.lesionNumbers.data[v] === l.lesionNumber);
      for (const v of voxels) expect(a.wm[v]).toBeGreaterThanOrEqual(MASK_FRACTION);
      const nearest = Math.min(...voxels.map((v) => toVentricle[v]));
      if (l.kind === 'periventricular') expect(nearest).toBeLessThanOrEqual(2.5);
      if (l.kind === 'deep' || l.kind === 'juxtacortical') expect(nearest).toBeGreaterThan(2.5);
      if (l.kind === 'infratentorial') {
        // Seeded in the "pons": its centre lies there (its edge may spill out of the small phantom pons).
        const [i, j, k] = l.centreMm.map((mm, axis) => Math.round(mm - grid.voxToMm[4 * axis + 3]));
        expect(a.regions[i + grid.dims[0] * (j + grid.dims[1] * k)]).toBe(REGION.infratentorial);
      }
    }
  });

  it('has the contrasts of FLAIR and MPRAGE: CSF < WM < GM < lesion, and WM > GM > CSF, lesion < WM', () => {
    const c = caseOf(7);
    const a = c.anatomy;
    const groups = { csf: [] as number[], gm: [] as number[], wm: [] as number[], lesion: [] as number[] };
    const mp = { csf: [] as number[], gm: [] as number[], wm: [] as number[], lesion: [] as number[] };
    for (let v = 0; v < a.wm.length; v++) {
      if (!a.brain[v]) continue;
      const key = c.lesionMask.data[v] ? 'lesion' : a.csf[v] > 0.9 ? 'csf' : a.gm[v] > 0.9 ? 'gm' : a.wm[v] > 0.9 ? 'wm' : undefined;
      if (!key) continue;
      groups[key].push(c.flair.data[v]);
      mp[key].push(c.mprage.data[v]);
    }
    const f = Object.fromEntries(Object.entries(groups).map(([k, x]) => [k, median(x)]));
    const m = Object.fromEntries(Object.entries(mp).map(([k, x]) => [k, median(x)]));
    expect(f.csf).toBeLessThan(f.wm);
    expect(f.wm).toBeLessThan(f.gm);
    expect(f.gm).toBeLessThan(f.lesion);
    expect(m.wm).toBeGreaterThan(m.gm);
    expect(m.gm).toBeGreaterThan(m.csf);
    expect(m.lesion).toBeLessThan(m.wm);
  });

  it('writes a mask that is exactly the lesion voxels, one lesion per connected component', () => {
    const c = caseOf(7);
    let mismatches = 0;
    for (let v = 0; v < c.lesionMask.data.length; v++) if (c.lesionMask.data[v] !== (c.lesionNumbers.data[v] > 0 ? 1 : 0)) mismatches++;
    expect(mismatches).toBe(0);
    for (const l of c.lesions) expect(c.lesionNumbers.data.filter((x) => x === l.lesionNumber).length).toBe(l.maskVoxels);
    const { labels, sizes } = labelComponents(Uint8Array.from(c.lesionMask.data), grid.dims, 18);
    const owners = new Map<number, Set<number>>();
    for (let v = 0; v < labels.length; v++) if (labels[v]) (owners.get(labels[v]) ?? owners.set(labels[v], new Set()).get(labels[v])!).add(c.lesionNumbers.data[v]);
    for (const set of owners.values()) expect(set.size).toBe(1);
    expect(sizes.length - 1).toBe(c.lesions.length); // 18-connected, as the app counts lesion instances
  });

  it('stores whole numbers in int16 range, zero outside the brain', () => {
    const c = caseOf(7);
    let bad = 0;
    let outsideBrain = 0;
    for (const vol of [c.flair, c.mprage])
      for (let v = 0; v < vol.data.length; v++) {
        if (!(Number.isInteger(vol.data[v]) && vol.data[v] >= 0 && vol.data[v] <= 32767)) bad++;
        if (!c.anatomy.brain[v] && vol.data[v] !== 0) outsideBrain++;
      }
    expect(bad).toBe(0);
    expect(outsideBrain).toBe(0);
  });

  it('randomises contrast, noise, bias and resolution with training options, reproducibly', () => {
    const a = trainingOptions(3);
    const b = trainingOptions(4);
    expect(trainingOptions(3)).toEqual(a);
    expect(a).not.toEqual(b);
    const c = generateCase(anatomy, { ...a, lesions: { ...a.lesions, counts: { periventricular: 2, deep: 2, juxtacortical: 1, infratentorial: 1 } } }, grid);
    expect(c.flair.data.some((x) => x > 0)).toBe(true);
    expect(c.lesions.length).toBeGreaterThan(0);
  });
});
