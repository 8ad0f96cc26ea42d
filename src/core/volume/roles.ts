export type ScanRole = 'flair' | 'mprage' | 'mask';

/** A first guess of a file's role from its name; the user can always correct it. */
export function guessRole(fileName: string): ScanRole | undefined {
  const n = fileName.toLowerCase();
  if (/(mask|seg|label|lesion|gt|ground.?truth|roi)/.test(n)) return 'mask';
  if (/flair/.test(n)) return 'flair';
  if (/(mprage|t1|mp2rage|spgr|tfl)/.test(n)) return 'mprage';
  return undefined;
}

export function isNiftiName(fileName: string): boolean {
  return /\.(nii|hdr)(\.gz)?$/i.test(fileName);
}

/** The .img of a NIfTI-1 pair: read together with its .hdr, never on its own. */
export function isPairImageName(fileName: string): boolean {
  return /\.img(\.gz)?$/i.test(fileName);
}

/** A file name without its NIfTI extension (.nii, .nii.gz, .hdr, .img). */
export function niftiBaseName(fileName: string): string {
  return fileName.replace(/\.(nii|hdr|img)(\.gz)?$/i, '');
}
