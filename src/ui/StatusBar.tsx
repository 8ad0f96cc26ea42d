import { useApp } from './store';

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** The crosshair's voxel and mm position and the intensities under it. */
export function StatusBar() {
  const c = useApp((s) => s.crosshair);
  const info = useApp((s) => s.caseInfo);
  if (!c || !info) return <div className="statusbar" data-testid="statusbar" />;
  return (
    <div className="statusbar" data-testid="statusbar">
      <span title="voxel indices (i, j, k) on the FLAIR grid">
        voxel {c.vox.join(', ')}
      </span>
      <span title="world coordinates in mm (RAS)">{c.mm.map((v) => v.toFixed(1)).join(', ')} mm</span>
      <span>FLAIR {fmt(c.flair)}</span>
      <span>MPRAGE {fmt(c.mprage)}</span>
      {c.mask !== undefined && <span>ground truth {c.mask > 0 ? 'lesion' : '–'}</span>}
    </div>
  );
}
