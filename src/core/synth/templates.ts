import { type Volume, readNifti } from '../volume';

/** Where Debian's mricron-data package installs the Colin27 brain and its atlases. */
export const TEMPLATE_DIR = '/usr/share/mricron/templates';

/** The files the generator reads from TEMPLATE_DIR, all in MNI space. */
export const TEMPLATE_FILES = {
  /** Colin27 T1, brain only (tissue; CSF is 0), 0.5 mm, 301 x 370 x 316: the anatomy itself. */
  t1Fine: 'ch2better.nii.gz',
  /** Colin27 T1, brain-extracted with its CSF, 1 mm, 181 x 217 x 181: the brain mask and the output grid. */
  t1Brain: 'ch2bet.nii.gz',
  /** JHU ICBM-DTI-81 white-matter tract labels, 1 mm on FSL's 182 x 218 x 182 grid (names in the .txt). */
  tracts: 'JHU-WhiteMatter-labels-1mm.nii.gz',
} as const;

export interface ColinTemplates {
  t1Fine: Volume;
  t1Brain: Volume;
  tracts: Volume;
}

/** Reads the templates through `readFile(name)` (Node: fs.readFileSync of TEMPLATE_DIR/name). */
export function readTemplates(readFile: (fileName: string) => Uint8Array): ColinTemplates {
  const read = (name: string) => readNifti(readFile(name), name).volume;
  return { t1Fine: read(TEMPLATE_FILES.t1Fine), t1Brain: read(TEMPLATE_FILES.t1Brain), tracts: read(TEMPLATE_FILES.tracts) };
}

/** JHU labels (see the .txt) of the infratentorial tracts: cerebellar peduncles, pons, medial lemniscus. */
export const INFRATENTORIAL_TRACTS = [1, 2, 9, 10, 11, 12, 13, 14];
/** Corticospinal tracts: infratentorial only below the midbrain (MNI z < -20 mm). */
export const CORTICOSPINAL_TRACTS = [7, 8];
/** Tracts where deep white-matter MS lesions are common: corona radiata, posterior thalamic radiation, SLF. */
export const DEEP_WM_TRACTS = [23, 24, 25, 26, 27, 28, 29, 30, 41, 42];
