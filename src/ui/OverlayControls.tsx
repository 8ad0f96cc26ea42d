import { useApp, type OverlaySettings } from './store';
import { currentExplanation } from './explainActions';

export function OverlayControls() {
  const overlay = useApp((s) => s.overlay);
  const hasResult = useApp((s) => !!s.analysis);
  const threshold = useApp((s) => s.saliencyThreshold);
  const showsSaliency = useApp((s) => !!currentExplanation(s) || !!s.partialSaliency);
  const hasBrain = useApp((s) => !!s.segmentation?.brainMask);
  if (!hasResult) return null;
  const set = (change: Partial<OverlaySettings>) => useApp.setState((s) => ({ overlay: { ...s.overlay, ...change } }));
  return (
    <section className="panel" aria-label="Overlays">
      <h3>Overlays</h3>
      <div className="row">
        <label>
          <input type="checkbox" checked={overlay.labels} onChange={(e) => set({ labels: e.target.checked })} /> Lesions
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
