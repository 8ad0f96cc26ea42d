import { describe, expect, it } from 'vitest';
import { calibrateReview, needsReview, quantile, rocAuc } from './review';

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
  it('flags peaks on the false positives side of the threshold, and missing peaks', () => {
    expect(needsReview(0.5, { threshold: 1, direction: 'below' })).toBe(true);
    expect(needsReview(2, { threshold: 1, direction: 'below' })).toBe(false);
    expect(needsReview(2, { threshold: 1, direction: 'above' })).toBe(true);
    expect(needsReview(NaN, { threshold: 1, direction: 'below' })).toBe(true);
  });
});

describe('calibrateReview', () => {
  it('takes the direction from where the false positives fall (worked by hand)', () => {
    // TP 1..10: 0.9 quantile = 1 + 0.9 * 9 = 9.1; FP 8, 12: median 10 > 5.5 -> above;
    // pairs FP > TP: 8 beats 1..7 and ties 8 (7.5), 12 beats all 10 -> AUC 17.5 / 20
    const c = calibrateReview([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [8, 12]);
    expect(c.direction).toBe('above');
    expect(c.threshold).toBeCloseTo(9.1, 12);
    expect(c.rocAuc).toBeCloseTo(17.5 / 20, 12);
    const low = calibrateReview([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0.5, 3]);
    expect(low.direction).toBe('below');
    expect(low.threshold).toBeCloseTo(1.9, 12);
  });
});
