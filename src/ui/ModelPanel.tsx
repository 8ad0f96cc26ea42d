import { chooseBackendPreference, useApp } from './store';
import { cancelJob, runSegmentation, selectModel } from './segmentationActions';
import type { BackendPreference } from '../core/model';
import { Choice } from './Choice';
import { AddModelButton, AddModelForm } from './AddModel';
import { removeAddedModel } from './modelActions';

const BACKENDS: [BackendPreference, string][] = [
  ['auto', 'Automatic (a GPU through WebGPU or WebGL, else the CPU)'],
  ['webgpu', 'WebGPU'],
  ['webgl', 'WebGL'],
  ['cpu', 'CPU'],
];

/** What the chosen model is worth: real-patient figures first, then held-out synthetic ones (both from the
 * app's runtime), and its download size. */
function ModelInfo() {
  const m = useApp((s) => s.models.find((x) => x.name === s.modelName));
  if (!m) return null;
  if (m.local) {
    return (
      <p className="hint" data-testid="model-info">
        Your model, added {m.local.addedAt.slice(0, 10)} from {m.local.file} (SHA-256 {m.local.sha256.slice(0, 12)}…, {(m.fileMB ?? 0).toFixed(1)} MB); kept in this
        browser only; not evaluated by LesionLens · research use only{' '}
        <button onClick={() => void removeAddedModel(m.name)} data-testid="remove-model">
          Remove
        </button>
      </p>
    );
  }
  const cases = (n: number) => `${n} synthetic case${n === 1 ? '' : 's'}`;
  const real = m.realData
    ? `real MS patient${m.realData.cases === 1 ? '' : 's'} (${m.realData.cases}): nDSC ${m.realData.nDSC.toFixed(2)}, lesion F1 ${m.realData.F1.toFixed(2)}, false lesions ${Math.round(m.realData.FDR * 100)} % · `
    : 'not yet evaluated on real patients · ';
  let figures = m.heldOut
    ? `held-out nDSC ${m.heldOut.nDSC.toFixed(2)}, lesion F1 ${m.heldOut.F1.toFixed(2)} on ${cases(m.heldOut.cases)}`
    : 'not yet evaluated on held-out cases';
  // the app's own evaluation is slow on CPU; say what the PyTorch cross-check found on more cases
  if (m.crossCheck && m.crossCheck.cases > (m.heldOut?.cases ?? 0)) {
    figures += ` (PyTorch cross-check on ${cases(m.crossCheck.cases)}: nDSC ${m.crossCheck.nDSC.toFixed(2)}, F1 ${m.crossCheck.F1.toFixed(2)})`;
  }
  return (
    <p className="hint" data-testid="model-info">
      {real}
      {figures}
      {m.fileMB ? ` · ${m.fileMB.toFixed(1)} MB` : ''} · trained on synthetic images with real lesion shapes, research use only
    </p>
  );
}

export function ModelPanel() {
  const s = useApp();
  const job = s.job;
  return (
    <section className="panel" aria-label="Segmentation">
      <h3>Segmentation</h3>
      <div className="row">
        <Choice
          label="Model"
          value={s.modelName ?? ''}
          options={s.models.map((m) => [m.name, m.title] as const)}
          onChange={selectModel}
          disabled={!!job}
        />
      </div>
      <ModelInfo />
      <div className="row">
        <AddModelButton disabled={!!job || !!s.addingModel} />
      </div>
      <AddModelForm />
      <div className="row">
        <Choice
          label="Compute"
          ariaLabel="Compute backend"
          value={s.backendPreference}
          options={BACKENDS}
          onChange={chooseBackendPreference}
          disabled={!!job}
        />
      </div>
      {s.backend && (
        <p className="hint" data-testid="backend">
          Running on <b>{s.backend.name}</b> — {s.backend.adapter}
          {s.backend.fallbacks.map((f) => (
            <span key={f} className="warn">
              <br />
              {f}
            </span>
          ))}
        </p>
      )}
      {job ? (
        <div className="job" data-testid="job">
          <div>
            {job.title}: {job.stage} {job.total > 1 ? `${job.done} / ${job.total}` : ''}
          </div>
          <progress max={job.total} value={job.done} aria-label="Progress" />
          <button onClick={cancelJob}>Cancel</button>
        </div>
      ) : (
        <button className="primary" onClick={() => runSegmentation()} disabled={!s.scan || !s.modelName}>
          Find lesions
        </button>
      )}
      {s.segmentationError && (
        <p className="hint warn" data-testid="model-error">
          {s.segmentationError}
        </p>
      )}
      {s.segmentation && (
        <p className="hint" data-testid="segmentation-info">
          {s.segmentation.modelName}: {s.segmentation.seconds.toFixed(1)} s on {s.segmentation.backend?.name ?? '?'}
        </p>
      )}
    </section>
  );
}
