import { describe, expect, it } from 'vitest';
import { csvField, lesionTableCsv, lesionTableTsv, toCsv, toTsv } from './csv';
import type { CaseAnalysis } from '../lesions';
import type { LesionSaliency } from '../xai';

describe('CSV', () => {
  it('quotes only what needs quoting', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' edge')).toBe('" edge"');
    expect(csvField(0.5)).toBe('0.5');
    expect(csvField(NaN)).toBe('');
    expect(csvField(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  const lesion = (lesionId: number, voxels: number) => ({
    lesionId, voxels, volumeMm3: voxels * 1.5, centroidMm: [1.25, -2, 3] as [number, number, number],
    bboxMin: [1, 2, 3] as [number, number, number], bboxMax: [4, 5, 6] as [number, number, number], meanProbability: 0.75, maxProbability: 0.5 + lesionId / 10,
  });
  const analysis = {
    labels: { labels: new Int32Array(0), count: 2, sizes: [0, 10, 7] },
    lesions: [{ ...lesion(1, 10), detection: 'TP' }, { ...lesion(2, 7), detection: 'FP' }],
    groundTruth: { missed: [lesion(4, 3)] },
  } as unknown as CaseAnalysis;

  it('lesion table: one row per lesion, predicted then missed, saliency where explained', () => {
    const q = { flairPeak: 0.125, mpragePeak: -0.25, maxAbs: 0.5, shareLesion: [0.8, 0.2], shareNeighbourhood: [0.6, 0.4], flairShareLesion: 0.8, flairShareNeighbourhood: 0.6, neighbourhoodMm: 5, shells: [] } as LesionSaliency;
    const text = lesionTableCsv(analysis, (kind, id) => (kind === 'predicted' && id === 2 ? { method: 'smoothgrad-mean', quantities: q } : undefined));
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 3);
    const header = lines[0].split(',');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    expect(rows.map((r) => r.lesion)).toEqual(['1', '2', 'GT 4']);
    expect(rows[0]).toMatchObject({ kind: 'predicted', detection: 'TP', voxels: '10', volume_mm3: '15', centroid_x_mm: '1.25', centroid_y_mm: '-2', bbox_max_k: '6', max_probability: '0.6' });
    expect(rows[0].saliency_method).toBe('');
    expect(rows[1]).toMatchObject({ saliency_method: 'smoothgrad-mean', peak_saliency_flair: '0.125', peak_saliency_mprage: '-0.25', flair_share_lesion: '0.8', neighbourhood_mm: '5' });
    expect(rows[2]).toMatchObject({ kind: 'missed', detection: 'FN', lesion_id: '4', mean_probability: '', max_probability: '' });
  });

  it('TSV (BIDS): tabs, n/a for what is missing, shell means per channel by signed distance', () => {
    const shells = [
      { shellMm: -1, voxels: 4, means: [0.5, -0.125] },
      { shellMm: 2, voxels: 9, means: [-0.25, 0.0625] },
      { shellMm: 3, voxels: 0, means: [NaN, NaN] },
    ];
    const q = { flairPeak: 1, mpragePeak: 0, maxAbs: 1, shareLesion: [0.8, 0.2], shareNeighbourhood: [0.6, 0.4], flairShareLesion: 0.8, flairShareNeighbourhood: 0.6, neighbourhoodMm: 5, shells } as LesionSaliency;
    const text = lesionTableTsv(analysis, (kind, id) => (kind === 'predicted' && id === 1 ? { method: 'smoothgrad-mean', quantities: q } : undefined));
    const lines = text.trimEnd().split('\n');
    const header = lines[0].split('\t');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [header[i], v])));
    expect(rows[0]).toMatchObject({ 'flair_mean_shell_-1mm': '0.5', 'mprage_mean_shell_-1mm': '-0.125', 'flair_mean_shell_+2mm': '-0.25', 'mprage_mean_shell_+2mm': '0.0625' });
    // an empty shell and a shell with no entry are n/a, as is every saliency field of an unexplained lesion
    expect(rows[0]['flair_mean_shell_+3mm']).toBe('n/a');
    expect(rows[0]['flair_mean_shell_-3mm']).toBe('n/a');
    expect(rows[1]).toMatchObject({ saliency_method: 'n/a', 'flair_mean_shell_-1mm': 'n/a' });
    expect(rows[2]).toMatchObject({ kind: 'missed', mean_probability: 'n/a' });
    expect(() => toTsv(['a'], [['x\ty']])).toThrow(/tab/);
  });
});
