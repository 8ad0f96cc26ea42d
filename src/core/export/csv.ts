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

/** A TSV text (as toTsv writes it) back as rows of column -> text; 'n/a' stays as it is. */
export function parseTsv(text: string): Record<string, string>[] {
  const [head = '', ...lines] = text.split('\n').filter((l) => l.length);
  const header = head.split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [header[i], v])));
}

/** A BIDS TSV text: tab-separated, LF line ends, 'n/a' for a missing or non-finite value (BIDS' own rule). */
export function toTsv(header: readonly string[], rows: readonly CsvValue[][]): string {
  const field = (v: CsvValue) => {
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return 'n/a';
    const text = String(v);
    if (/[\t\r\n]/.test(text)) throw new Error(`a TSV field cannot hold a tab or line break: ${JSON.stringify(text)}`);
    return text;
  };
  return [header, ...rows].map((r) => r.map(field).join('\t')).join('\n') + '\n';
}

/** The saliency quantities of one lesion's explanation, when it has one under the current settings. */
export interface LesionSaliencyRow {
  method: string;
  quantities: LesionSaliency | null;
}

/** Mean saliency per channel by signed distance from the lesion border (quantities.ts shellOf): shell -3 is 2-3 mm
 * inside, shell +1 the first millimetre outside. */
const SHELLS_MM = [-3, -2, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
const shellName = (mm: number) => `${mm < 0 ? mm : `+${mm}`}mm`;
const SHELL_COLUMNS = (['flair', 'mprage'] as const).flatMap((ch) => SHELLS_MM.map((mm) => `${ch}_mean_shell_${shellName(mm)}`));

export const LESION_CSV_HEADER = [
  'lesion', 'kind', 'lesion_id', 'detection', 'voxels', 'volume_mm3',
  'centroid_x_mm', 'centroid_y_mm', 'centroid_z_mm',
  'bbox_min_i', 'bbox_min_j', 'bbox_min_k', 'bbox_max_i', 'bbox_max_j', 'bbox_max_k',
  'mean_probability', 'max_probability',
  'saliency_method', 'peak_saliency_flair', 'peak_saliency_mprage', 'max_abs_saliency',
  'flair_share_lesion', 'flair_share_neighbourhood', 'neighbourhood_mm',
  ...SHELL_COLUMNS,
] as const;

type SaliencyOf = (kind: 'predicted' | 'missed', id: number) => LesionSaliencyRow | undefined;

/**
 * The lesion table, one row per lesion: predicted instances by id, then missed ground-truth lesions (FN).
 * saliencyOf gives a lesion's explanation quantities, or undefined when it has not been explained.
 */
export function lesionTableRows(a: CaseAnalysis, saliencyOf: SaliencyOf = () => undefined): CsvValue[][] {
  const row = (kind: 'predicted' | 'missed', m: LesionMeasures, detection: string | undefined): CsvValue[] => {
    const s = saliencyOf(kind, m.lesionId);
    const q = s?.quantities;
    const predicted = kind === 'predicted';
    return [
      predicted ? String(m.lesionId) : `GT ${m.lesionId}`, kind, m.lesionId, detection, m.voxels, m.volumeMm3,
      ...m.centroidMm, ...m.bboxMin, ...m.bboxMax,
      // a missed lesion has no prediction: its probability columns stay empty
      predicted ? m.meanProbability : null, predicted ? m.maxProbability : null,
      s?.method, q?.flairPeak, q?.mpragePeak, q?.maxAbs, q?.flairShareLesion, q?.flairShareNeighbourhood, q?.neighbourhoodMm,
      ...[0, 1].flatMap((c) => SHELLS_MM.map((mm) => q?.shells.find((sh) => sh.shellMm === mm)?.means[c])),
    ];
  };
  return [
    ...a.lesions.map((l) => row('predicted', l, l.detection)),
    ...(a.groundTruth?.missed ?? []).map((m) => row('missed', m, 'FN')),
  ];
}

/** The lesion table as CSV (the app's export). */
export function lesionTableCsv(a: CaseAnalysis, saliencyOf: SaliencyOf = () => undefined): string {
  return toCsv(LESION_CSV_HEADER, lesionTableRows(a, saliencyOf));
}

/** The lesion table as a BIDS TSV (the command line's per-scan output). */
export function lesionTableTsv(a: CaseAnalysis, saliencyOf: SaliencyOf = () => undefined): string {
  return toTsv(LESION_CSV_HEADER, lesionTableRows(a, saliencyOf));
}
