/**
 * Tissue classes from a T1-weighted brain image, as partial-volume fractions of CSF, grey matter (GM)
 * and white matter (WM). A linear mixing model between the class means: a T1 value between the CSF
 * and GM means is a CSF/GM mixture, one between GM and WM a GM/WM mixture. Colin27 is an average of 27
 * scans, so its noise is small and the intensity alone is a good classifier.
 */
export interface TissueMeans {
  csf: number;
  gm: number;
  wm: number;
}

export interface TissueFractions {
  csf: number;
  gm: number;
  wm: number;
}

export function fractionsOfT1(t1: number, means: TissueMeans, out: TissueFractions): TissueFractions {
  if (t1 <= means.csf) {
    out.csf = 1;
    out.gm = 0;
    out.wm = 0;
  } else if (t1 < means.gm) {
    out.gm = (t1 - means.csf) / (means.gm - means.csf);
    out.csf = 1 - out.gm;
    out.wm = 0;
  } else if (t1 < means.wm) {
    out.wm = (t1 - means.gm) / (means.wm - means.gm);
    out.gm = 1 - out.wm;
    out.csf = 0;
  } else {
    out.csf = 0;
    out.gm = 0;
    out.wm = 1;
  }
  return out;
}

/**
 * GM and WM means as the two main peaks of the histogram of the non-zero brain voxels (GM the lower).
 * Coarse bins and a little smoothing, so that integer-valued data and noisy bins make no false peaks;
 * the two peaks must be at least a tenth of the intensity range apart.
 */
export function estimateGmWmMeans(t1: Float32Array): { gm: number; wm: number } {
  const bins = 64;
  let max = 0;
  for (let v = 0; v < t1.length; v++) if (t1[v] > max) max = t1[v];
  const counts = new Float64Array(bins);
  for (let v = 0; v < t1.length; v++) if (t1[v] > 0) counts[Math.min(bins - 1, Math.floor((t1[v] / max) * bins))]++;
  const smooth = counts.map((_, b) => {
    let s = 0;
    for (let d = -2; d <= 2; d++) if (b + d >= 0 && b + d < bins) s += counts[b + d];
    return s;
  });
  const peaks: number[] = [];
  const at = (b: number) => (b < 0 || b >= bins ? -1 : smooth[b]); // the ends can be peaks too
  for (let b = 0; b < bins; b++) if (smooth[b] > 0 && smooth[b] > at(b - 1) && smooth[b] >= at(b + 1)) peaks.push(b);
  peaks.sort((a, b) => smooth[b] - smooth[a]);
  const first = peaks[0];
  const second = peaks.find((b) => Math.abs(b - first) >= bins / 10);
  if (first === undefined || second === undefined) throw new Error('the T1 histogram has no separate grey and white matter peaks');
  // The mean of the raw values within the peak's bin range refines its position below the bin width.
  const centre = (peak: number) => {
    let sum = 0;
    let n = 0;
    const lo = ((peak - 3) / bins) * max; // wider than the smoothing, which can shift a peak by 2 bins
    const hi = ((peak + 4) / bins) * max;
    for (let v = 0; v < t1.length; v++)
      if (t1[v] >= lo && t1[v] < hi) {
        sum += t1[v];
        n++;
      }
    return n ? sum / n : ((peak + 0.5) / bins) * max;
  };
  const [gm, wm] = [Math.min(first, second), Math.max(first, second)].map(centre);
  return { gm, wm };
}
