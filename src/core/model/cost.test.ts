import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphCost, opCost } from './cost.ts';
import { DagSegmentationModel } from './dagModel.ts';
import { loadSegmentationModel } from './loadModel.ts';

describe('cost counting', () => {
  it('Conv3d by hand: 2 -> 16 channels, 3^3 kernel, stride 2, 8^3 input', () => {
    // output 4^3 voxels x 16 channels, each a sum over 2 channels x 27 taps
    const c = opCost({ opType: 'Conv', inputs: [[1, 2, 8, 8, 8], [16, 2, 3, 3, 3], [16]], outputs: [[1, 16, 4, 4, 4]] });
    expect(c.macs).toBe(64 * 16 * 2 * 27);
    expect(c.flops).toBe(2 * 64 * 16 * 2 * 27 + 64 * 16); // + bias
    expect(c.bytes).toBe(4 * (1024 + 16 * 54 + 16 + 1024));
  });

  it('ConvTranspose by hand: every input element is spread over C_out x 27 outputs', () => {
    const c = opCost({ opType: 'ConvTranspose', inputs: [[1, 32, 4, 4, 4], [32, 8, 3, 3, 3], null], outputs: [[1, 8, 8, 8, 8]] });
    expect(c.macs).toBe(32 * 64 * 8 * 27);
  });

  describe('traced from the U-Net parity fixture (8-16-32-64)', () => {
    let model: DagSegmentationModel;
    beforeAll(async () => {
      await tf.setBackend('cpu');
      const dir = resolve(import.meta.dirname, '../../../public/test-fixtures/model/unet3d');
      model = (await loadSegmentationModel(async (p) => new Uint8Array(await readFile(resolve(dir, p))))) as DagSegmentationModel;
    });

    it('MACs of a 16^3 input equal the sum worked by hand, and scale with the input volume', () => {
      // down0 2->8 s2 (8^3 out), down1 8->16 (4^3), down2 16->32 (2^3), bottom 32->64 s1 (2^3),
      // up2 ConvT 96->16 over 2^3 inputs, up1 32->8 over 4^3, up0 16->2 over 8^3; kernels 27 taps
      const hand = 512 * 8 * 2 * 27 + 64 * 16 * 8 * 27 + 8 * 32 * 16 * 27 + 8 * 64 * 32 * 27
        + 8 * 96 * 16 * 27 + 64 * 32 * 8 * 27 + 512 * 16 * 2 * 27;
      expect(graphCost(model.traceOps([16, 16, 16])).macs).toBe(hand);
      expect(graphCost(model.traceOps([16, 16, 24])).macs).toBe(1.5 * hand);
    });
  });
});
