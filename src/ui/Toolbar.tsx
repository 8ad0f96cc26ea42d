import { useApp, type Background, type Layout } from './store';
import { OpenFilesButton } from './OpenFiles';
import { openDemo } from './caseLoading';
import { Choice } from './Choice';
import { readingWindow } from './viewerHandle';

const BACKGROUNDS: [Background, string][] = [
  ['flair', 'FLAIR'],
  ['mprage', 'MPRAGE'],
];

const ORIENTATIONS: ['neurological' | 'radiological', string][] = [
  ['neurological', 'Neurological (L on the left)'],
  ['radiological', 'Radiological (R on the left)'],
];

const LAYOUTS: [Layout, string][] = [
  ['multiplanar', 'Multiplanar + 3D'],
  ['axial', 'Axial'],
  ['coronal', 'Coronal'],
  ['sagittal', 'Sagittal'],
  ['render', '3D'],
];

export function Toolbar() {
  const s = useApp();
  const wl = s.window[s.background];
  return (
    <div className="toolbar">
      <OpenFilesButton />
      <button onClick={() => openDemo()} title="Open the shipped synthetic demo case">
        Demo case
      </button>
      <span className="sep" />
      <Choice label="Background" value={s.background} options={BACKGROUNDS} onChange={s.setBackground} />
      <Choice
        label="View"
        title={s.softwareViewer ? `This browser draws without a GPU (${s.softwareViewer}): the multiplanar view leaves out its 3D tile, which cost seconds per click; choose 3D to see it` : undefined}
        value={s.layout}
        options={s.softwareViewer ? LAYOUTS.map(([k, t]) => [k, k === 'multiplanar' ? 'Multiplanar (3D: no GPU)' : t]) : LAYOUTS}
        onChange={s.setLayout}
      />
      <Choice
        label="Orientation"
        title="Which side of the patient is on the screen's left in axial and coronal views (the letters at the edges say it too)"
        value={s.radiological ? 'radiological' : 'neurological'}
        options={ORIENTATIONS}
        onChange={(o) => useApp.setState({ radiological: o === 'radiological' })}
      />
      {s.analysis && (
        <label title="Magnify the slices about the selected lesion (key Z)">
          <input type="checkbox" checked={s.zoomToLesion} onChange={(e) => useApp.setState({ zoomToLesion: e.target.checked })} /> Zoom to lesion
        </label>
      )}
      {s.scan?.mask && (
        <label title="The case's ground-truth lesion mask, in red (key G); off until asked, so it is not taken for the model's result">
          <input type="checkbox" checked={s.showMask} onChange={(e) => s.setShowMask(e.target.checked)} /> Ground truth (red)
        </label>
      )}
      {wl && (
        <span className="window" title="Window: display range of the background. Right-drag in the viewer: left/right the width, up/down the level">
          Window{' '}
          <input aria-label="Window minimum" type="number" value={+wl.min.toPrecision(4)} onChange={(e) => s.setWindow(s.background, { ...wl, min: +e.target.value })} />
          –
          <input aria-label="Window maximum" type="number" value={+wl.max.toPrecision(4)} onChange={(e) => s.setWindow(s.background, { ...wl, max: +e.target.value })} />{' '}
          <button onClick={() => s.scan && s.setWindow(s.background, readingWindow(s.scan[s.background].data, s.background))} title="Back to the reading window the case opened with">
            Reset
          </button>
        </span>
      )}
    </div>
  );
}
