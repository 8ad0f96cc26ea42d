// The statistics of the cohort report: Mann-Whitney U with ROC AUC (peak saliency of true vs false detections)
// and the exact two-sided binomial test (is FLAIR's share above one half more often than chance?). Definitions
// as scipy.stats.mannwhitneyu (method 'auto') and scipy.stats.binomtest, checked against scipy's own numbers
// in stats.test.ts (training/make_stats_fixture.py).

export interface MannWhitney {
  /** U of the first sample: pairs (x, y) with x > y, ties counting one half */
  u: number;
  /** U / (n1 n2): the probability that a value of the first sample exceeds one of the second (ROC AUC) */
  auc: number;
  /** two-sided */
  p: number;
  method: 'exact' | 'asymptotic';
  n1: number;
  n2: number;
}

/** Mid-ranks (1-based) of all values, and the tie groups' sizes. */
function midRanks(values: number[]): { ranks: number[]; ties: number[] } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  const ties: number[] = [];
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = (i + j) / 2 + 1;
    ties.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, ties };
}

/** Number of arrangements with U = u for sizes m, n (no ties): counts c(u; m, n), all u at once. */
function exactUCounts(m: number, n: number): Float64Array {
  // f[i][j][u]: ways for i and j elements; recurrence f(i,j,u) = f(i-1,j,u-j) + f(i,j-1,u)
  let prev: Float64Array[] = Array.from({ length: n + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const size = i * j + 1;
      const f = new Float64Array(size);
      const a = prev[j];
      const b = cur[j - 1];
      for (let u = 0; u < size; u++) f[u] = (u - j >= 0 && u - j < a.length ? a[u - j] : 0) + (u < b.length ? b[u] : 0);
      cur.push(f);
    }
    prev = cur;
  }
  return prev[n];
}

/** Standard normal survival function, 1 - Phi(z), via erfc (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7). */
export function normalSf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Mann-Whitney U of x against y, two-sided; exact when one sample has 8 or fewer and nothing is tied (scipy 'auto'). */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitney {
  const n1 = x.length;
  const n2 = y.length;
  if (!n1 || !n2) return { u: NaN, auc: NaN, p: NaN, method: 'asymptotic', n1, n2 };
  const { ranks, ties } = midRanks([...x, ...y]);
  const r1 = ranks.slice(0, n1).reduce((a, b) => a + b, 0);
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const auc = u / (n1 * n2);
  const tied = ties.some((t) => t > 1);
  if (!tied && Math.min(n1, n2) <= 8) {
    const counts = exactUCounts(n1, n2);
    const total = counts.reduce((a, b) => a + b, 0);
    const uMax = Math.max(u, n1 * n2 - u);
    let tail = 0;
    for (let k = Math.ceil(uMax); k < counts.length; k++) tail += counts[k];
    return { u, auc, p: Math.min(1, (2 * tail) / total), method: 'exact', n1, n2 };
  }
  const n = n1 + n2;
  const tieTerm = ties.reduce((s, t) => s + (t * t * t - t), 0) / (n * (n - 1));
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm));
  const uMax = Math.max(u, n1 * n2 - u);
  const z = sd > 0 ? (uMax - (n1 * n2) / 2 - 0.5) / sd : 0;
  return { u, auc, p: sd > 0 ? Math.min(1, 2 * normalSf(z)) : 1, method: 'asymptotic', n1, n2 };
}

/** ROC curve of scores where positives should score higher: (false-positive rate, true-positive rate) points. */
export function rocCurve(positives: readonly number[], negatives: readonly number[]): [number, number][] {
  const thresholds = [...new Set([...positives, ...negatives])].sort((a, b) => b - a);
  const pts: [number, number][] = [[0, 0]];
  for (const t of thresholds) pts.push([negatives.filter((v) => v >= t).length / negatives.length, positives.filter((v) => v >= t).length / positives.length]);
  return pts;
}

function logBinom(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** Exact two-sided binomial test of k successes in n at probability p: the total probability of outcomes no more likely than k. */
export function binomialTest(k: number, n: number, p = 0.5): number {
  if (n === 0) return 1;
  const pmf = (i: number) => Math.exp(logBinom(n, i) + i * Math.log(p) + (n - i) * Math.log(1 - p));
  const observed = pmf(k);
  let total = 0;
  // scipy's relative tolerance for "as likely as the observed"
  for (let i = 0; i <= n; i++) if (pmf(i) <= observed * (1 + 1e-7)) total += pmf(i);
  return Math.min(1, total);
}
