// How often the swapped-FLAIR/MPRAGE warning fires, in the right order (false alarms) and swapped (detections),
// on generated cases and on the real Colin27 T1s (Debian mricron-data) paired with each generated FLAIR.
// Usage: npx tsx scripts/role-contrast-rates.ts [--cases training/data/test] [--open-ms ../shared/data/open-ms]
// Cases: DIR/case_XXXX/{flair,mprage}.nii.gz, as written by scripts/make-cases.ts.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SWAP_MARGIN, readNifti, t1Likeness, type Volume } from '../src/core/volume';
import { TEMPLATE_DIR } from '../src/core/synth';

const i = process.argv.indexOf('--cases');
const casesDir = i >= 0 ? process.argv[i + 1] : 'training/data/test';
const read = (path: string): Volume => readNifti(readFileSync(path), path).volume;
const score = (path: string) => t1Likeness(read(path));

const flairs: [string, number | null][] = [['demo', score('public/samples/demo_flair.nii.gz')]];
const mprages: [string, number | null][] = [['demo', score('public/samples/demo_mprage.nii.gz')]];
for (const c of existsSync(casesDir) ? readdirSync(casesDir).filter((d) => d.startsWith('case_')).sort() : []) {
  flairs.push([c, score(join(casesDir, c, 'flair.nii.gz'))]);
  mprages.push([c, score(join(casesDir, c, 'mprage.nii.gz'))]);
}
const realT1s: [string, number | null][] = ['ch2bet.nii.gz', 'ch2better.nii.gz', 'ch2.nii.gz']
  .filter((f) => existsSync(join(TEMPLATE_DIR, f)))
  .map((f) => [`Colin27 ${f}`, score(join(TEMPLATE_DIR, f))]);

const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
console.log('t1Likeness (deep-to-rim ratio), warning when FLAIR - MPRAGE >', SWAP_MARGIN);
for (let n = 0; n < flairs.length; n++) console.log(`${flairs[n][0].padEnd(10)} FLAIR ${fmt(flairs[n][1])}  MPRAGE ${fmt(mprages[n][1])}`);
for (const [name, s] of realT1s) console.log(`${name.padEnd(24)} ${fmt(s)}`);

const warns = (f: number | null, m: number | null) => f !== null && m !== null && f - m > SWAP_MARGIN;
const rate = (label: string, pairs: [number | null, number | null][]) => {
  const hits = pairs.filter(([f, m]) => warns(f, m)).length;
  console.log(`${label}: warned ${hits} of ${pairs.length}`);
};
const synthetic = flairs.map(([, f], n) => [f, mprages[n][1]] as [number | null, number | null]);
rate('generated cases, right order (false alarms)', synthetic);
rate('generated cases, swapped (detections)', synthetic.map(([f, m]) => [m, f]));
for (const [name, t1] of realT1s) {
  rate(`${name} as MPRAGE with each generated FLAIR, right order (false alarms)`, flairs.map(([, f]) => [f, t1]));
  rate(`${name} opened as FLAIR, each generated FLAIR as MPRAGE (detections)`, flairs.map(([, f]) => [t1, f]));
}

// Real scans as loadCase opens them (skull and thick slices included: judged on the brain), when --open-ms DIR is given
const j = process.argv.indexOf('--open-ms');
if (j >= 0) {
  const { loadCase } = await import('../src/core/pipeline/loadCase.ts');
  const root = process.argv[j + 1];
  const dirs = existsSync(join(root, 'raw')) ? readdirSync(join(root, 'raw')).sort().map((d) => join(root, 'raw', d)) : [];
  if (existsSync(join(root, 'mni', 'patient07'))) dirs.push(join(root, 'mni', 'patient07'));
  if (!dirs.length) console.log(`open-ms: skipped, no scans under ${root}`);
  let alarms = 0;
  let detections = 0;
  for (const dir of dirs) {
    const file = (f: string) => ({ name: f, bytes: readFileSync(join(dir, f)) });
    const warned = (flair: string, t1: string) => loadCase({ flair: file(flair), mprage: file(t1) }).notices.some((n) => /look swapped/.test(n));
    const alarm = warned('flair.nii.gz', 't1.nii.gz');
    const detected = warned('t1.nii.gz', 'flair.nii.gz');
    alarms += +alarm;
    detections += +detected;
    console.log(`${dir}: right order ${alarm ? 'WARNS (false alarm)' : 'no warning'}; swapped ${detected ? 'warns' : 'not caught'}`);
  }
  if (dirs.length) console.log(`open-ms: false alarms ${alarms} of ${dirs.length}, swaps caught ${detections} of ${dirs.length}`);
}
