// Grad-CAM (a method the paper did not use) checked by hand: the weights are the spatial mean of
// g = dS_L/dA, the map ReLU(sum_c w_c A_c). Grad-CAM++'s weights give other numbers in both cases.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BoxModel } from '../boxModel.testing.ts';
import { weightedCam } from '../cam.ts';
import { explainInstance } from '../explain.ts';
import { gradCamWeights } from './gradCam.ts';
import { methodById } from './index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Grad-CAM', () => {
  it('weights and map of a 3-voxel, 2-channel layer, worked by hand', () => {
    // channels-last [voxel][channel]: A_0 = (1, 0, 2), A_1 = (1, 1, 0); g_0 = (1, 2, 3), g_1 = (-3, 0, 0)
    const a = Float32Array.from([1, 1, 0, 1, 2, 0]);
    const g = Float32Array.from([1, -3, 2, 0, 3, 0]);
    const w = gradCamWeights(a, g, 2);
    // w_0 = (1 + 2 + 3) / 3 = 2, w_1 = (-3 + 0 + 0) / 3 = -1 (Grad-CAM++: 0.514 and 0)
    expect(Array.from(w)).toEqual([2, -1]);
    // map = ReLU(2 A_0 - A_1) = (2 - 1, 0 - 1 -> 0, 4 - 0)
    expect(Array.from(weightedCam(a, w, 2))).toEqual([1, 0, 4]);
  });

  it('on the box model, through the registry: raw map = mean(g) x A, scaled to [0, 1]', async () => {
    // lesion logit z = gain (A - level), A = 3^3 box mean of FLAIR: g = gain on the lesion, 0 elsewhere,
    // so w = gain |L| / |space| = 20 x 4 / 512 and map = w A (A >= 0 here). Grad-CAM++ would give
    // w = gain |L| / (2 + gain sum_L A).
    const n = 8;
    const dims: [number, number, number] = [n, n, n];
    const at = (x: number, y: number, z: number) => x + n * (y + n * z);
    const flair = Float32Array.from({ length: n ** 3 }, (_, v) => (v % 7) / 7);
    const lesionVoxels = [at(3, 3, 3), at(4, 3, 3), at(3, 4, 3), at(4, 4, 3)];
    const model = new BoxModel(1);
    const e = await explainInstance(model, { channels: [flair, new Float32Array(n ** 3)], dimsXyz: dims, spacingMm: [1, 1, 1], lesionVoxels }, { method: 'gradcam', cropMode: 'whole' });
    const boxMean = (x: number, y: number, z: number) => {
      let s = 0;
      for (let c = -1; c <= 1; c++) for (let b = -1; b <= 1; b++) for (let i = -1; i <= 1; i++) {
        const [xx, yy, zz] = [x + i, y + b, z + c];
        if (xx >= 0 && yy >= 0 && zz >= 0 && xx < n && yy < n && zz < n) s += flair[at(xx, yy, zz)];
      }
      return s / 27;
    };
    const w = (20 * 4) / 512;
    const r = e.result;
    expect(r.method).toBe('gradcam');
    expect(r.crop.dims).toEqual(dims);
    let max = 0;
    for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) max = Math.max(max, w * boxMean(x, y, z));
    for (const [x, y, z] of [[3, 3, 3], [0, 0, 0], [7, 2, 5], [5, 6, 1]]) {
      expect(r.maps[0][at(x, y, z)]).toBeCloseTo(w * boxMean(x, y, z), 6);
      expect(r.shown[0][at(x, y, z)]).toBeCloseTo(boxMean(x, y, z) * w / max, 6);
    }
    expect(r.shownChannels).toEqual(['Grad-CAM']);
    expect(e.quantities).toBeNull(); // one scaled map: peak / shares / shells do not apply
    model.dispose();
  });

  it('is registered with its traits', () => {
    const m = methodById('gradcam');
    expect([m.title, m.signed, m.usesNoise, m.quantities, m.progressTotal(50, 100)]).toEqual(['Grad-CAM', false, false, false, 1]);
  });
});
