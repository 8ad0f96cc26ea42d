import { describe, expect, it } from 'vitest';
import { channelRoles, scanRoleOf, validateManifest } from './manifest.ts';

const good = {
  name: 'm', format: 'onnx', file: 'model.onnx', inputChannels: ['FLAIR', 'MPRAGE'], normalisation: 'zscore-brain',
  spacingMm: [1, 1, 1], windowSizeVoxels: [96, 96, 96], sizeMultiple: 16, output: { kind: 'softmax2', lesionChannel: 1 },
  threshold: 0.4, gradCamLayer: 'layer', receptiveFieldVoxels: null, provenance: 'p', metrics: { nDSC: 0.78 }, intendedUse: 'research',
};

describe('validateManifest', () => {
  it('accepts a complete manifest and fills defaults', () => {
    const m = validateManifest(good);
    expect(m.spatialAxes).toBe('zyx');
    expect(m.output).toEqual({ kind: 'softmax2', lesionChannel: 1, classes: 2 });
    expect(m.maxDroppedVoxels).toBe(5); // method.md's rule when the model names none
  });

  it("keeps a model's own smallest-lesion rule and refuses one that is not a whole number of voxels", () => {
    expect(validateManifest({ ...good, maxDroppedVoxels: 9 }).maxDroppedVoxels).toBe(9);
    expect(validateManifest({ ...good, maxDroppedVoxels: 0 }).maxDroppedVoxels).toBe(0);
    for (const bad of [-1, 2.5, '9']) expect(() => validateManifest({ ...good, maxDroppedVoxels: bad })).toThrow("field 'maxDroppedVoxels'");
  });

  it('takes K-class softmax models with the lesion class among them, and one sigmoid logit', () => {
    expect(validateManifest({ ...good, output: { kind: 'softmax', classes: 3, lesionChannel: 2 } }).output).toEqual({ kind: 'softmax', classes: 3, lesionChannel: 2 });
    expect(validateManifest({ ...good, output: { kind: 'sigmoid1', lesionChannel: 0 } }).output.classes).toBe(1);
    expect(() => validateManifest({ ...good, output: { kind: 'softmax', classes: 3, lesionChannel: 3 } })).toThrow("field 'output.lesionChannel' must be an integer in [0, 2]");
    expect(() => validateManifest({ ...good, output: { kind: 'softmax', lesionChannel: 1 } })).toThrow("field 'output.classes'");
  });

  it('maps every channel to an opened scan, in the model order; a name it cannot place is refused', () => {
    expect(channelRoles(validateManifest({ ...good, inputChannels: ['T1w', 'FLAIR'] }))).toEqual(['mprage', 'flair']);
    expect(channelRoles(validateManifest({ ...good, inputChannels: ['flair'] }))).toEqual(['flair']);
    expect(['MPRAGE', 'T1', 't1_se', 'MP2RAGE', 'FLAIR_3D', 'T2'].map(scanRoleOf)).toEqual(['mprage', 'mprage', 'mprage', 'mprage', 'flair', null]);
    expect(() => validateManifest({ ...good, inputChannels: ['FLAIR', 'T2'] })).toThrow(/field 'inputChannels' names 'T2'/);
    expect(() => validateManifest({ ...good, inputChannels: ['FLAIR', 'FLAIR'] })).toThrow(/same scan twice/);
  });

  it.each([
    ['format', { format: 'pt' }],
    ['threshold', { threshold: 1.5 }],
    ['output.lesionChannel', { output: { kind: 'sigmoid1', lesionChannel: 1 } }],
    ['output.kind', { output: { kind: 'softmax3', lesionChannel: 1 } }],
    ['windowSizeVoxels', { windowSizeVoxels: [96, 96, 90] }],
    ['spacingMm', { spacingMm: [1, 1] }],
    ['inputChannels', { inputChannels: 'FLAIR' }],
    ['gradCamLayer', { gradCamLayer: '' }],
    ['intendedUse', { intendedUse: undefined }],
    ['normalisation', { normalisation: 'minmax' }],
  ])('names the bad field %s', (field, patch) => {
    expect(() => validateManifest({ ...good, ...patch })).toThrow(`field '${field}'`);
  });

  it("gives spacing and window in x, y, z order whatever the model's axis order", () => {
    const zyx = validateManifest({ ...good, spacingMm: [3, 0.8, 0.7], windowSizeVoxels: [32, 64, 96] });
    expect(zyx.spacingMmXyz).toEqual([0.7, 0.8, 3]);
    expect(zyx.windowXyz).toEqual([96, 64, 32]);
    const xyz = validateManifest({ ...good, spatialAxes: 'xyz', spacingMm: [0.7, 0.8, 3], windowSizeVoxels: [96, 64, 32] });
    expect(xyz.spacingMmXyz).toEqual([0.7, 0.8, 3]);
    expect(xyz.windowXyz).toEqual([96, 64, 32]);
  });
});
