import { useEffect } from 'react';
import { useApp, type LesionSortKey, type Selection } from './store';
import { currentTableOrder, select, updateInstanceSettings } from './segmentationActions';
import { DEFAULT_MAX_DROPPED_VOXELS, needsReview, type Connectivity, type ReviewCalibration } from '../core/lesions';
import { cachedQuantities, togglePrecompute } from './explainActions';
import { Choice } from './Choice';

const CONNECTIVITIES: [Connectivity, string][] = [
  [6, '6 (faces)'],
  [18, '18 (faces, edges)'],
  [26, '26 (all)'],
];

type SortKey = LesionSortKey;
/** Volumes: whole mm³ (a ".0" says nothing), one decimal under 10 mm³ where thick slices make fractions matter. */
const fmtVolume = (v: number) => v.toFixed(v < 10 ? 1 : 0);
const fmt2 = (v: number) => v.toFixed(2);

export function LesionPanel() {
  const analysis = useApp((s) => s.analysis);
  const settings = useApp((s) => s.instanceSettings);
  const selection = useApp((s) => s.selection);
  const sort = useApp((s) => s.lesionSort);
  const explanations = useApp((s) => s.explanations); // re-render as background results arrive
  const precompute = useApp((s) => s.precompute);
  const model = useApp((s) => s.models.find((m) => m.name === s.segmentation?.modelName) ?? null);
  const review = model?.review ?? null;
  const setSort = (lesionSort: { key: SortKey; desc: boolean }) => useApp.setState({ lesionSort });
  // a lesion picked in the viewer (or with N / P) brings its row into sight
  useEffect(() => {
    if (selection) document.querySelector(`[data-lesion="${selection.kind}-${selection.id}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selection]);
  if (!analysis) return null;
  const gt = analysis.groundTruth;
  const order = currentTableOrder({ ...useApp.getState(), explanations });
  const header = (key: SortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button className="link" onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : true })}>
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  const isSel = (o: Selection) => selection?.kind === o.kind && selection.id === o.id;
  return (
    <section className="panel lesions" aria-label="Lesions">
      <h3>
        Lesions <span data-testid="lesion-count">{analysis.lesions.length}</span>
      </h3>
      <div className="row settings">
        <label title="Lesion probability at or above which a voxel is lesion">
          Threshold{' '}
          <input
            aria-label="Threshold"
            type="range"
            min={0.05}
            max={0.95}
            step={0.05}
            value={settings.threshold}
            onChange={(e) => updateInstanceSettings({ threshold: +e.target.value })}
          />{' '}
          {settings.threshold.toFixed(2)}
        </label>
        <Choice
          label="Connectivity"
          title="Which neighbours join voxels into one lesion"
          value={settings.connectivity}
          options={CONNECTIVITIES}
          onChange={(connectivity) => updateInstanceSettings({ connectivity })}
        />
        <label
          title={`Lesions of this many voxels or fewer are dropped (${model?.title ?? 'this model'}'s default: ${model?.defaultMaxDroppedVoxels ?? DEFAULT_MAX_DROPPED_VOXELS}, chosen with its threshold on its validation cases; the paper: ${DEFAULT_MAX_DROPPED_VOXELS})`}
        >
          Drop ≤{' '}
          <input
            aria-label="Drop lesions up to voxels"
            type="number"
            min={0}
            max={1000}
            value={settings.maxDroppedVoxels}
            onChange={(e) => updateInstanceSettings({ maxDroppedVoxels: Math.max(0, Math.round(+e.target.value)) })}
          />{' '}
          voxels
        </label>
      </div>
      {gt && (
        <div className="gt-metrics" data-testid="gt-metrics">
          <span>Dice {fmt2(gt.dice)}</span>
          <span>
            nDSC <b data-testid="ndsc">{fmt2(gt.nDsc)}</b>
          </span>
          <span>TP {analysis.lesions.filter((l) => l.detection === 'TP').length}</span>
          <span>FP {analysis.lesions.filter((l) => l.detection === 'FP').length}</span>
          <span>FN {gt.missed.length}</span>
          <span title="lesion-wise, IoU ≥ 0.25">
            TPR {fmt2(gt.match.lesionwise.tpr)} · FDR {fmt2(gt.match.lesionwise.fdr)} · FNR {fmt2(gt.match.lesionwise.fnr)} · F1 {fmt2(gt.match.lesionwise.f1)}
          </span>
        </div>
      )}
      {precompute && (
        <div className="row precompute" data-testid="precompute">
          <span title="mean SmoothGrad of every lesion, computed in the background so a click shows its numbers at once">
            Saliency in background: {precompute.done} / {precompute.total} lesions
            {precompute.state === 'paused' ? ' (paused)' : precompute.state === 'done' ? ' (done)' : ''}
          </span>
          {precompute.state !== 'done' && (
            <button onClick={togglePrecompute} data-testid="precompute-toggle">
              {precompute.state === 'paused' ? 'Resume' : 'Pause'}
            </button>
          )}
          {precompute.why && (
            <span className="hint warn" data-testid="precompute-why">
              Paused by itself: {precompute.why}.
            </span>
          )}
        </div>
      )}
      <div className="table-wrap">
        <table data-testid="lesion-table">
          <thead>
            <tr>
              {header('lesionId', 'id')}
              {gt && <th title="against the ground truth: TP overlaps it, FP does not, FN is a ground-truth lesion not found">GT</th>}
              {header('volumeMm3', 'mm³')}
              <th>centroid (mm)</th>
              <th>box (voxels)</th>
              {header('meanProbability', 'mean p')}
              {header('maxProbability', 'max p')}
              {header('flairPeak', 'peak FLAIR')}
              <th title="FLAIR share of |saliency| within the lesion">FLAIR %</th>
              <th title={review ? `review: peak FLAIR saliency ${review.direction} ${review.threshold.toPrecision(3)}, the ${review.thresholdQuantile} quantile of true positives on ${review.cases} held-out cases, where false positives fell ${review.direction} (ROC AUC ${review.rocAuc.toFixed(2)}; mean SmoothGrad N ${review.samples})` : 'no review calibration for this model'}>
                flag
              </th>
            </tr>
          </thead>
          <tbody>
            {order.map((o) => {
              const l = o.kind === 'predicted' ? analysis.lesions[o.id - 1] : gt!.missed.find((m) => m.lesionId === o.id)!;
              const detection = o.kind === 'predicted' ? analysis.lesions[o.id - 1].detection : 'FN';
              return (
                <tr
                  key={`${o.kind}${o.id}`}
                  data-lesion={`${o.kind}-${o.id}`}
                  className={`${isSel(o) ? 'selected' : ''} ${detection ?? ''}`}
                  aria-selected={isSel(o)}
                  onClick={() => select(o)}
                >
                  <td>{o.kind === 'predicted' ? o.id : `GT ${o.id}`}</td>
                  {gt && <td className="detection">{detection}</td>}
                  <td data-col="volume">{fmtVolume(l.volumeMm3)}</td>
                  <td>{l.centroidMm.map((c) => c.toFixed(0)).join(', ')}</td>
                  <td>
                    {l.bboxMax[0] - l.bboxMin[0] + 1}×{l.bboxMax[1] - l.bboxMin[1] + 1}×{l.bboxMax[2] - l.bboxMin[2] + 1}
                  </td>
                  <td>{o.kind === 'predicted' ? fmt2(l.meanProbability) : '–'}</td>
                  <td>{o.kind === 'predicted' ? fmt2(l.maxProbability) : '–'}</td>
                  <SaliencyCells lesionId={o.kind === 'predicted' ? o.id : null} review={review} />
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="hint">Click a lesion in the table or in the viewer. Keys: N next, P previous lesion.</p>
    </section>
  );
}

/** Peak FLAIR saliency, FLAIR share and the review flag of a predicted lesion, once its mean SmoothGrad exists. */
function SaliencyCells({ lesionId, review }: { lesionId: number | null; review: ReviewCalibration | null }) {
  const q = lesionId === null ? null : cachedQuantities(lesionId);
  if (!q) return <td colSpan={3} className="pending">{lesionId === null ? '' : '…'}</td>;
  const flag = review && needsReview(q.flairPeak, review);
  return (
    <>
      <td data-col="peak-flair">{q.flairPeak.toPrecision(2)}</td>
      <td data-col="flair-share" title={q.shareLesion.length === 1 ? 'a one-channel model: no share to compare' : ''}>{q.shareLesion.length === 1 ? '1 ch' : Number.isNaN(q.flairShareLesion) ? '–' : (100 * q.flairShareLesion).toFixed(0)}</td>
      <td className={flag ? 'review' : ''} data-testid={flag ? 'review-flag' : undefined}>
        {flag ? 'review' : review ? '' : '–'}
      </td>
    </>
  );
}
