import { useMemo } from 'react';
import { useApp, type Selection } from './store';
import { CONTEXT_RADII_MM, currentExplanation, explainSelected, explanationKey, lesionKey, runContextExperiment, updateExplainSettings } from './explainActions';
import { selectedMeasures } from './segmentationActions';
import { compareMaps, EXPLAIN_METHODS, methodById } from '../core/xai';
import { ExplanationPlots } from './ExplanationPlots';
import { Choice } from './Choice';

const METHODS = EXPLAIN_METHODS.map((m) => [m.id, m.title] as const);
const CROPS: ['exact' | 'fast', string][] = [
  ['exact', 'exact'],
  ['fast', 'fast'],
];
const f3 = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : '–');
const pct = (v: number) => `${(100 * v).toFixed(0)} %`;

export function ExplainPanel() {
  const s = useApp();
  if (!s.analysis) return null;
  const e = currentExplanation(s);
  const settings = s.explainSettings;
  const q = e?.data.quantities;
  const lesion = selectedMeasures();
  const explaining = s.job?.kind === 'explain' ? s.job : null;
  return (
    <section className="panel" aria-label="Explanation">
      <h3>Why this lesion?</h3>
      {s.selection && lesion && (
        <p className="hint" data-testid="explaining">
          {lesionName(s.selection)} · {lesion.volumeMm3.toFixed(0)} mm³ · at {lesion.centroidMm.map((c) => c.toFixed(0)).join(', ')} mm
          {lesion.detection ? ` · ${lesion.detection}` : ''}
        </p>
      )}
      {explaining && (
        <div className="job" data-testid="explain-progress">
          {explaining.stage} {explaining.total > 1 ? `${explaining.done} / ${explaining.total}` : ''}
          <progress max={explaining.total} value={explaining.done} aria-label="Explanation progress" />
        </div>
      )}
      <div className="row">
        <Choice label="Method" value={settings.method} options={METHODS} onChange={(method) => updateExplainSettings({ method })} />
        {methodById(settings.method).usesNoise && (
          <label title="Noise samples N">
            N{' '}
            <input
              aria-label="Noise samples"
              type="number"
              min={1}
              max={500}
              value={settings.samples}
              onChange={(ev) => updateExplainSettings({ samples: Math.max(1, Math.round(+ev.target.value)) })}
            />
          </label>
        )}
        <Choice
          label="Crop"
          title="exact: lesion box plus the full receptive field (equals the uncropped result); for a model that depends on the whole window (instance norm, attention), the blended sliding windows the segmentation used. fast: the effective receptive field, or one model window centred on the lesion"
          value={settings.cropMode}
          options={CROPS}
          onChange={(cropMode) => updateExplainSettings({ cropMode })}
        />
      </div>
      {!s.selection && <p className="hint">Select a lesion (click it, or a table row) to see what drove the model.</p>}
      {s.selection && !e && !s.job && (
        <button className="primary" onClick={() => explainSelected()}>
          Explain
        </button>
      )}
      {e && (
        <div data-testid="explanation">
          {e.data.channels.length > 1 && (
            <div className="row">
              Map{' '}
              {e.data.channels.map((c, i) => (
                <label key={c}>
                  <input type="radio" name="saliency-channel" checked={s.saliencyChannel === i} onChange={() => useApp.setState({ saliencyChannel: i })} /> {c}
                </label>
              ))}
            </div>
          )}
          {q && (
            <table className="numbers">
              <tbody>
                <tr>
                  <th title="the largest signed SmoothGrad value inside the lesion, per channel: the strongest push towards 'lesion' (each channel has its own peak)">peak saliency FLAIR</th>
                  <td data-testid="peak-flair">{Number.isNaN(q.flairPeak) ? 'no FLAIR channel' : f3(q.flairPeak)}</td>
                  <th>T1</th>
                  <td>{Number.isNaN(q.mpragePeak) ? 'no T1 channel' : f3(q.mpragePeak)}</td>
                </tr>
                <tr>
                  <th title="the largest absolute value inside the lesion over both channels, positive or negative">max |saliency|</th>
                  <td>{f3(q.maxAbs)}</td>
                  <th></th>
                  <td></td>
                </tr>
                {e.data.channels.length > 1 ? (
                  <tr>
                    <th title="FLAIR's part of the summed |saliency| of both channels: a channel can hold the single highest peak and still the smaller share">FLAIR share, lesion</th>
                    <td data-testid="flair-share">{pct(q.flairShareLesion)}</td>
                    <th>within {q.neighbourhoodMm} mm</th>
                    <td>{pct(q.flairShareNeighbourhood)}</td>
                  </tr>
                ) : (
                  <tr>
                    <th>channel share</th>
                    <td data-testid="flair-share" colSpan={3}>one channel ({e.data.channels[0]}): no share to compare</td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
          {q && (
            <ExplanationPlots q={q} channels={e.data.channels} />
          )}
          {q && (
            <details>
              <summary>Shell means as numbers</summary>
            <table className="numbers shells" aria-label="Mean saliency by distance from the lesion border">
              <thead>
                <tr>
                  <th title="signed distance from the lesion border: inside negative, outside positive">mm from border</th>
                  {e.data.channels.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {q.shells.map((sh) => (
                  <tr key={sh.shellMm}>
                    <th>{sh.shellMm > 0 ? `+${sh.shellMm}` : sh.shellMm}</th>
                    {e.data.channels.map((c, ci) => (
                      <td key={c} className={sh.means[ci] > 0 ? 'pos' : sh.means[ci] < 0 ? 'neg' : ''}>
                        {f3(sh.means[ci])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            </details>
          )}
          {q && (
            <p className="hint" data-testid="saliency-definitions">
              Peak: the largest value inside the lesion, per channel. Share: each channel's part of the summed |saliency|; one
              channel can have the higher peak and the smaller share.
            </p>
          )}
          {!methodById(e.data.settings.method).signed && <CamReading provenance={e.data.provenance} />}
          {e.data.settings.cropMode === 'fast' && <FastCropFidelity />}
          <ContextExperiment />
          <p className="hint">
            {e.data.exact ? '' : 'Approximate: '}
            {e.data.note}. {e.data.seconds.toFixed(1)} s
            {methodById(e.data.settings.method).usesNoise && `, seed ${e.data.settings.seed}, N ${e.data.settings.samples}`}.
            {methodById(e.data.settings.method).signed ? ' Signed, not normalised: the values are the result.' : ' Map scaled to [0, 1], high = important.'}
          </p>
        </div>
      )}
    </section>
  );
}

const lesionName = (sel: Selection) => (sel.kind === 'predicted' ? `Lesion ${sel.id}` : `Missed lesion GT ${sel.id}`);

/** What a Grad-CAM++ map on screen is, so that its blocks and its brightest edge are not taken for a rendering fault. */
function CamReading({ provenance }: { provenance: Record<string, number | string | null> }) {
  const margin = provenance.validMarginVoxels;
  return (
    <p className="hint" data-testid="cam-reading">
      This map is computed at the resolution of the model layer {String(provenance.layer ?? '')}, coarser than the scan, so it looks blocky; it
      covers only the box around the lesion shown{margin !== null && margin !== undefined ? ` (kept within ${margin} voxels of the lesion, where it equals the whole-volume map)` : ''},
      scaled to its own maximum there. By the method's definition the map can be highest away from the lesion (on the whole brain it peaked
      25-110 mm away on our demo): it says which regions of the layer's features raise this lesion's score, not a voxel-by-voxel saliency.
    </p>
  );
}

/** The context experiment: how much of the lesion's surroundings the model needs to still detect it. */
function ContextExperiment() {
  const s = useApp();
  if (!s.selection) return null;
  const r = s.contextResults[lesionKey(s.selection, s)];
  const max = CONTEXT_RADII_MM[CONTEXT_RADII_MM.length - 1];
  if (!r)
    return (
      <div className="row">
        <button onClick={() => runContextExperiment()} disabled={!!s.job} data-testid="context-run" title={`Re-runs the model with only 0 to ${max} mm of the lesion's surroundings kept (the rest set to the brain mean)`}>
          How much context does it need?
        </button>
      </div>
    );
  return (
    <div className="context" data-testid="context-result">
      {r.minimalContextMm === null
        ? `Not detected with up to ${max} mm of surroundings kept: the model relies on wider context.`
        : `Still detected with ${r.minimalContextMm} mm of surroundings kept (and with every wider margin tried).`}
      <div className="context-steps" aria-label="Detection by kept context radius">
        {r.steps.map((st) => (
          <span key={st.radiusMm} className={st.detected ? 'detected' : 'missed'} title={`${st.radiusMm} mm: ${st.detected ? `detected (${st.overlapVoxels} voxels overlap)` : 'not detected'}`}>
            {st.radiusMm}
          </span>
        ))}
      </div>
    </div>
  );
}

const FIDELITY_MARGIN_VOXELS = 5;

/** How far the fast crop's map is from the exact one for this lesion (near the lesion), once both exist. */
function FastCropFidelity() {
  const s = useApp();
  const fast = currentExplanation(s);
  const exactSettings = { ...s.explainSettings, cropMode: 'exact' as const };
  const exact = s.selection ? s.explanations[explanationKey(s.selection, s, exactSettings)] : undefined;
  const lesion = selectedMeasures();
  const dims = s.scan?.flair.dims;
  // pastes two whole-volume maps: once per pair of results, not on every crosshair move
  const f = useMemo(() => {
    if (!fast || !exact || !lesion || !dims) return null;
    const [nx, ny] = dims;
    const near = (v: number) => {
      const xyz = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
      return xyz.every((c, a) => c >= lesion.bboxMin[a] - FIDELITY_MARGIN_VOXELS && c <= lesion.bboxMax[a] + FIDELITY_MARGIN_VOXELS);
    };
    return compareMaps(exact.data.maps[0], exact.data.crop, fast.data.maps[0], fast.data.crop, dims, near);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the lesion follows the two results' keys
  }, [fast, exact, dims]);
  if (!fast || !lesion) return null;
  if (!f)
    return (
      <button onClick={() => explainSelected(exactSettings)} disabled={!!s.job} data-testid="fidelity-run" title="Computes the exact-crop map too and compares the two near the lesion">
        Measure the fast crop against the exact one
      </button>
    );
  return (
    <p className="hint" data-testid="fidelity">
      Fast vs exact crop, {fast.data.channels[0]} map within {FIDELITY_MARGIN_VOXELS} voxels of the lesion box: correlation {f.correlation.toFixed(4)}, relative
      error {f.relativeError.toExponential(1)} ({f.voxels} voxels).
    </p>
  );
}
