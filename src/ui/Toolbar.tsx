import { useApp, type Layout } from './store';
import { OpenFilesButton } from './OpenFiles';
import { openDemo } from './caseLoading';

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
      <label>
        Background{' '}
        <select aria-label="Background" value={s.background} onChange={(e) => s.setBackground(e.target.value as 'flair' | 'mprage')}>
          <option value="flair">FLAIR</option>
          <option value="mprage">MPRAGE</option>
        </select>
      </label>
      <label>
        View{' '}
        <select aria-label="View" value={s.layout} onChange={(e) => s.setLayout(e.target.value as Layout)}>
          {LAYOUTS.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {s.scan?.mask && (
        <label>
          <input type="checkbox" checked={s.showMask} onChange={(e) => s.setShowMask(e.target.checked)} /> Ground truth
        </label>
      )}
      {wl && (
        <span className="window" title="Window: display range of the background (right-drag in the viewer also sets it)">
          Window{' '}
          <input aria-label="Window minimum" type="number" value={+wl.min.toPrecision(4)} onChange={(e) => s.setWindow(s.background, { ...wl, min: +e.target.value })} />
          –
          <input aria-label="Window maximum" type="number" value={+wl.max.toPrecision(4)} onChange={(e) => s.setWindow(s.background, { ...wl, max: +e.target.value })} />
        </span>
      )}
    </div>
  );
}
