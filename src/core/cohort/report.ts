// The paper's cohort analyses over every scan's stats TSV and sidecar: FLAIR vs MPRAGE share, the sign of the
// saliency inside the lesion and in shells around it, peak saliency of true vs false detections, and lesion-wise
// detection. Pure: the command line reads the files and writes the TSV and the HTML this returns.
import { toTsv } from '../export';
import { binomialTest, mannWhitneyU, rocCurve, type MannWhitney } from './stats';

/** One scan as the run wrote it: its stats TSV rows (column -> text) and its sidecar's LesionLens part. */
export interface ScanRecord {
  stem: string;
  rows: Record<string, string>[];
  sidecar: {
    lesions: number;
    model: { name: string };
    explain: { method: string; explained: number[] };
    groundTruth: null | {
      dice: number;
      nDsc: number;
      lesionwise: { nGt: number; nPred: number; detectedGt: number; falsePred: number };
    };
  };
}

export interface Statistic {
  finding: string;
  measure: string;
  value: number;
  n: number;
  /** a two-sided p value where the measure is a test */
  p: number | null;
  note: string;
}

export const SHELLS_REPORTED_MM = [-3, -2, -1, 1, 2, 3, 4, 5] as const;

export interface ShellSummary {
  shellMm: number;
  /** mean over lesions of the lesion's mean saliency in the shell, FLAIR and MPRAGE */
  mean: [number, number];
  /** lesions with FLAIR saliency above 0 in the shell, of n */
  positive: number;
  n: number;
}

export interface CohortReport {
  scans: number;
  lesions: number;
  explained: number;
  models: string[];
  methods: string[];
  stats: Statistic[];
  shareLesion: number[];
  shareRing: number[];
  shells: ShellSummary[];
  peaks: { tp: number[]; fp: number[]; test: MannWhitney | null; roc: [number, number][] };
  perScan: { stem: string; lesions: number; explained: number; dice: number | null; nDsc: number | null }[];
}

const num = (v: string | undefined) => (v === undefined || v === 'n/a' || v === '' ? NaN : Number(v));
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const shellColumn = (channel: 'flair' | 'mprage', mm: number) => `${channel}_mean_shell_${mm < 0 ? mm : `+${mm}`}mm`;

export function cohortReport(scans: readonly ScanRecord[]): CohortReport {
  const predicted = scans.flatMap((s) => s.rows.filter((r) => r.kind === 'predicted'));
  // lesions with signed per-channel maps (SmoothGrad): the quantities exist
  const explained = predicted.filter((r) => Number.isFinite(num(r.peak_saliency_flair)));
  const stats: Statistic[] = [];
  const add = (finding: string, measure: string, value: number, n: number, p: number | null = null, note = '') => stats.push({ finding, measure, value, n, p, note });

  const shareLesion = explained.map((r) => num(r.flair_share_lesion)).filter(Number.isFinite);
  const shareRing = explained.map((r) => num(r.flair_share_neighbourhood)).filter(Number.isFinite);
  for (const [where, xs] of [['lesion', shareLesion], ['5 mm ring', shareRing]] as const) {
    const above = xs.filter((x) => x > 0.5).length;
    add('FLAIR vs MPRAGE', `mean FLAIR share of |saliency|, ${where}`, mean(xs), xs.length);
    add('FLAIR vs MPRAGE', `median FLAIR share, ${where}`, median(xs), xs.length);
    add('FLAIR vs MPRAGE', `lesions with FLAIR share > 0.5, ${where}`, xs.length ? above / xs.length : NaN, xs.length, binomialTest(above, xs.length), 'exact binomial test against one half');
  }

  const shells: ShellSummary[] = SHELLS_REPORTED_MM.map((mm) => {
    const flair = explained.map((r) => num(r[shellColumn('flair', mm)])).filter(Number.isFinite);
    const mprage = explained.map((r) => num(r[shellColumn('mprage', mm)])).filter(Number.isFinite);
    const positive = flair.filter((x) => x > 0).length;
    const where = mm < 0 ? `${-mm - 1}-${-mm} mm inside` : `${mm - 1}-${mm} mm outside`;
    add('Sign by distance', `mean FLAIR saliency, ${where}`, mean(flair), flair.length);
    add('Sign by distance', `lesions with positive FLAIR saliency, ${where}`, flair.length ? positive / flair.length : NaN, flair.length, binomialTest(positive, flair.length), 'exact binomial test against one half');
    return { shellMm: mm, mean: [mean(flair), mean(mprage)], positive, n: flair.length };
  });

  const peakOf = (d: string) => explained.filter((r) => r.detection === d).map((r) => num(r.peak_saliency_flair));
  const tp = peakOf('TP');
  const fp = peakOf('FP');
  const test = tp.length && fp.length ? mannWhitneyU(tp, fp) : null;
  if (test) {
    add('Peak saliency, TP vs FP', 'median peak FLAIR saliency, true positives', median(tp), tp.length);
    add('Peak saliency, TP vs FP', 'median peak FLAIR saliency, false positives', median(fp), fp.length);
    add('Peak saliency, TP vs FP', 'Mann-Whitney U', test.u, tp.length + fp.length, test.p, `${test.method}; two-sided`);
    add('Peak saliency, TP vs FP', 'ROC AUC (peak saliency separating TP from FP)', test.auc, tp.length + fp.length);
  }

  const withGt = scans.filter((s) => s.sidecar.groundTruth);
  if (withGt.length) {
    const lw = withGt.map((s) => s.sidecar.groundTruth!.lesionwise);
    const sum = (f: (x: (typeof lw)[number]) => number) => lw.reduce((a, x) => a + f(x), 0);
    const tpr = sum((x) => x.detectedGt) / sum((x) => x.nGt);
    const fdr = sum((x) => x.falsePred) / sum((x) => x.nPred);
    add('Detection', 'lesion-wise TPR (pooled, IoU >= 0.25)', tpr, sum((x) => x.nGt));
    add('Detection', 'lesion-wise FDR (pooled)', fdr, sum((x) => x.nPred));
    add('Detection', 'lesion-wise F1 (pooled)', (2 * tpr * (1 - fdr)) / (tpr + 1 - fdr), withGt.length);
    add('Detection', 'mean nDSC over scans', mean(withGt.map((s) => s.sidecar.groundTruth!.nDsc)), withGt.length);
    add('Detection', 'mean Dice over scans', mean(withGt.map((s) => s.sidecar.groundTruth!.dice)), withGt.length);
  }

  return {
    scans: scans.length,
    lesions: predicted.length,
    explained: explained.length,
    models: [...new Set(scans.map((s) => s.sidecar.model.name))],
    methods: [...new Set(scans.map((s) => s.sidecar.explain.method))],
    stats,
    shareLesion,
    shareRing,
    shells,
    peaks: { tp, fp, test, roc: test ? rocCurve(tp, fp) : [] },
    perScan: scans.map((s) => ({
      stem: s.stem,
      lesions: s.sidecar.lesions,
      explained: s.sidecar.explain.explained.length,
      dice: s.sidecar.groundTruth?.dice ?? null,
      nDsc: s.sidecar.groundTruth?.nDsc ?? null,
    })),
  };
}

export function statisticsTsv(r: CohortReport): string {
  return toTsv(['finding', 'measure', 'value', 'n', 'p', 'note'], r.stats.map((s) => [s.finding, s.measure, s.value, s.n, s.p, s.note]));
}

// ---- the HTML report: inline SVG, no script, nothing fetched (readable offline, and under any CSP) ----

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number | null) => (v === null || !Number.isFinite(v) ? 'n/a' : Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(3));

interface Axes {
  w: number;
  h: number;
  x: (v: number) => number;
  y: (v: number) => number;
}
function axes(xLo: number, xHi: number, yLo: number, yHi: number, w = 420, h = 260, pad = 44): Axes {
  const sx = (w - 2 * pad) / (xHi - xLo || 1);
  const sy = (h - 2 * pad) / (yHi - yLo || 1);
  return { w, h, x: (v) => pad + (v - xLo) * sx, y: (v) => h - pad - (v - yLo) * sy };
}
function frame(a: Axes, xLabel: string, yLabel: string, xTicks: number[], yTicks: number[], body: string): string {
  const ticks = [
    ...xTicks.map((t) => `<text x="${a.x(t)}" y="${a.h - 28}" text-anchor="middle">${fmt(t).replace(/\.?0+$/, '') || '0'}</text>`),
    ...yTicks.map((t) => `<text x="38" y="${a.y(t) + 4}" text-anchor="end">${fmt(t)}</text>`),
  ].join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${a.w}" height="${a.h}" font-size="11" font-family="sans-serif">
<rect x="44" y="44" width="${a.w - 88}" height="${a.h - 88}" fill="none" stroke="#999"/>${ticks}
<text x="${a.w / 2}" y="${a.h - 8}" text-anchor="middle">${esc(xLabel)}</text>
<text x="12" y="${a.h / 2}" text-anchor="middle" transform="rotate(-90 12 ${a.h / 2})">${esc(yLabel)}</text>${body}</svg>`;
}
const span = (xs: number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length ? [Math.min(...f), Math.max(...f)] : [0, 1];
};

function shareHistogram(xs: number[]): string {
  const bins = new Array(10).fill(0);
  for (const x of xs) bins[Math.min(9, Math.floor(x * 10))]++;
  const a = axes(0, 1, 0, Math.max(1, ...bins));
  const bars = bins.map((c, i) => `<rect x="${a.x(i / 10) + 1}" y="${a.y(c)}" width="${a.x(0.1) - a.x(0) - 2}" height="${a.y(0) - a.y(c)}" fill="#4a7bd0"/>`).join('');
  const half = `<line x1="${a.x(0.5)}" x2="${a.x(0.5)}" y1="${a.y(0)}" y2="${a.y(Math.max(1, ...bins))}" stroke="#c00" stroke-dasharray="4 3"/>`;
  return frame(a, 'FLAIR share of |saliency| in the lesion', 'lesions', [0, 0.25, 0.5, 0.75, 1], [0, Math.max(1, ...bins)], bars + half);
}

function shellPlot(shells: ShellSummary[]): string {
  const [lo, hi] = span(shells.flatMap((s) => s.mean));
  const yLo = Math.min(lo, 0);
  const yHi = Math.max(hi, 0);
  const a = axes(-3.5, 5.5, yLo, yHi);
  const line = (c: 0 | 1, colour: string) => {
    const pts = shells.filter((s) => Number.isFinite(s.mean[c])).map((s) => `${a.x(s.shellMm)},${a.y(s.mean[c])}`);
    return `<polyline points="${pts.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>` + pts.map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${colour}"/>`).join('');
  };
  const zero = `<line x1="${a.x(-3.5)}" x2="${a.x(5.5)}" y1="${a.y(0)}" y2="${a.y(0)}" stroke="#666"/><line x1="${a.x(0)}" x2="${a.x(0)}" y1="${a.y(yLo)}" y2="${a.y(yHi)}" stroke="#c00" stroke-dasharray="4 3"/>`;
  const legend = `<text x="60" y="36" fill="#4a7bd0">FLAIR</text><text x="110" y="36" fill="#d08a2a">MPRAGE</text><text x="${a.x(0) + 4}" y="56" fill="#c00">border</text>`;
  return frame(a, 'signed distance from the lesion border, mm (shell; negative: inside)', 'mean saliency', [-3, -1, 1, 3, 5], [yLo, 0, yHi], zero + line(0, '#4a7bd0') + line(1, '#d08a2a') + legend);
}

function peakPlot(tp: number[], fp: number[]): string {
  const [lo, hi] = span([...tp, ...fp]);
  const a = axes(0, 3, lo, hi === lo ? lo + 1 : hi);
  const dots = (xs: number[], at: number, colour: string) =>
    xs.map((v, i) => `<circle cx="${a.x(at) + ((i * 37) % 41) - 20}" cy="${a.y(v)}" r="3" fill="${colour}" fill-opacity="0.7"/>`).join('');
  const labels = `<text x="${a.x(1)}" y="36" text-anchor="middle">TP (${tp.length})</text><text x="${a.x(2)}" y="36" text-anchor="middle">FP (${fp.length})</text>`;
  return frame(a, 'detection', 'peak FLAIR saliency', [], [lo, hi], dots(tp, 1, '#2a9d4a') + dots(fp, 2, '#c0392b') + labels);
}

function rocPlot(roc: [number, number][], auc: number): string {
  const a = axes(0, 1, 0, 1, 260, 260);
  const pts = roc.map(([x, y]) => `${a.x(x)},${a.y(y)}`).join(' ');
  return frame(a, 'false-positive rate', 'true-positive rate', [0, 0.5, 1], [0, 0.5, 1],
    `<line x1="${a.x(0)}" y1="${a.y(0)}" x2="${a.x(1)}" y2="${a.y(1)}" stroke="#bbb" stroke-dasharray="4 3"/><polyline points="${pts}" fill="none" stroke="#333" stroke-width="2"/><text x="150" y="190">AUC ${fmt(auc)}</text>`);
}

export function reportHtml(r: CohortReport, title: string): string {
  const table = (rows: string[][], head: string[]) =>
    `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
  const statsOf = (finding: string) => table(r.stats.filter((s) => s.finding === finding).map((s) => [s.measure, fmt(s.value), String(s.n), s.p === null ? '' : fmt(s.p), s.note]), ['measure', 'value', 'n', 'p', 'note']);
  const section = (h: string, what: string, body: string) => `<section><h2>${esc(h)}</h2><p>${esc(what)}</p>${body}</section>`;
  const none = '<p class="none">Not enough explained lesions for this analysis.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;font-size:13px;text-align:left}section{margin:2em 0}.none{color:#888}.warn{background:#fff4d6;padding:.5em}</style></head>
<body><h1>${esc(title)}</h1>
<p class="warn">LesionLens models are research and demonstration models, not for clinical decisions.</p>
<p>${r.scans} scans, ${r.lesions} lesions found, ${r.explained} explained with signed per-channel maps. Models: ${esc(r.models.join(', '))}; methods: ${esc(r.methods.join(', '))}.</p>
${section('1. FLAIR vs MPRAGE', 'Share of the absolute saliency on FLAIR, within each lesion and in the 5 mm ring around it (the paper: models rely on FLAIR more than MPRAGE).', r.shareLesion.length ? shareHistogram(r.shareLesion) + statsOf('FLAIR vs MPRAGE') : none)}
${section('2. Sign inside and around the lesion', 'Mean saliency per 1 mm shell of signed distance from the lesion border (the paper: positive inside, negative around).', r.explained ? shellPlot(r.shells) + statsOf('Sign by distance') : none)}
${section('3. Peak saliency of true vs false detections', 'Peak FLAIR saliency within the lesion, for lesions that overlap the ground truth (TP) and those that do not (FP).', r.peaks.test ? peakPlot(r.peaks.tp, r.peaks.fp) + rocPlot(r.peaks.roc, r.peaks.test.auc) + statsOf('Peak saliency, TP vs FP') : '<p class="none">Needs explained true and false positives (a ground truth in the dataset, and --explain).</p>')}
${section('4. Lesion-wise detection', 'Against the ground truth, where the dataset has one.', r.stats.some((s) => s.finding === 'Detection') ? statsOf('Detection') : '<p class="none">No ground truth in the dataset.</p>')}
${section('Scans', '', table(r.perScan.map((s) => [s.stem, String(s.lesions), String(s.explained), fmt(s.dice), fmt(s.nDsc)]), ['scan', 'lesions', 'explained', 'Dice', 'nDSC']))}
</body></html>
`;
}
