import { useMemo } from 'react';
import type uPlot from 'uplot';
import { scanRoleOf } from '../core/model';
import type { LesionSaliency } from '../core/xai';
import { Chart } from './Chart';
import { useApp } from './store';
import { cachedQuantities } from './explainActions';

const FLAIR_COLOUR = '#ff9f43';
const MPRAGE_COLOUR = '#54a0ff';
const AXIS = { stroke: '#9fb3c8', grid: { stroke: '#2c333d', width: 1 }, ticks: { stroke: '#2c333d' } };
// saliency values are small (1e-4 .. 1e-1): our own range (0 always in it) and five ticks with two significant
// digits; uPlot's own picked one tick ("0") on the demo's values
const Y_AXIS: uPlot.Axis = {
  ...AXIS,
  size: 64,
  splits: (_u, _i, min, max) => Array.from({ length: 5 }, (_, k) => min + ((max - min) * k) / 4),
  values: (_u, splits) => splits.map((v) => (Math.abs(v) < 1e-12 ? '0' : v.toPrecision(2))),
};
const Y_RANGE: uPlot.Scale.Range = (_u, min, max) => {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const pad = (hi - lo) * 0.08 || 1e-6;
  return [lo - pad, hi + pad];
};
/** The legend names the series with their colours; values under the cursor ("--" until it moves) are not shown. */
const LEGEND: uPlot.Legend = { live: false };
/** What a saliency value is (method.md): the change of the lesion's logit (per lesion voxel) per unit of z-scored input intensity. */
const SALIENCY_UNIT = 'dS/dx per z-score unit';

/** Mean saliency by signed distance from the lesion border, per channel (method.md's shell profile). */
function ShellPlot({ q, channels }: { q: LesionSaliency; channels: string[] }) {
  const { options, data } = useMemo(() => {
    const x = q.shells.map((s) => s.shellMm);
    const series: uPlot.Series[] = [{ label: 'mm from border' }];
    const ys = channels.map((c, i) => {
      series.push({ label: c, stroke: scanRoleOf(c) === 'flair' ? FLAIR_COLOUR : MPRAGE_COLOUR, width: 2, points: { size: 4 } });
      return q.shells.map((s) => s.means[i]);
    });
    const options: Omit<uPlot.Options, 'width'> = {
      title: 'Mean saliency by distance from the border',
      height: 190,
      scales: { x: { time: false }, y: { range: Y_RANGE } },
      axes: [{ ...AXIS, label: 'mm from border (inside < 0 < outside)' }, { ...Y_AXIS, label: `mean saliency (${SALIENCY_UNIT})` }],
      legend: LEGEND,
      series,
    };
    return { options, data: [x, ...ys] as uPlot.AlignedData };
  }, [q, channels]);
  return <Chart options={options} data={data} label="Shell profile: mean saliency by distance from the lesion border" />;
}

/** Where this lesion's peak FLAIR saliency sits among all lesions of the case (ranked), with the review threshold. */
function PeakRankPlot({ peaks, selectedId, reviewThreshold }: { peaks: { id: number; peak: number }[]; selectedId: number | null; reviewThreshold: number | null }) {
  const { options, data } = useMemo(() => {
    const sorted = [...peaks].sort((a, b) => a.peak - b.peak);
    const x = sorted.map((_, i) => i + 1);
    const all = sorted.map((p) => p.peak);
    const mine = sorted.map((p) => (p.id === selectedId ? p.peak : null));
    const series: uPlot.Series[] = [
      { label: 'rank' },
      { label: 'lesions', stroke: '#9fb3c8', width: 0, points: { show: true, size: 5, fill: '#9fb3c8' } },
      { label: 'this lesion', stroke: '#ffe600', width: 0, points: { show: true, size: 10, fill: '#ffe600' } },
    ];
    const ys: (number | null)[][] = [all, mine];
    if (reviewThreshold !== null) {
      series.push({ label: 'review below', stroke: '#f0b860', dash: [4, 4], width: 1, points: { show: false } });
      ys.push(x.map(() => reviewThreshold));
    }
    const options: Omit<uPlot.Options, 'width'> = {
      title: 'Peak FLAIR saliency among the case’s lesions',
      height: 170,
      scales: { x: { time: false }, y: { range: Y_RANGE } },
      axes: [{ ...AXIS, label: 'lesions ranked by peak' }, { ...Y_AXIS, label: `peak (${SALIENCY_UNIT})` }],
      legend: LEGEND,
      series,
    };
    return { options, data: [x, ...ys] as uPlot.AlignedData };
  }, [peaks, selectedId, reviewThreshold]);
  return <Chart options={options} data={data} label="Peak FLAIR saliency of this lesion among all lesions" />;
}

/** Each channel's share of |saliency| (FLAIR vs the T1, in the model's channel order), in the lesion and in its
 * neighbourhood, as stacked bars. */
function ShareBars({ q, channels }: { q: LesionSaliency; channels: string[] }) {
  const colour = (c: string) => (scanRoleOf(c) === 'flair' ? FLAIR_COLOUR : MPRAGE_COLOUR);
  const bar = (label: string, share: number[]) => (
    <div className="share-row" key={label}>
      <span className="share-label">{label}</span>
      <div className="share-bar" role="img" aria-label={`${label}: ${channels.map((c, i) => `${c} ${(100 * share[i]).toFixed(0)} %`).join(', ')}`}>
        {channels.map((c, i) => (
          <div key={c} style={{ width: `${100 * share[i]}%`, background: colour(c) }}>
            {i === 0 ? `${c} ` : ''}
            {(100 * share[i]).toFixed(0)} %
          </div>
        ))}
      </div>
    </div>
  );
  return (
    <div className="shares">
      {bar('lesion', q.shareLesion)}
      {bar(`0–${q.neighbourhoodMm} mm around`, q.shareNeighbourhood)}
    </div>
  );
}

export function ExplanationPlots({ q, channels }: { q: LesionSaliency; channels: string[] }) {
  const explanations = useApp((s) => s.explanations);
  const analysis = useApp((s) => s.analysis);
  const selectedId = useApp((s) => (s.selection?.kind === 'predicted' ? s.selection.id : null));
  const reviewThreshold = useApp((s) => s.models.find((m) => m.name === s.segmentation?.modelName)?.review?.threshold ?? null);
  // the peaks known so far (the background precompute fills them in)
  const peaks = useMemo(
    () =>
      (analysis?.lesions ?? []).flatMap((l) => {
        const lq = cachedQuantities(l.lesionId, { ...useApp.getState(), explanations });
        return lq ? [{ id: l.lesionId, peak: lq.flairPeak }] : [];
      }),
    [analysis, explanations],
  );
  return (
    <div className="plots" data-testid="explanation-plots">
      {channels.length > 1 && <ShareBars q={q} channels={channels} />}
      <ShellPlot q={q} channels={channels} />
      {peaks.length > 1 && <PeakRankPlot peaks={peaks} selectedId={selectedId} reviewThreshold={reviewThreshold} />}
    </div>
  );
}
