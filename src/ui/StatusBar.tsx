import { useApp } from './store';
import { currentExplanation } from './explainActions';
import { mapValueAt } from '../core/xai';
import { lesionAt } from '../core/lesions';
import { voxelIndex } from '../core/volume';
import { lesionOf } from './segmentationActions';

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** The crosshair's voxel and mm position, the intensities and the lesion under it (its id as in the table). */
export function StatusBar() {
  const c = useApp((s) => s.crosshair);
  const info = useApp((s) => s.caseInfo);
  const explanation = useApp((s) => currentExplanation(s));
  const channel = useApp((s) => s.saliencyChannel);
  const analysis = useApp((s) => s.analysis);
  const grid = useApp((s) => s.scan?.flair);
  if (!c || !info) return <div className="statusbar" data-testid="statusbar" />;
  const under = analysis && grid ? lesionAt(analysis, voxelIndex(grid, ...c.vox)) : null;
  const underLesion = lesionOf(analysis, under);
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
      {under && underLesion && (
        <span data-testid="lesion-readout" title="the lesion under the crosshair, as numbered in the lesion table">
          {under.kind === 'predicted' ? `lesion ${under.id}` : `missed lesion GT ${under.id}`}
          {'detection' in underLesion && underLesion.detection ? ` (${underLesion.detection})` : ''}, {Math.round(underLesion.volumeMm3)} mm³
        </span>
      )}
      {c.mask !== undefined && <span>ground truth {c.mask > 0 ? 'lesion' : '–'}</span>}
    </div>
  );
}
