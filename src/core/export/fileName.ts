/** What an exported file is named after: the case, the lesion, the method, what it holds, and when. */
export interface ExportNameParts {
  caseName: string;
  /** 'lesion3' for a predicted lesion, 'gt2' for a missed ground-truth one; omitted for whole-case files */
  lesion?: { kind: 'predicted' | 'missed'; id: number } | null;
  method?: string | null;
  /** what the file holds, e.g. 'view', 'labels', 'probability', 'saliency-FLAIR', 'lesions', 'provenance' */
  what: string;
  time: Date;
  /** extension without the dot: 'png', 'nii.gz', 'csv', 'json' */
  ext: string;
}

/** Characters that are safe in file names on every common system. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9.+-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';

/** UTC, ISO 8601 basic format (sorts by time, no colons): 20261127T165832Z. */
export function compactUtc(t: Date): string {
  return t.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** e.g. test64_lesion3_smoothgrad-mean_view_20261127T165832Z.png */
export function exportFileName(p: ExportNameParts): string {
  const lesion = p.lesion ? (p.lesion.kind === 'predicted' ? `lesion${p.lesion.id}` : `gt${p.lesion.id}`) : null;
  const parts = [p.caseName, lesion, p.method, p.what].filter((x): x is string => !!x).map(safe);
  return `${parts.join('_')}_${compactUtc(p.time)}.${p.ext}`;
}
