// The form for a model the user brings: what its files say, the manifest fields to fill, the dry run's answer.
import { useRef } from 'react';
import { useApp } from './store';
import { Choice } from './Choice';
import { addCheckedModel, cancelAddModel, checkDraft, stageModelFiles, updateDraftManifest } from './modelActions';
import { DEFAULT_MAX_DROPPED_VOXELS } from '../core/lesions';

type Json = Record<string, unknown>;

const CHANNEL_ORDERS: [string, string][] = [
  ['FLAIR,T1', 'FLAIR, then T1'],
  ['T1,FLAIR', 'T1, then FLAIR'],
  ['FLAIR', 'FLAIR only'],
  ['T1', 'T1 only'],
];
const NORMALISATIONS: [string, string][] = [
  ['zscore-brain', 'z-score over the brain'],
  ['percentile-brain', '1st-99th percentile of the brain to [0, 1]'],
  ['none', 'none (raw intensities)'],
];
const OUTPUTS: [string, string][] = [
  ['sigmoid1', 'one logit (sigmoid)'],
  ['softmax2', 'two classes (softmax: background, lesion)'],
  ['softmax', 'K classes (softmax)'],
  ['probability', 'already a probability (one channel)'],
];

/** "1 1 1" <-> [1, 1, 1]: triples are typed as three numbers, z y x. */
const tripleText = (v: unknown) => (Array.isArray(v) ? v.join(' ') : '');
const parseTriple = (text: string) => text.trim().split(/[\s,x]+/).map(Number);

function resolution(scale: number): string {
  return scale === 1 ? 'full resolution' : scale > 0 ? `1/${Math.round(1 / scale)} resolution` : '?';
}

function Field({ label, value, onChange, type = 'text', step }: { label: string; value: string | number; onChange: (v: string) => void; type?: string; step?: string }) {
  return (
    <label>
      {label} <input type={type} step={step} value={value} aria-label={label} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

/** The button that opens the file picker; the form shows once files are given (picked or dropped). */
export function AddModelButton({ disabled }: { disabled: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button onClick={() => input.current?.click()} disabled={disabled} title="An .onnx file (and optionally its manifest.json), or a TensorFlow.js model.json with its .bin files. It stays on this computer.">
        Add your model…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept=".onnx,.json,.bin"
        aria-label="Model files"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) void stageModelFiles(files);
        }}
      />
    </>
  );
}

export function AddModelForm() {
  const d = useApp((s) => s.addingModel);
  if (!d) return null;
  const m = d.manifest as Json & { output?: Json };
  const output = (m.output ?? {}) as { kind?: string; classes?: number; lesionChannel?: number };
  const set = (patch: Json) => updateDraftManifest(patch);
  const channels = Array.isArray(m.inputChannels) ? (m.inputChannels as string[]).join(',') : '';
  const orders = CHANNEL_ORDERS.some(([v]) => v === channels) ? CHANNEL_ORDERS : [...CHANNEL_ORDERS, [channels, channels.replace(',', ', then ')] as [string, string]];
  const layers = d.check?.layers ?? [];
  const layer = String(m.gradCamLayer ?? '');
  const layerOptions: [string, string][] = [
    ['', 'the last full-resolution feature map (chosen by the dry run)'],
    ...layers.map((l) => [l.name, `${l.name} (${l.channels} channels, ${resolution(l.scale[0])})`] as [string, string]),
  ];
  if (layer && !layers.some((l) => l.name === layer)) layerOptions.push([layer, layer]);
  const f = d.facts;
  const unchanged = !!d.check && d.checkedJson === JSON.stringify(d.manifest);
  return (
    <section className="panel add-model" aria-label="Add your model" data-testid="add-model">
      <h3>Add your model</h3>
      <p className="hint" data-testid="add-model-facts">
        {f.file}: {f.format === 'onnx' ? `ONNX opset ${f.opset}${f.producer ? `, made by ${f.producer}` : ''}` : 'TensorFlow.js'}
        {f.inputChannels !== null ? ` · ${f.inputChannels} input channel${f.inputChannels === 1 ? '' : 's'}` : ''}
        {f.outputChannels !== null ? ` · ${f.outputChannels} output channel${f.outputChannels === 1 ? '' : 's'}` : ''}
        {f.fixedSpatial ? ` · fixed input size ${f.fixedSpatial.join(' x ')}` : ' · any input size'}
        {f.manifest ? ' · its manifest.json filled the form' : ''}. It stays on this computer.
      </p>
      <div className="form-grid">
        <Field label="Model name" value={String(m.name ?? '')} onChange={(name) => set({ name })} />
        <Choice label="Input channels" value={channels} options={orders} onChange={(v) => set({ inputChannels: v.split(',') })} />
        <Choice label="Normalisation" value={String(m.normalisation ?? '')} options={NORMALISATIONS} onChange={(normalisation) => set({ normalisation })} />
        <Field label="Voxel size, mm (z y x)" value={tripleText(m.spacingMm)} onChange={(v) => set({ spacingMm: parseTriple(v) })} />
        <Field label="Window, voxels (z y x)" value={tripleText(m.windowSizeVoxels)} onChange={(v) => set({ windowSizeVoxels: parseTriple(v) })} />
        <Field label="Size multiple" type="number" value={Number(m.sizeMultiple ?? 1)} onChange={(v) => set({ sizeMultiple: Number(v) })} />
        <Choice
          label="Output"
          value={String(output.kind ?? '')}
          options={OUTPUTS}
          onChange={(kind) => set({ output: { kind, lesionChannel: kind === 'sigmoid1' || kind === 'probability' ? 0 : 1, ...(kind === 'softmax' ? { classes: output.classes ?? 3 } : {}) } })}
        />
        {output.kind === 'softmax' && <Field label="Classes" type="number" value={Number(output.classes ?? 3)} onChange={(v) => set({ output: { ...output, classes: Number(v) } })} />}
        {output.kind !== 'sigmoid1' && output.kind !== 'probability' && <Field label="Lesion class" type="number" value={Number(output.lesionChannel ?? 1)} onChange={(v) => set({ output: { ...output, lesionChannel: Number(v) } })} />}
        <Field label="Threshold" type="number" step="0.05" value={Number(m.threshold ?? 0.5)} onChange={(v) => set({ threshold: Number(v) })} />
        <Field label="Drop lesions up to, voxels" type="number" value={Number(m.maxDroppedVoxels ?? DEFAULT_MAX_DROPPED_VOXELS)} onChange={(v) => set({ maxDroppedVoxels: Number(v) })} />
        <Choice label="Grad-CAM++ layer" value={layer} options={layerOptions} onChange={(gradCamLayer) => set({ gradCamLayer })} />
      </div>
      {d.busy && <p className="hint" data-testid="add-model-busy">Checking the model on a small window…</p>}
      {d.check && !d.busy && (
        <p className="hint" data-testid="add-model-check">
          Dry run{unchanged ? '' : ' (before your last change)'}: a {d.check.dryRunZyx.join(' x ')} window in {d.check.seconds.toFixed(1)} s, logits {d.check.logitRange[0].toFixed(2)} to {d.check.logitRange[1].toFixed(2)}; {d.check.layers.length} feature maps for Grad-CAM++; SHA-256 {d.check.sha256.slice(0, 12)}…
        </p>
      )}
      {d.error && (
        <p className="hint warn" role="alert" data-testid="add-model-error">
          {d.error}
        </p>
      )}
      <div className="row">
        <button onClick={() => void checkDraft()} disabled={d.busy}>
          Check
        </button>
        <button className="primary" onClick={() => void addCheckedModel()} disabled={d.busy || !unchanged} title={unchanged ? '' : 'Check the model with these settings first'}>
          Add model
        </button>
        <button onClick={cancelAddModel}>Cancel</button>
      </div>
    </section>
  );
}
