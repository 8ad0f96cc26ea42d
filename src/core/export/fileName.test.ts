import { describe, expect, it } from 'vitest';
import { exportFileName } from './fileName';

const T = new Date(Date.UTC(2026, 10, 27, 16, 58, 32, 450));

describe('export file names', () => {
  it('case, lesion, method, content and UTC time', () => {
    expect(exportFileName({ caseName: 'test64', lesion: { kind: 'predicted', id: 3 }, method: 'smoothgrad-mean', what: 'view', time: T, ext: 'png' })).toBe(
      'test64_lesion3_smoothgrad-mean_view_20261127T165832Z.png',
    );
    expect(exportFileName({ caseName: 'demo', lesion: { kind: 'missed', id: 2 }, method: 'gradcam++', what: 'saliency-Grad-CAM++', time: T, ext: 'nii.gz' })).toBe(
      'demo_gt2_gradcam++_saliency-Grad-CAM++_20261127T165832Z.nii.gz',
    );
  });

  it('whole-case files leave the lesion and method out; unsafe characters become dashes', () => {
    expect(exportFileName({ caseName: 'sub 01/ses:2', what: 'lesions', time: T, ext: 'csv' })).toBe('sub-01-ses-2_lesions_20261127T165832Z.csv');
  });
});
