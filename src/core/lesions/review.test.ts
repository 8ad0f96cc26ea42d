import { describe, expect, it } from 'vitest';
import { needsReview, quantile, rocAuc } from './review';

describe('rocAuc', () => {
  it('is 1 for perfect separation and 0 for reversed', () => {
    expect(rocAuc([3, 4, 5], [0, 1, 2])).toBe(1);
    expect(rocAuc([0, 1], [5, 6, 7])).toBe(0);
  });

  it('matches a hand count of pairs, ties counting one half', () => {
    // pairs (pos, neg): (1,0) win, (1,2) loss, (1,1) tie, (3,0) win, (3,2) win, (3,1) win -> (4 + 0.5) / 6
    expect(rocAuc([1, 3], [0, 2, 1])).toBeCloseTo(4.5 / 6, 12);
  });

  it('is NaN without one of the classes', () => {
    expect(rocAuc([1, 2], [])).toBeNaN();
  });
});

describe('quantile', () => {
  it('interpolates between order statistics', () => {
    // sorted 1 2 3 4 5: q 0.1 -> position 0.4 -> 1.4; median 3
    expect(quantile([5, 1, 4, 2, 3], 0.1)).toBeCloseTo(1.4, 12);
    expect(quantile([5, 1, 4, 2, 3], 0.5)).toBe(3);
  });
});

describe('needsReview', () => {
  it('flags peaks below the calibrated threshold and missing peaks', () => {
    expect(needsReview(0.5, { threshold: 1 })).toBe(true);
    expect(needsReview(2, { threshold: 1 })).toBe(false);
    expect(needsReview(NaN, { threshold: 1 })).toBe(true);
  });
});
