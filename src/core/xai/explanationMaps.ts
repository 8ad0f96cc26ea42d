// Explanation maps are kept on their crop (dozens of lesions' maps fit in memory); these read them on the scan grid.
import { pasteCrop, type Crop } from './crop.ts';

/** Per-channel maps on a crop of the scan grid (x fastest), e.g. an ExplanationData. */
export interface CroppedMaps {
  maps: Float32Array[];
  crop: Crop;
}

/** One channel of an explanation on the whole scan grid (zero outside its crop). */
export function mapOnScanGrid(e: CroppedMaps, channel: number, dimsXyz: readonly number[]): Float32Array {
  return pasteCrop(e.maps[channel], e.crop, dimsXyz);
}

/** The map value at a scan-grid voxel (0 outside the crop, where the map was not computed and is zero by definition). */
export function mapValueAt(e: CroppedMaps, channel: number, vox: readonly number[]): number {
  const [x, y, z] = vox.map((v, a) => v - e.crop.origin[a]);
  const [cx, cy, cz] = e.crop.dims;
  if (x < 0 || y < 0 || z < 0 || x >= cx || y >= cy || z >= cz) return 0;
  return e.maps[channel][x + cx * (y + cy * z)];
}
