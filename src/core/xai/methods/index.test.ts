import { describe, expect, it } from 'vitest';
import { parseSharedView } from '../../export/shareLink.ts';
import { EXPLAIN_METHOD_IDS, isExplainMethod, methodById } from './index.ts';

describe('method registry', () => {
  it('keeps the ids of links and exports, and the app defaults of the paper methods', () => {
    expect(EXPLAIN_METHOD_IDS.slice(0, 3)).toEqual(['smoothgrad-mean', 'smoothgrad-max', 'gradcam++']);
    const traits = (id: string) => {
      const m = methodById(id);
      return [m.signed, m.usesNoise, m.quantities, m.defaultBatch, m.batchUnit, m.progressUnit, m.progressTotal(50, 10), m.channelNames(['FLAIR', 'MPRAGE'])];
    };
    expect(traits('smoothgrad-mean')).toEqual([true, true, true, 4, 'noise samples', 'noise samples', 50, ['FLAIR', 'MPRAGE']]);
    expect(traits('smoothgrad-max')).toEqual([true, true, true, 8, 'gradients', 'gradients', 500, ['FLAIR', 'MPRAGE']]);
    expect(traits('gradcam++')).toEqual([false, false, false, 1, 'passes', 'Grad-CAM++', 1, ['Grad-CAM++']]);
    expect(() => methodById('saliency')).toThrow(/unknown explanation method/);
    expect(isExplainMethod('gradcam++') && !isExplainMethod('GradCAM')).toBe(true);
  });

  it('share links accept every registered method', () => {
    for (const id of EXPLAIN_METHOD_IDS) expect(parseSharedView(`?demo&method=${encodeURIComponent(id)}`, 'https://x.org/').view.method).toBe(id);
    expect(parseSharedView('?demo&method=lime', 'https://x.org/').problems[0]).toContain(EXPLAIN_METHOD_IDS.join(', '));
  });
});
