import type { CaseAnalysis, LesionMeasures } from '../lesions';
import type { LesionSaliency } from '../xai';

export type CsvValue = string | number | null | undefined;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge space; missing or non-finite -> empty. */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A whole CSV text, CRLF line ends as RFC 4180 asks (spreadsheets read both). */
export function toCsv(header: readonly string[], rows: readonly CsvValue[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The saliency quantities of one lesion's explanation, when it has one under the current settings. */
export interface LesionSaliencyRow {
  method: string;
  quantities: LesionSaliency | null;
}

export const LESION_CSV_HEADER = [
  'lesion', 'kind', 'lesion_id', 'detection', 'voxels', 'volume_mm3',
  'centroid_x_mm', 'centroid_y_mm', 'centroid_z_mm',
  'bbox_min_i', 'bbox_min_j', 'bbox_min_k', 'bbox_max_i', 'bbox_max_j', 'bbox_max_k',
  'mean_probability', 'max_probability',
  'saliency_method', 'peak_saliency_flair', 'peak_saliency_mprage', 'max_abs_saliency',
  'flair_share_lesion', 'flair_share_neighbourhood', 'neighbourhood_mm',
] as const;

/**
 * The lesion table as CSV, one row per lesion: predicted instances by id, then missed ground-truth lesions (FN).
 * saliencyOf gives a lesion's explanation quantities, or undefined when it has not been explained.
 */
export function lesionTableCsv(a: CaseAnalysis, saliencyOf: (kind: 'predicted' | 'missed', id: number) => LesionSaliencyRow | undefined = () => undefined): string {
  const row = (kind: 'predicted' | 'missed', m: LesionMeasures, detection: string | undefined): CsvValue[] => {
    const s = saliencyOf(kind, m.lesionId);
    const q = s?.quantities;
    const predicted = kind === 'predicted';
    return [
      predicted ? String(m.lesionId) : `GT ${m.lesionId}`, kind, m.lesionId, detection, m.voxels, m.volumeMm3,
      ...m.centroidMm, ...m.bboxMin, ...m.bboxMax,
      // a missed lesion has no prediction: its probability columns stay empty
      predicted ? m.meanProbability : null, predicted ? m.maxProbability : null,
      s?.method, q?.flairPeak, q?.mpragePeak, q?.maxAbs, q?.shareLesion[0], q?.shareNeighbourhood[0], q?.neighbourhoodMm,
    ];
  };
  const rows = [
    ...a.lesions.map((l) => row('predicted', l, l.detection)),
    ...(a.groundTruth?.missed ?? []).map((m) => row('missed', m, 'FN')),
  ];
  return toCsv(LESION_CSV_HEADER, rows);
}
