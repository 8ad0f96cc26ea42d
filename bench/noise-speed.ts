// Host time of the seeded SmoothGrad noise per sample (2 channels) of a crop: the shared-prefix
// implementation (seededNoise) against the per-voxel gaussianAt it replaced, in one run.
//   npx tsx bench/noise-speed.ts [--crop 48] [--samples 10]
import { gaussianAt, seededNoise } from '../src/core/xai/noise.ts';

const arg = (name: string, d: number) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : d);
const n = arg('crop', 48);
const samples = arg('samples', 10);
const crop = { origin: [40, 40, 40] as [number, number, number], dims: [n, n, n] as [number, number, number] };
const perVoxel = (sample: number, channel: number) => {
  const out = new Float32Array(n * n * n);
  let i = 0;
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++, i++) out[i] = 0.3 * gaussianAt(1, sample, channel, 40 + x, 40 + y, 40 + z);
  return out;
};
const time = (f: (s: number, c: number) => Float32Array) => {
  f(0, 0);
  const t0 = performance.now();
  for (let s = 0; s < samples; s++) for (let c = 0; c < 2; c++) f(s, c);
  return (performance.now() - t0) / samples;
};
const shared = seededNoise(1, 0.3);
// alternate, best of 3 each: the machine is noisy
let before = Infinity;
let after = Infinity;
for (let r = 0; r < 3; r++) {
  before = Math.min(before, time(perVoxel));
  after = Math.min(after, time((s, c) => shared(s, c, crop)));
}
console.log(`noise per sample, 2 channels, ${n}^3 crop, Node ${process.version} (CPU, JavaScript): per-voxel gaussianAt ${before.toFixed(1)} ms, shared prefixes ${after.toFixed(1)} ms, ${(before / after).toFixed(1)}x`);
