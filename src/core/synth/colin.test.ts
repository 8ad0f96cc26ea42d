// The one test on the real Colin27 templates (Debian package mricron-data); skipped when they are absent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { voxelCount } from '../volume';
import { REGION, prepareAnatomy } from './anatomy';
import { generateCase } from './generate';
import { demoOptions } from './options';
import { TEMPLATE_DIR, TEMPLATE_FILES, readTemplates } from './templates';

const present = Object.values(TEMPLATE_FILES).every((f) => existsSync(join(TEMPLATE_DIR, f)));
if (!present) console.warn(`Skipping the Colin27 test: templates not found in ${TEMPLATE_DIR} (apt-get install mricron-data).`);

describe.skipIf(!present)('generator on the real Colin27 brain', () => {
  it('finds its tissues and ventricles and makes the demo case with every lesion kind', () => {
    const anatomy = prepareAnatomy(readTemplates((name) => readFileSync(join(TEMPLATE_DIR, name))));
    expect(anatomy.means.gm).toBeGreaterThan(75);
    expect(anatomy.means.gm).toBeLessThan(95);
    expect(anatomy.means.wm).toBeGreaterThan(100);
    expect(anatomy.means.wm).toBeLessThan(120);
    const ventricleMl = anatomy.regions.filter((r) => r === REGION.ventricle).length / 1000; // 1 mm voxels
    expect(ventricleMl).toBeGreaterThan(10);
    expect(ventricleMl).toBeLessThan(60);

    const c = generateCase(anatomy, demoOptions(2024));
    const wanted = demoOptions(2024).lesions.counts;
    for (const kind of Object.keys(wanted) as (keyof typeof wanted)[])
      expect(c.lesions.filter((l) => l.kind === kind).length).toBe(wanted[kind]);
    const brainMl = c.anatomy.brain.reduce((s, x) => s + x, 0) / 1000;
    expect(brainMl).toBeGreaterThan(1000); // an adult brain with its CSF, about 1.2 to 1.6 l
    expect(brainMl).toBeLessThan(2000);
    let lesionOutsideWm = 0;
    for (let v = 0; v < voxelCount(c.flair); v++) if (c.lesionMask.data[v] && c.anatomy.wm[v] < 0.5) lesionOutsideWm++;
    expect(lesionOutsideWm).toBe(0);
  });
});
