// The paper's three methods (method.md).
import { gradCamPlusPlusWeights } from '../gradCamPlusPlus.ts';
import { smoothGradMax, smoothGradMean } from '../smoothGrad.ts';
import { camMethod, type MethodDescriptor, showSigned } from './types.ts';

export const smoothGradMeanMethod: MethodDescriptor<'smoothgrad-mean'> = {
  id: 'smoothgrad-mean',
  title: 'SmoothGrad (mean)',
  signed: true,
  usesNoise: true,
  progressUnit: 'noise samples',
  progressTotal: (samples) => samples,
  defaultBatch: 4,
  batchUnit: 'noise samples',
  gradientPerVoxel: false,
  channelNames: (inputs) => [...inputs],
  quantities: true,
  run: async (model, p, o) => showSigned(await smoothGradMean(model, p, o)),
};

export const smoothGradMaxMethod: MethodDescriptor<'smoothgrad-max'> = {
  id: 'smoothgrad-max',
  title: 'SmoothGrad (max)',
  signed: true,
  usesNoise: true,
  progressUnit: 'gradients',
  progressTotal: (samples, lesionVoxels) => samples * lesionVoxels,
  defaultBatch: 8,
  batchUnit: 'gradients',
  gradientPerVoxel: true,
  channelNames: (inputs) => [...inputs],
  quantities: true,
  run: async (model, p, o) => showSigned(await smoothGradMax(model, p, o)),
};

export const gradCamPlusPlusMethod = camMethod('gradcam++', 'Grad-CAM++', gradCamPlusPlusWeights);
