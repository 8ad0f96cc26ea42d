import { useApp } from './store';
import { currentExplanation } from './explainActions';
import { shownSaliencyLegend } from './exportActions';
import { GRADCAM_SEQUENTIAL, SALIENCY_NEGATIVE, SALIENCY_POSITIVE, cssGradient } from './colourMaps';

const num = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 1000 || Math.abs(v) < 0.01 ? v.toExponential(1) : v.toPrecision(2));

/** The colour bar of the saliency overlay, with its scale, threshold and units (drawn over the viewer). */
export function SaliencyColourBar() {
  const explanation = useApp((s) => currentExplanation(s));
  const partial = useApp((s) => s.partialSaliency);
  // re-render when the shown channel or the threshold changes
  useApp((s) => s.saliencyChannel);
  useApp((s) => s.saliencyThreshold);
  // the same legend the exported PNG burns in
  const legend = shownSaliencyLegend();
  if (!legend) return null;
  return (
    <div className="colourbar" data-testid="saliency-colourbar" aria-label={`${legend.title} colour bar`}>
      <div className="colourbar-title">
        {legend.title}
        {partial && !explanation ? ' (running mean, sharpening)' : ''}
      </div>
      <div className="colourbar-strip">
        {legend.signed && <div className="ramp" style={{ background: cssGradient(SALIENCY_NEGATIVE, true) }} />}
        {legend.signed && <div className="gap" title="transparent: |value| below the threshold" />}
        <div className="ramp" style={{ background: cssGradient(legend.signed ? SALIENCY_POSITIVE : GRADCAM_SEQUENTIAL) }} />
      </div>
      <div className="colourbar-ticks">
        {legend.signed && <span>{num(-legend.maxAbs)}</span>}
        {legend.signed && <span>{num(-legend.thresholdAbs)}</span>}
        <span>{legend.signed ? `+${num(legend.thresholdAbs)}` : num(legend.thresholdAbs)}</span>
        <span>{legend.signed ? `+${num(legend.maxAbs)}` : num(legend.maxAbs)}</span>
      </div>
      <div className="colourbar-unit">{legend.unit}</div>
    </div>
  );
}
