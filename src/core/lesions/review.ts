/**
 * The review flag (issue 7): the paper found that peak saliency differs between correct and incorrect
 * detections, so a lesion whose peak FLAIR saliency is low compared with the model's true positives on held-out
 * cases is flagged for review. The calibration is measured once per model and stored in its manifest.
 */
export interface ReviewCalibration {
  /** which per-lesion quantity: the peak of the FLAIR mean-SmoothGrad map within the lesion */
  quantity: 'flairPeak';
  /** the explanation settings the calibration used (a flag from other settings is only indicative) */
  samples: number;
  seed: number;
  cropMode: 'exact' | 'fast';
  /**
   * which side of the true positives the false positives fell on in calibration: 'below' flags peaks under the
   * threshold (the TPs' 0.1 quantile), 'above' flags peaks over it (their 0.9 quantile)
   */
  direction: 'below' | 'above';
  threshold: number;
  thresholdQuantile: number;
  /** how well the quantity tells FP from TP on the held-out cases, in the flag's direction (ROC AUC, FP = flagged class) */
  rocAuc: number;
  /** the same for lesion volume alone (smaller = flagged), to show what saliency adds over size */
  volumeRocAuc: number;
  truePositives: number;
  falsePositives: number;
  cases: number;
}

/**
 * ROC AUC of a score for telling positives (high scores expected) from negatives: the probability that a random
 * positive scores above a random negative, ties counting one half (Mann-Whitney U / (n_pos n_neg)).
 */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  if (!positives.length || !negatives.length) return NaN;
  const all = [...positives.map((v) => ({ v, pos: true })), ...negatives.map((v) => ({ v, pos: false }))].sort((a, b) => a.v - b.v);
  // average ranks over ties, then U from the positives' rank sum
  let rankSumPos = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].v === all[i].v) j++;
    const meanRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k].pos) rankSumPos += meanRank;
    i = j + 1;
  }
  const nPos = positives.length;
  const u = rankSumPos - (nPos * (nPos + 1)) / 2;
  return u / (nPos * negatives.length);
}

/** The q-quantile (0..1) by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

export function needsReview(flairPeak: number, calibration: Pick<ReviewCalibration, 'threshold' | 'direction'>): boolean {
  if (Number.isNaN(flairPeak)) return true;
  return calibration.direction === 'above' ? flairPeak > calibration.threshold : flairPeak < calibration.threshold;
}

/**
 * Calibrates the flag from held-out peaks: the FPs' side of the TP distribution decides the direction, and the
 * threshold is the TPs' 0.1 (below) or 0.9 (above) quantile, so about 10 % of true positives get flagged.
 */
export function calibrateReview(tpPeaks: number[], fpPeaks: number[]): Pick<ReviewCalibration, 'direction' | 'threshold' | 'thresholdQuantile' | 'rocAuc'> {
  const direction = quantile(fpPeaks, 0.5) > quantile(tpPeaks, 0.5) ? 'above' : 'below';
  const thresholdQuantile = direction === 'above' ? 0.9 : 0.1;
  // AUC with the flagged class (FP) as positives, scored in the flag's direction
  const sign = direction === 'above' ? 1 : -1;
  const rocAucFlag = rocAuc(fpPeaks.map((v) => sign * v), tpPeaks.map((v) => sign * v));
  return { direction, threshold: quantile(tpPeaks, thresholdQuantile), thresholdQuantile, rocAuc: rocAucFlag };
}
