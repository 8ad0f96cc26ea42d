import { describe, expect, it } from 'vitest';
import { parseSharedView, sameOriginUrl, sharedViewQuery } from './shareLink';

const PAGE = 'https://pacs.example.org/lesionlens/?x';

describe('shared links', () => {
  it('accepts scan URLs on the same origin only', () => {
    expect(sameOriginUrl('/cases/a_flair.nii.gz', PAGE)).toBe('https://pacs.example.org/cases/a_flair.nii.gz');
    expect(sameOriginUrl('cases/a.nii', PAGE)).toBe('https://pacs.example.org/lesionlens/cases/a.nii');
    expect(sameOriginUrl('https://evil.example.com/a.nii', PAGE)).toBeNull();
    expect(sameOriginUrl('//evil.example.com/a.nii', PAGE)).toBeNull();
    expect(sameOriginUrl('http://pacs.example.org/a.nii', PAGE)).toBeNull(); // other scheme, other origin
    expect(sameOriginUrl('data:application/octet-stream,xx', PAGE)).toBeNull();
  });

  it('reads scans, lesion, method and settings', () => {
    const { view, problems } = parseSharedView('?flair=/cases/a_flair.nii.gz&mprage=/cases/a_mprage.nii.gz&mask=/cases/a_mask.nii&lesion=3&method=smoothgrad-mean&samples=20&seed=4&crop=fast&threshold=0.3&connectivity=26&drop=10', PAGE);
    expect(problems).toEqual([]);
    expect(view).toEqual({
      scans: { flair: 'https://pacs.example.org/cases/a_flair.nii.gz', mprage: 'https://pacs.example.org/cases/a_mprage.nii.gz', mask: 'https://pacs.example.org/cases/a_mask.nii' },
      lesion: { kind: 'predicted', id: 3 },
      method: 'smoothgrad-mean',
      samples: 20,
      seed: 4,
      crop: 'fast',
      threshold: 0.3,
      connectivity: 26,
      drop: 10,
    });
    expect(parseSharedView('?demo&lesion=gt2&method=gradcam%2B%2B', PAGE).view).toEqual({ demo: 'demo', lesion: { kind: 'missed', id: 2 }, method: 'gradcam++' });
    expect(parseSharedView('?demo=test64', PAGE).view).toEqual({ demo: 'test64' });
  });

  it('refuses scans from another origin and says so; drops malformed values', () => {
    const { view, problems } = parseSharedView('?flair=https://evil.example.com/f.nii&mprage=/m.nii&lesion=x&method=lime&samples=0&connectivity=8', PAGE);
    expect(view.scans).toBeUndefined();
    expect(view.lesion).toBeUndefined();
    expect(view.method).toBeUndefined();
    expect(view.samples).toBeUndefined();
    expect(view.connectivity).toBeUndefined();
    expect(problems.join('\n')).toMatch(/evil\.example\.com.*not on this app's own address/);
    expect(problems).toHaveLength(5); // flair, lesion, method, samples, connectivity
    expect(parseSharedView('?flair=/f.nii', PAGE).problems[0]).toMatch(/both/);
  });

  it('a link written from a view reads back as that view', () => {
    expect(sharedViewQuery({ demo: 'demo', lesion: { kind: 'predicted', id: 3 }, method: 'gradcam++', samples: 2, seed: 1, crop: 'exact' })).toBe(
      '?demo&lesion=3&method=gradcam%2B%2B&samples=2&seed=1&crop=exact',
    );
    const scans = { flair: 'https://pacs.example.org/c/a%20flair.nii.gz', mprage: 'https://pacs.example.org/c/m.nii.gz' };
    const q = sharedViewQuery({ scans, model: 'unet3d', threshold: 0.15, connectivity: 6, drop: 0, lesion: { kind: 'missed', id: 1 }, method: 'smoothgrad-max' });
    expect(parseSharedView(q, PAGE)).toEqual({ view: { scans, model: 'unet3d', threshold: 0.15, connectivity: 6, drop: 0, lesion: { kind: 'missed', id: 1 }, method: 'smoothgrad-max' }, problems: [] });
  });
});
