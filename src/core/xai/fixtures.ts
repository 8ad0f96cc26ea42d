// The PyTorch explanation fixtures (training/export_xai_fixtures.py), read through any file reader, so Node tests
// and the browser test page (test-pages/xai.ts) load them the same way.
import { decodeFloat16 } from '../model/onnx/proto.ts';
import type { Xyz } from './crop.ts';
import type { InstanceRequest } from './instance.ts';

export interface XaiFixture {
  meta: {
    size_zyx: Xyz; spacing_mm_xyz: Xyz; samples: number; max_samples: number; sigma: number; gradcam_torch_f32_rel_err: number; lesion_voxels: number;
    shells: { shellMm: number; voxels: number; flair: number | null; mprage: number | null }[];
    /** the blended-window fixture only: the window edge the test sets in the manifest, and the windows */
    window_edge?: number;
    window_starts_zyx?: Xyz[];
    windows_covering_lesion?: number;
  };
  request: InstanceRequest;
  /** noise[sample][channel], volume order */
  noise: Float32Array[][];
  mean: Float32Array[];
  /** absent when the fixture has no max-variant reference (max_samples 0) */
  max: Float32Array[] | null;
  /** absent in the blended-window fixture */
  gradCam: Float32Array | null;
  /** the blended-window fixture only: the blended lesion probability, volume order */
  probability: Float32Array | null;
}

const f32 = (b: Uint8Array) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const split = (a: Float32Array, parts: number) => Array.from({ length: parts }, (_, i) => a.slice((i * a.length) / parts, ((i + 1) * a.length) / parts));

export async function parseXaiFixture(read: (path: string) => Promise<Uint8Array>): Promise<XaiFixture> {
  const meta = JSON.parse(new TextDecoder().decode(await read('fixtures.json'))) as XaiFixture['meta'];
  const [nz, ny, nx] = meta.size_zyx;
  const lesion = await read('lesion.u8');
  const lesionVoxels: number[] = [];
  lesion.forEach((v, i) => v && lesionVoxels.push(i));
  const noise = split(decodeFloat16(await read('noise.f16')), meta.samples).map((s) => split(s, 2));
  return {
    meta,
    request: { channels: split(decodeFloat16(await read('input.f16')), 2), dimsXyz: [nx, ny, nz], spacingMm: meta.spacing_mm_xyz, lesionVoxels },
    noise,
    mean: split(f32(await read('mean.f32')), 2),
    max: meta.max_samples ? split(f32(await read('max.f32')), 2) : null,
    gradCam: meta.window_edge ? null : f32(await read('gradcampp.f32')),
    probability: meta.window_edge ? f32(await read('probability.f32')) : null,
  };
}
