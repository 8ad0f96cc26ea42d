import { describe, expect, it } from 'vitest';
import { cohortReport, reportHtml, statisticsTsv, type ScanRecord } from './report';

const row = (detection: string, peak: number | null, share: number | null, shells: Record<string, number> = {}) => ({
  kind: 'predicted',
  detection,
  peak_saliency_flair: peak === null ? 'n/a' : String(peak),
  flair_share_lesion: share === null ? 'n/a' : String(share),
  flair_share_neighbourhood: share === null ? 'n/a' : String(1 - share),
  ...Object.fromEntries(Object.entries(shells).map(([k, v]) => [k, String(v)])),
});
const scan = (stem: string, rows: Record<string, string>[], lw: { nGt: number; nPred: number; detectedGt: number; falsePred: number }, nDsc: number): ScanRecord => ({
  stem,
  rows,
  sidecar: { lesions: rows.length, model: { name: 'unet3d' }, explain: { method: 'smoothgrad-mean', explained: [] }, groundTruth: { dice: nDsc + 0.1, nDsc, lesionwise: lw } },
});

// worked by hand: shares 0.8, 0.6, 0.4 (two of three above one half); TP peaks 3, 4 against FP peaks 1, 2 (complete
// separation: U = 4, AUC 1, exact two-sided p = 2 * 1/C(4,2) = 1/3); pooled detection 4 of 6, 3 false of 7
const scans = [
  scan('sub-01/anat/sub-01', [row('TP', 3, 0.8, { 'flair_mean_shell_-1mm': 0.5, 'flair_mean_shell_+2mm': -0.2, 'mprage_mean_shell_-1mm': 0.1 }), row('FP', 1, 0.6, { 'flair_mean_shell_-1mm': 0.3, 'flair_mean_shell_+2mm': 0.1 }), row('TP', null, null)],
    { nGt: 4, nPred: 4, detectedGt: 3, falsePred: 1 }, 0.5),
  scan('sub-02/anat/sub-02', [row('TP', 4, 0.4, { 'flair_mean_shell_-1mm': -0.2 }), row('FP', 2, null)], { nGt: 2, nPred: 3, detectedGt: 1, falsePred: 2 }, 0.7),
];

describe('cohort report', () => {
  const r = cohortReport(scans);
  const stat = (measure: string) => r.stats.find((s) => s.measure === measure)!;

  it('FLAIR share: over explained lesions only', () => {
    expect(r.explained).toBe(4);
    expect(stat('mean FLAIR share of |saliency|, lesion').value).toBeCloseTo(0.6, 12);
    expect(stat('median FLAIR share, lesion').value).toBeCloseTo(0.6, 12);
    const above = stat('lesions with FLAIR share > 0.5, lesion');
    expect([above.value, above.n, above.p]).toEqual([2 / 3, 3, 1]);
  });

  it('sign by distance: mean of the lesions shell means; positive counts', () => {
    const inside = r.shells.find((s) => s.shellMm === -1)!;
    expect(inside.mean[0]).toBeCloseTo((0.5 + 0.3 - 0.2) / 3, 12);
    expect(inside.mean[1]).toBeCloseTo(0.1, 12);
    expect([inside.positive, inside.n]).toEqual([2, 3]);
    const out2 = r.shells.find((s) => s.shellMm === 2)!;
    expect(out2.mean[0]).toBeCloseTo(-0.05, 12);
    expect(r.shells.find((s) => s.shellMm === 5)!.n).toBe(0);
  });

  it('peak saliency TP vs FP: U, AUC, exact p', () => {
    expect(r.peaks.tp).toEqual([3, 4]);
    expect(r.peaks.fp).toEqual([1, 2]);
    expect(stat('Mann-Whitney U').value).toBe(4);
    expect(stat('Mann-Whitney U').p).toBeCloseTo(1 / 3, 12);
    expect(stat('ROC AUC (peak saliency separating TP from FP)').value).toBe(1);
  });

  it('detection pooled over scans', () => {
    expect(stat('lesion-wise TPR (pooled, IoU >= 0.25)').value).toBeCloseTo(4 / 6, 12);
    expect(stat('lesion-wise FDR (pooled)').value).toBeCloseTo(3 / 7, 12);
    const tpr = 4 / 6;
    const ppv = 4 / 7;
    expect(stat('lesion-wise F1 (pooled)').value).toBeCloseTo((2 * tpr * ppv) / (tpr + ppv), 12);
    expect(stat('mean nDSC over scans').value).toBeCloseTo(0.6, 12);
  });

  it('TSV and an HTML page that needs nothing else', () => {
    const tsv = statisticsTsv(r).split('\n');
    expect(tsv[0]).toBe('finding\tmeasure\tvalue\tn\tp\tnote');
    expect(tsv.find((l) => l.includes('Mann-Whitney U'))).toMatch(/\t4\t4\t0\.333/);
    const html = reportHtml(r, 'Cohort <test>');
    expect(html).toContain('Cohort &lt;test&gt;');
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
    expect(html).not.toMatch(/<script|src=|href=|@import|url\(/);
    expect(html).toContain('not for clinical decisions');
  });

  it('without ground truth or explanations, the sections say why they are empty', () => {
    const bare = cohortReport([{ ...scans[0], rows: [row('n/a', null, null)], sidecar: { ...scans[0].sidecar, groundTruth: null } }]);
    expect(bare.stats.filter((s) => s.finding === 'Detection')).toEqual([]);
    const html = reportHtml(bare, 'bare');
    expect(html).toContain('No ground truth in the dataset');
    expect(html).toContain('Needs explained true and false positives');
  });
});
