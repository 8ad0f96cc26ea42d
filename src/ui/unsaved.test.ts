import { describe, expect, it } from 'vitest';
import { hasUnexported } from './unsaved';

describe('hasUnexported', () => {
  const seg = { probability: new Float32Array(1) };
  const e1 = { key: 'a' };
  const nothing = { segmentation: null, explanations: {} };

  it('is false with no results, and false right after everything was exported', () => {
    expect(hasUnexported(nothing, nothing)).toBe(false);
    expect(hasUnexported({ segmentation: seg, explanations: { a: e1 } }, { segmentation: seg, explanations: { a: e1 } })).toBe(false);
  });

  it('is true for a segmentation or an explanation that came after the export', () => {
    expect(hasUnexported({ segmentation: seg, explanations: {} }, nothing)).toBe(true);
    expect(hasUnexported({ segmentation: seg, explanations: { a: e1 } }, { segmentation: seg, explanations: {} })).toBe(true);
    // a recomputed segmentation is a new result even if an older one was exported
    expect(hasUnexported({ segmentation: { ...seg }, explanations: {} }, { segmentation: seg, explanations: {} })).toBe(true);
  });

  it('is false when results were only removed (a new case was opened after exporting)', () => {
    expect(hasUnexported(nothing, { segmentation: seg, explanations: { a: e1 } })).toBe(false);
  });
});
