import { useApp } from './store';
import { currentExplanation } from './explainActions';
import { mapValueAt } from '../core/xai';

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** The crosshair's voxel and mm position and the intensities under it. */
export function StatusBar() {
  const c = useApp((s) => s.crosshair);
  const info = useApp((s) => s.caseInfo);
  const explanation = useApp((s) => currentExplanation(s));
  const channel = useApp((s) => s.saliencyChannel);
  if (!c || !info) return <div className="statusbar" data-testid="statusbar" />;
  return (
    <div className="statusbar" data-testid="statusbar">
      <span title="voxel indices (i, j, k) on the FLAIR grid">
        voxel {c.vox.join(', ')}
      </span>
      <span title="world coordinates in mm (RAS)">{c.mm.map((v) => v.toFixed(1)).join(', ')} mm</span>
      <span>FLAIR {fmt(c.flair)}</span>
      <span>MPRAGE {fmt(c.mprage)}</span>
      {explanation && (
        <span data-testid="saliency-readout" title="explanation map value at the crosshair">
          {explanation.data.channels[Math.min(channel, explanation.data.channels.length - 1)]} saliency{' '}
          {fmt(mapValueAt(explanation.data, Math.min(channel, explanation.data.maps.length - 1), c.vox))}
        </span>
      )}
      {c.mask !== undefined && <span>ground truth {c.mask > 0 ? 'lesion' : '–'}</span>}
    </div>
  );
}
