import { useRef, useState } from 'react';
import { useApp } from './store';
import { currentExplanation } from './explainActions';
import {
  exportBrainNifti, exportLabelsNifti, exportLesionCsv, exportProbabilityNifti, exportProvenance, exportSaliencyNifti, exportViewPng, openProvenance,
} from './exportActions';
import { currentShareLink } from './urlState';
import { currentBrain } from './brainActions';

const testId = (channel: string) => `export-nifti-saliency-${channel.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

/** Files named after case, lesion, method and time; a link to this view for colleagues on the same site. */
export function ExportPanel() {
  const s = useApp();
  const [copied, setCopied] = useState<string | null>(null);
  const provenanceInput = useRef<HTMLInputElement>(null);
  if (!s.scan) return null;
  const e = currentExplanation(s);
  const hasBrain = !!currentBrain(s);
  const link = currentShareLink();
  const run = (f: () => unknown) => () => {
    Promise.resolve(f()).catch((err: Error) => s.setError(`The export failed: ${err.message}`));
  };
  const copy = async () => {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Link copied.');
    } catch {
      setCopied('The browser did not allow copying: select the link and press Ctrl+C.');
    }
  };
  return (
    <section className="panel" aria-label="Export and share">
      <h3>Export</h3>
      <div className="row">
        <button data-testid="export-png" onClick={run(exportViewPng)} title="The view at 2x resolution, with lesion, method, model and colour bar burned in">
          View (PNG)
        </button>
        <button data-testid="export-csv" disabled={!s.analysis} onClick={run(exportLesionCsv)} title="One row per lesion, all measures, and saliency numbers where explained">
          Lesion table (CSV)
        </button>
        <button data-testid="export-provenance" disabled={!s.segmentation} onClick={run(exportProvenance)} title="Model and its SHA-256, backend, settings and seed: open it again to reproduce the maps">
          Provenance (JSON)
        </button>
      </div>
      <div className="row">
        NIfTI, FLAIR grid:
        <button data-testid="export-nifti-labels" disabled={!s.analysis} onClick={run(exportLabelsNifti)}>
          Lesion labels
        </button>
        <button data-testid="export-nifti-probability" disabled={!s.segmentation} onClick={run(exportProbabilityNifti)}>
          Probability
        </button>
        {hasBrain && (
          <button data-testid="export-nifti-brain" onClick={run(exportBrainNifti)} title="The brain mask the lesions were found in (or your correction of it)">
            Brain mask
          </button>
        )}
        {e?.data.channels.map((c, i) => (
          <button key={c} data-testid={testId(c)} onClick={run(() => exportSaliencyNifti(i))}>
            Saliency {c}
          </button>
        ))}
      </div>
      <div className="row">
        <button onClick={() => provenanceInput.current?.click()} title="Applies a provenance record's model, backend and settings to the open case and explains its lesion again">
          Open provenance…
        </button>
        <input
          ref={provenanceInput}
          hidden
          type="file"
          accept=".json,application/json"
          data-testid="provenance-open"
          onChange={(ev) => {
            const f = ev.target.files?.[0];
            ev.target.value = '';
            if (f) openProvenance(f);
          }}
        />
      </div>
      <h3>Share</h3>
      {link ? (
        <div className="row">
          <input style={{ flex: 1, minWidth: '12rem' }} readOnly aria-label="Link to this view" data-testid="share-link" value={link} onFocus={(ev) => ev.target.select()} />
          <button data-testid="share-copy-link" onClick={copy}>
            Copy link
          </button>
          {copied && <span role="status">{copied}</span>}
        </div>
      ) : (
        <p className="hint">Scans opened from local files have no link. Links work for scans served by this app's own site (flair=…&amp;mprage=… in the address) and for the demo.</p>
      )}
    </section>
  );
}
