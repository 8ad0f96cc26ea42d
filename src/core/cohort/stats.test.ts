import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binomialTest, mannWhitneyU, normalSf, rocCurve } from './stats';

// SciPy's own numbers for the same samples (training/make_stats_fixture.py)
const fixture = JSON.parse(readFileSync(new URL('../../../public/test-fixtures/stats/scipy.json', import.meta.url), 'utf8')) as {
  mannWhitney: { name: string; x: number[]; y: number[]; u: number; p: number }[];
  binomial: { k: number; n: number; p: number }[];
};

describe('cohort statistics against SciPy', () => {
  for (const c of fixture.mannWhitney)
    it(`Mann-Whitney U: ${c.name}`, () => {
      const r = mannWhitneyU(c.x, c.y);
      expect(r.u).toBe(c.u);
      expect(r.p).toBeCloseTo(c.p, 6);
      expect(r.method).toBe(c.name.startsWith('exact') ? 'exact' : 'asymptotic');
    });

  it('binomial test, two-sided', () => {
    for (const c of fixture.binomial) expect(binomialTest(c.k, c.n)).toBeCloseTo(c.p, 9);
  });
});

describe('cohort statistics by hand', () => {
  it('AUC is the share of (x, y) pairs with x above y, ties one half', () => {
    // pairs: 3>1, 3>2, 3=3 (half), 2>1, 2=2 (half), 2<3 -> 4 + 2 * 0.5 = 5 of 6
    const r = mannWhitneyU([3, 2], [1, 2, 3]);
    expect(r.u).toBe(4);
    expect(r.auc).toBeCloseTo(4 / 6, 12);
    expect(mannWhitneyU([5, 6], [1, 2]).auc).toBe(1);
    expect(mannWhitneyU([1], [2]).auc).toBe(0);
  });

  it('normal tail: known quantiles', () => {
    expect(normalSf(0)).toBeCloseTo(0.5, 7);
    expect(normalSf(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalSf(-1)).toBeCloseTo(0.8413447, 6);
  });

  it('ROC curve: from (0, 0) to (1, 1), one step per distinct score', () => {
    expect(rocCurve([3, 2], [1, 2])).toEqual([[0, 0], [0, 0.5], [0.5, 1], [1, 1]]);
  });

  it('empty samples give NaN, not a number that looks like a result', () => {
    expect(mannWhitneyU([], [1]).p).toBeNaN();
    expect(binomialTest(0, 0)).toBe(1);
  });
});
