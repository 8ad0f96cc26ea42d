// The background precompute's self-check: at the pace measured on the lesion in progress, how long would the
// rest take? An instance-norm model (DynUNet, Swin UNETR) explains each lesion on a whole 96^3 window, which on
// the cpu backend is about a minute per noise sample, so N = 50 for every lesion would hold the machine for
// hours; the background pauses itself then and says why (the user can resume it anyway).

/** Longest background run started without asking, s. */
export const BACKGROUND_BUDGET_S = 20 * 60;

/**
 * Seconds left for the lesion in progress and the `lesionsLeft - 1` after it, if each costs what this one
 * does: `done` of `total` units took `elapsedS`. Null before the first unit is done.
 */
export function projectedBackgroundSeconds(elapsedS: number, done: number, total: number, lesionsLeft: number): number | null {
  if (done <= 0 || total <= 0 || lesionsLeft <= 0) return null;
  const perLesionS = (elapsedS * total) / done;
  return perLesionS * lesionsLeft - elapsedS;
}

/** "40 s", "12 min", "3.5 h". */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
