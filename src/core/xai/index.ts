// Instance explanations (issue 6): one instance target and crop plan, per method only what differs.
export * from './crop.ts';
export * from './noise.ts';
export * from './receptiveField.ts';
export * from './instance.ts';
export * from './smoothGrad.ts';
export * from './cam.ts';
export { gradCamPlusPlus, gradCamPlusPlusWeights, type GradCamOptions, type GradCamResult } from './gradCamPlusPlus.ts';
export * from './methods/index.ts';
export * from './quantities.ts';
export * from './context.ts';
export * from './fidelity.ts';
export * from './explain.ts';
export * from './explanationMaps.ts';
