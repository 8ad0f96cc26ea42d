// Synthetic MS cases from the real Colin27 anatomy (see public/samples/README.md for the data's origin).
//
// prepareAnatomy(readTemplates(...))  once: tissue means, brain mask with CSF, ventricles, tract regions
// generateCase(anatomy, options)      per case, every random choice from options.seed:
//   randomDeformation -> warpAnatomy (CSF/GM/WM fractions at 1 mm from the 0.5 mm T1, 2x2x2 samples)
//   -> placeLesions (periventricular, deep, juxtacortical, infratentorial; they replace white matter)
//   -> synthFlair / synthMprage (tissue means x fractions, lesions, WM texture)
//   -> blur (scanner PSF, slice thickness), bias field, Rician noise, gamma, int16 scale, skull-stripped.
// demoOptions(seed) makes the shipped demo; trainingOptions(seed) randomises everything for training.
// Node scripts: scripts/make-demo.ts, scripts/make-cases.ts, scripts/preview-slices.ts.
export * from './random';
export * from './templates';
export * from './tissue';
export * from './anatomy';
export * from './deformation';
export * from './warp';
export * from './lesionShape';
export * from './lesionPlacement';
export * from './contrast';
export * from './artefacts';
export * from './options';
export * from './generate';
export * from './crop';
export { labelComponents, neighbourOffsets, closeMask, fillHoles } from './masks';
export * from './phantom';
