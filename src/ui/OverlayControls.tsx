import { cssRgb, OVERLAY_RGB } from './overlays';
import { useApp, type OverlaySettings } from './store';
import { currentExplanation } from './explainActions';
import { applyBrain, currentBrain, growBrain, revertBrain, setBrainTool } from './brainActions';

export function OverlayControls() {
  const overlay = useApp((s) => s.overlay);
  const hasResult = useApp((s) => !!s.analysis);
  const threshold = useApp((s) => s.saliencyThreshold);
  const showsSaliency = useApp((s) => !!currentExplanation(s) || !!s.partialSaliency);
  const hasBrain = useApp((s) => !!currentBrain(s));
  const brainEdited = useApp((s) => !!s.brainEdit);
  const brainTool = useApp((s) => s.brainTool);
  const busy = useApp((s) => !!s.job);
  const hasMissed = useApp((s) => !!s.analysis?.groundTruth?.missed.length);
  const maskShown = useApp((s) => !!s.scan?.mask && s.showMask);
  if (!hasResult) return null;
  const set = (change: Partial<OverlaySettings>) => useApp.setState((s) => ({ overlay: { ...s.overlay, ...change } }));
  return (
    <section className="panel" aria-label="Overlays">
      <h3>Overlays</h3>
      <div className="row">
        <label title={showsSaliency ? 'Lesion fills are left out while a saliency map is shown (they would cover it); the outlines stay' : 'Fill each lesion in its colour'}>
          <input type="checkbox" checked={overlay.labels} disabled={showsSaliency} onChange={(e) => set({ labels: e.target.checked })} /> Lesions
        </label>
        <label>
          <input type="checkbox" checked={overlay.outlines} onChange={(e) => set({ outlines: e.target.checked })} /> Outlines
        </label>
        <label>
          <input type="checkbox" checked={overlay.probability} onChange={(e) => set({ probability: e.target.checked })} /> Probability
        </label>
        {hasBrain && (
          <label title="Outline of the brain extracted from the scan (its skull and scalp were not segmented)">
            <input type="checkbox" checked={overlay.brain} onChange={(e) => set({ brain: e.target.checked })} /> Brain
          </label>
        )}
      </div>
      <div className="legend" data-testid="overlay-legend" aria-label="What the overlay colours mean">
        <span>
          <i className="swatch lesions" /> lesion found (a colour each)
        </span>
        <span>
          <i className="swatch ring" style={{ borderColor: cssRgb(OVERLAY_RGB.selected) }} /> selected{showsSaliency ? ': outlined just outside, so its map shows' : ''}
        </span>
        {hasMissed && (
          <span>
            <i className="swatch ring" style={{ borderColor: cssRgb(OVERLAY_RGB.missed) }} /> missed: in the ground truth, not found
          </span>
        )}
        {maskShown && (
          <span>
            <i className="swatch" style={{ background: cssRgb(OVERLAY_RGB.groundTruth) }} /> ground truth (G){showsSaliency ? ', an outline over a map' : ''}
          </span>
        )}
        {hasBrain && overlay.brain && (
          <span>
            <i className="swatch ring" style={{ borderColor: cssRgb(OVERLAY_RGB.brain) }} /> brain
          </span>
        )}
      </div>
      {hasBrain && overlay.brain && (
        <div className="row" role="group" aria-label="Correct the brain">
          <span title="Correct the extracted brain, then find lesions again with it">Brain:</span>
          <button onClick={() => growBrain(1)} disabled={brainTool !== 'off'} title="Add a 1 mm layer around the brain">
            Grow 1 mm
          </button>
          <button onClick={() => growBrain(-1)} disabled={brainTool !== 'off'} title="Remove a 1 mm layer from the brain's surface">
            Shrink 1 mm
          </button>
          <button aria-pressed={brainTool === 'paint'} onClick={() => setBrainTool(brainTool === 'paint' ? 'off' : 'paint')} title="Left-drag in a slice adds to the brain; click again to finish">
            {brainTool === 'paint' ? 'Done painting' : 'Paint'}
          </button>
          <button aria-pressed={brainTool === 'erase'} onClick={() => setBrainTool(brainTool === 'erase' ? 'off' : 'erase')} title="Left-drag in a slice removes from the brain; click again to finish">
            {brainTool === 'erase' ? 'Done erasing' : 'Erase'}
          </button>
          {brainEdited && (
            <>
              <button className="primary" onClick={applyBrain} disabled={brainTool !== 'off' || busy} title="Find lesions again inside the corrected brain">
                Apply: find lesions again
              </button>
              <button onClick={revertBrain} title="Drop the correction">
                Revert
              </button>
              <span className="hint" data-testid="brain-edited">
                corrected, not applied yet
              </span>
            </>
          )}
        </div>
      )}
      <label>
        Opacity{' '}
        <input aria-label="Overlay opacity" type="range" min={0} max={1} step={0.05} value={overlay.opacity} onChange={(e) => set({ opacity: +e.target.value })} />
      </label>
      {showsSaliency && (
        <label title="Saliency below this share of the map's largest |value| is transparent (symmetric for negative values)">
          Saliency threshold{' '}
          <input
            aria-label="Saliency threshold"
            type="range"
            min={0}
            max={0.9}
            step={0.05}
            value={threshold}
            onChange={(e) => useApp.setState({ saliencyThreshold: +e.target.value })}
          />{' '}
          {(100 * threshold).toFixed(0)} % of max
        </label>
      )}
    </section>
  );
}
