import { describe, expect, it } from 'vitest';
import { type BenchReport, formatReport, FULL_WORKLOAD, parseConfig, reportCsv, reportJson } from './workload.ts';

describe('bench workload config and report', () => {
  it('reads options by name; defaults are the full workload', () => {
    expect(parseConfig(() => null)).toEqual(FULL_WORKLOAD);
    const opts: Record<string, string> = { lesions: '3', samples: '8', budget: '4', crops: 'exact,whole', segment: 'off', 'batch-mean': '2' };
    const c = parseConfig((n) => opts[n]);
    expect(c).toMatchObject({ lesions: 3, samples: 8, gradientBudget: 4, crops: ['exact', 'whole'], segment: false, batchMean: 2, batchMax: 8 });
    expect(parseConfig((n) => (n === 'budget' ? 'all' : n === 'lesions' ? 'all' : null))).toMatchObject({ gradientBudget: Infinity, lesions: 'all' });
  });

  it('prints one table row per method and crop, and one CSV line per lesion', () => {
    const report: BenchReport = {
      created: 't', environment: 'env', tfjs: '4.22.0', config: FULL_WORKLOAD,
      demo: { dims: [4, 4, 4], lesionsInCase: 2, lesions: [{ id: 1, voxels: 7 }] },
      backends: [{
        backend: 'cpu', device: 'CPU, "quoted"', software: true, model: 'm', forwardFlopPerVoxel: 3695, forwardBytesPerVoxel: 334,
        receptiveFieldMarginVoxels: [16, 16, 16], effectiveMarginVoxels: 16, segmentation: null, peakMB: { 'gradcam++': 50 },
        rows: [{ method: 'gradcam++', crop: 'exact', lesion: 1, lesionVoxels: 7, cropDims: [8, 8, 8], batchSize: 1, gradients: 1, timedGradients: 1, seconds: 2, gflop: 1 }],
        summary: [{ method: 'gradcam++', crop: 'exact', lesions: 1, cropDims: [8, 8, 8], batchSize: 1, medianSeconds: 2, worstSeconds: 2, ratioToExact: 1, gflopPerSecond: 0.5, extrapolated: false }],
      }],
    };
    expect(formatReport(report)).toContain('| gradcam++ | exact | 8x8x8 | 1 | 2.00 | 2.00 | 1.00 | 0.50 |  |');
    const csv = reportCsv(report).split('\n');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toBe('cpu,"CPU, \\"quoted\\"",m,gradcam++,exact,1,7,8,8,8,1,1,1,2.0000,1.000');
    expect(JSON.parse(reportJson(report)).config.gradientBudget).toBe('Infinity');
  });
});
