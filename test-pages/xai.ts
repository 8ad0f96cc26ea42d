// Test page: the instance explanations against the PyTorch fixtures, and the exact crop against the whole
// volume, on a chosen tfjs backend in the browser (issue 6: "on WebGPU in headless Chromium").
import { initBackend } from '../src/core/model/backend.ts';
import { httpModelFolder, loadSegmentationModel } from '../src/core/model/index.ts';
import { relativeError } from '../src/core/model/testing/parity.ts';
import { parseXaiFixture } from '../src/core/xai/fixtures.ts';
import { gaussianAt, suppliedNoise } from '../src/core/xai/noise.ts';
import { prepareInstance, type InstanceRequest } from '../src/core/xai/instance.ts';
import { smoothGradMax, smoothGradMean } from '../src/core/xai/smoothGrad.ts';
import { gradCamPlusPlus } from '../src/core/xai/gradCamPlusPlus.ts';
import { pasteCrop } from '../src/core/xai/crop.ts';

const log = (line: string) => { document.getElementById('log')!.textContent += `${line}\n`; };
const concat = (maps: Float32Array[]) => Float32Array.from(maps.flatMap((m) => Array.from(m)));
const fixtures = (path: string) => httpModelFolder(new URL(`../test-fixtures/${path}/`, document.baseURI).href);

async function xaiParity(backend: string) {
  const info = await initBackend([backend]);
  log(`backend ${info.name} on ${info.adapter}`);
  const model = await loadSegmentationModel(fixtures('model/unet3d'));
  const fx = await parseXaiFixture(fixtures('xai/unet3d'));
  const p = await prepareInstance(model, fx.request, { cropMode: 'whole' });
  const noise = suppliedNoise(fx.noise, fx.request.dimsXyz);
  const mean = await smoothGradMean(model, p, { samples: fx.meta.samples, noise, batchSize: 2 });
  const max = await smoothGradMax(model, p, { samples: fx.meta.max_samples, noise, batchSize: 7 });
  const cam = await gradCamPlusPlus(model, p);
  // exact crop vs whole volume: a random 40 x 48 x 44 volume, a 7-voxel lesion near two borders
  const dims: [number, number, number] = [40, 48, 44];
  const channels = [0, 1].map((c) => Float32Array.from({ length: dims[0] * dims[1] * dims[2] }, (_, i) => gaussianAt(99, 0, c, i, 0, 0)));
  const centre = [4, 42, 40];
  const lesionVoxels = [[0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]].map(
    ([dx, dy, dz]) => centre[0] + dx + dims[0] * (centre[1] + dy + dims[1] * (centre[2] + dz)),
  );
  const request: InstanceRequest = { channels, dimsXyz: dims, spacingMm: [1, 1, 1], lesionVoxels };
  const opts = { samples: 2, batchSize: 2, seed: 5 };
  const whole = await smoothGradMean(model, await prepareInstance(model, request, { cropMode: 'whole' }), opts);
  const exact = await smoothGradMean(model, await prepareInstance(model, request, { cropMode: 'exact' }), opts);
  const cropErr = Math.max(...[0, 1].map((c) => relativeError(pasteCrop(exact.maps[c], exact.crop, dims), pasteCrop(whole.maps[c], whole.crop, dims))));
  // the blended sliding-window target (core/xai/windows.ts): the instance-norm fixture, its window set to 16^3
  const dynFolder = fixtures('model/dynunet');
  const bx = await parseXaiFixture(fixtures('xai/dynunet-windows'));
  const edge = bx.meta.window_edge!;
  const dyn = await loadSegmentationModel(async (path) => {
    const bytes = await dynFolder(path);
    if (path !== 'manifest.json') return bytes;
    return new TextEncoder().encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(bytes)), windowSizeVoxels: [edge, edge, edge] }));
  });
  const bp = await prepareInstance(dyn, bx.request, { cropMode: 'exact' });
  const blended = await smoothGradMean(dyn, bp, { samples: bx.meta.samples, noise: suppliedNoise(bx.noise, bx.request.dimsXyz), batchSize: 2 });
  dyn.dispose();
  const report = {
    backend: info,
    blendedWindows: bp.windows.length,
    blendedMeanRelErr: relativeError(concat(blended.maps), concat(bx.mean)),
    meanRelErr: relativeError(concat(mean.maps), concat(fx.mean)),
    maxRelErr: relativeError(concat(max.maps), concat(fx.max!)),
    gradCamRelErr: relativeError(cam.maps[0], fx.gradCam!),
    gradCamTorchF32RelErr: fx.meta.gradcam_torch_f32_rel_err,
    exactCropRelErr: cropErr,
    exactCropDims: exact.crop.dims,
  };
  log(JSON.stringify(report));
  model.dispose();
  return report;
}

(window as unknown as { xaiParity: typeof xaiParity }).xaiParity = xaiParity;
document.body.dataset.ready = 'true';
