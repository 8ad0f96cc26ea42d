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
  return /\.nii(\.gz)?$/i.test(fileName);
}
