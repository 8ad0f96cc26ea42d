// Synthetic MS cases from the real Colin27 anatomy (see public/samples/README.md for the data's origin).
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
export { distanceToMaskMm } from './distance';
export { labelComponents, neighbourOffsets, closeMask, fillHoles } from './masks';
export * from './phantom';
