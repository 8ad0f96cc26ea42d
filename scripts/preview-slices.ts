// Renders axial, coronal and sagittal slices of NIfTI volumes to one PNG, to look at generated cases.
// Usage: npx tsx scripts/preview-slices.ts OUT.png IMAGE.nii.gz [IMAGE2.nii.gz ...] [--mask MASK.nii.gz] [--zoom 3] [--no-outline]
//        [--box i0,j0,w,h]  (axial close-ups of that box only)  [--max VALUE]  (display white level)
//        [--axial k1,k2,...] [--sagittal i] [--coronal j]  (voxel indices or none; defaults: middle slices)
// Each image is one row; the mask, if given, is drawn as a red outline on every panel.
import { readFileSync, writeFileSync } from 'node:fs';
import { type Volume, readNifti } from '../src/core/volume';
import { encodePng } from './png';

interface Panel {
  width: number;
  height: number;
  at: (x: number, y: number) => number; // voxel index shown at panel pixel (x, y), y from the top
}

function panels(vol: Volume, axial: number[], sagittal: number[], coronal: number[], box?: number[]): Panel[] {
  const [nx, ny, nz] = vol.dims;
  const out: Panel[] = [];
  if (box) {
    // Axial close-ups only: box = i0, j0, width, height (voxels; j0 counted from the back of the head).
    const [i0, j0, w, h] = box;
    for (const k of axial) out.push({ width: w, height: h, at: (x, y) => i0 + x + nx * (j0 + h - 1 - y + ny * k) });
    return out;
  }
  // Radiological habits aside, we show the left hemisphere on the left (neurological view): i grows to the right.
  for (const k of axial) out.push({ width: nx, height: ny, at: (x, y) => x + nx * (ny - 1 - y + ny * k) });
  for (const j of coronal) out.push({ width: nx, height: nz, at: (x, y) => x + nx * (j + ny * (nz - 1 - y)) });
  for (const i of sagittal) out.push({ width: ny, height: nz, at: (x, y) => i + nx * (x + ny * (nz - 1 - y)) });
  return out;
}

function robustMax(data: Float32Array): number {
  const values = Array.from(data.filter((v) => v > 0)).sort((a, b) => a - b);
  return values.length ? values[Math.floor(values.length * 0.9995)] : 1;
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const maskPath = opt('--mask');
  const boxArg = opt('--box');
  const maxArg = opt('--max');
  const box = boxArg ? boxArg.split(',').map(Number) : undefined;
  const axialArg = opt('--axial');
  const sagArg = opt('--sagittal');
  const corArg = opt('--coronal');
  const zoom = Number(opt('--zoom') ?? '1');
  const noOutline = args.includes('--no-outline');
  if (noOutline) args.splice(args.indexOf('--no-outline'), 1);
  const [outPath, ...imagePaths] = args;
  const vols = imagePaths.map((p) => readNifti(readFileSync(p), p).volume);
  const mask = maskPath ? readNifti(readFileSync(maskPath), maskPath).volume : undefined;
  const [nx, ny, nz] = vols[0].dims;
  const list = (s: string | undefined, d: number) => (s === 'none' ? [] : s ? s.split(',').map(Number) : [d]);
  const axial = list(axialArg, Math.floor(nz / 2));
  const sagittal = list(sagArg, Math.floor(nx / 2));
  const coronal = list(corArg, Math.floor(ny / 2));
  const rows = vols.map((v) => panels(v, axial, sagittal, coronal, box));
  const width = rows[0].reduce((w, p) => w + p.width + 2, 0);
  const rowHeight = Math.max(...rows[0].map((p) => p.height)) + 2;
  const pixels = new Uint8Array(width * rowHeight * rows.length * 3);
  rows.forEach((row, r) => {
    const vol = vols[r];
    const top = maxArg ? Number(maxArg) : robustMax(vol.data);
    let left = 0;
    for (const p of row) {
      for (let y = 0; y < p.height; y++)
        for (let x = 0; x < p.width; x++) {
          const v = p.at(x, y);
          const g = Math.max(0, Math.min(255, Math.round((255 * vol.data[v]) / top)));
          let rgb = [g, g, g];
          if (mask && !noOutline && mask.data[v] > 0.5) {
            const edge = [-1, 1].some((d) => x + d >= 0 && x + d < p.width && !(mask.data[p.at(x + d, y)] > 0.5)) ||
              [-1, 1].some((d) => y + d >= 0 && y + d < p.height && !(mask.data[p.at(x, y + d)] > 0.5));
            if (edge) rgb = [255, 40, 40];
          }
          const o = 3 * ((r * rowHeight + y) * width + left + x);
          pixels.set(rgb, o);
        }
      left += p.width + 2;
    }
  });
  const height = rowHeight * rows.length;
  const big = new Uint8Array(width * zoom * height * zoom * 3);
  for (let y = 0; y < height * zoom; y++)
    for (let x = 0; x < width * zoom; x++) big.set(pixels.subarray(3 * (Math.floor(y / zoom) * width + Math.floor(x / zoom)), 3 * (Math.floor(y / zoom) * width + Math.floor(x / zoom)) + 3), 3 * (y * width * zoom + x));
  writeFileSync(outPath, encodePng(big, width * zoom, height * zoom, 3));
  console.log(`wrote ${outPath} (${width} x ${rowHeight * rows.length}), dims ${nx}x${ny}x${nz}`);
}

main();
