export * from './affine';
export * from './volume';
export * from './nifti';
export * from './resample';
export * from './checks';
export * from './inputError';
export * from './roles';
export * from './loadCase';
