// manifest.json, the description that sits beside every model in public/models/<name>/.
// Validated on load; a bad manifest is refused with a message naming the field.

export type ModelFormat = 'onnx' | 'tfjs-layers' | 'tfjs-graph';
export type OutputKind = 'softmax2' | 'sigmoid1';

export interface ModelManifest {
  name: string;
  format: ModelFormat;
  /** Model file relative to the manifest (.onnx, or model.json for tfjs). */
  file: string;
  /** Input channel order; this app feeds FLAIR then MPRAGE. */
  inputChannels: string[];
  /** How each channel was normalised in training, e.g. 'zscore-brain' (z-score over non-zero voxels). */
  normalisation: string;
  /** Voxel size the model was trained at, mm, in the model's axis order (spatialAxes). */
  spacingMm: [number, number, number];
  /** Sliding-window size in voxels, in the model's axis order (spatialAxes; [z, y, x] by default). */
  windowSizeVoxels: [number, number, number];
  /** spacingMm and windowSizeVoxels in the volume's x, y, z order: derived at load, what the app's code uses. */
  spacingMmXyz: [number, number, number];
  windowXyz: [number, number, number];
  /** Every spatial input size must be a multiple of this (the model's total stride). */
  sizeMultiple: number;
  /** Which volume axes the model's three spatial axes are: 'zyx' (default) or 'xyz'. */
  spatialAxes: 'zyx' | 'xyz';
  output: { kind: OutputKind; lesionChannel: number };
  /** Lesion-probability threshold. */
  threshold: number;
  /** Intermediate tensor used by Grad-CAM++ unless the user picks another. */
  gradCamLayer: string;
  receptiveFieldVoxels: number | null;
  provenance: string;
  metrics: Record<string, number | string>;
  intendedUse: string;
}

const FORMATS: ModelFormat[] = ['onnx', 'tfjs-layers', 'tfjs-graph'];
const KINDS: OutputKind[] = ['softmax2', 'sigmoid1'];

export class ManifestError extends Error {
  constructor(readonly field: string, message: string) {
    super(`manifest.json: field '${field}' ${message}`);
  }
}

type Json = Record<string, unknown>;

function str(m: Json, field: string): string {
  const v = m[field];
  if (typeof v !== 'string' || !v.trim()) throw new ManifestError(field, 'must be a non-empty string');
  return v;
}

function positiveTriple(m: Json, field: string, integer: boolean): [number, number, number] {
  const v = m[field];
  if (!Array.isArray(v) || v.length !== 3 || !v.every((n) => typeof n === 'number' && n > 0 && (!integer || Number.isInteger(n)))) {
    throw new ManifestError(field, `must be 3 positive ${integer ? 'integers' : 'numbers'}`);
  }
  return v as [number, number, number];
}

export function validateManifest(raw: unknown): ModelManifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ManifestError('(root)', 'must be a JSON object');
  }
  const m = raw as Json;
  const format = str(m, 'format') as ModelFormat;
  if (!FORMATS.includes(format)) throw new ManifestError('format', `must be one of ${FORMATS.join(', ')}`);
  const inputChannels = m.inputChannels;
  if (!Array.isArray(inputChannels) || inputChannels.length < 1 || !inputChannels.every((c) => typeof c === 'string')) {
    throw new ManifestError('inputChannels', 'must be a list of channel names, e.g. ["FLAIR", "MPRAGE"]');
  }
  const output = m.output as Json | undefined;
  if (typeof output !== 'object' || output === null) throw new ManifestError('output', 'must be an object {kind, lesionChannel}');
  const kind = output.kind as OutputKind;
  if (!KINDS.includes(kind)) throw new ManifestError('output.kind', `must be one of ${KINDS.join(', ')}`);
  const lesionChannel = output.lesionChannel;
  const channels = kind === 'softmax2' ? 2 : 1;
  if (!Number.isInteger(lesionChannel) || (lesionChannel as number) < 0 || (lesionChannel as number) >= channels) {
    throw new ManifestError('output.lesionChannel', `must be an integer in [0, ${channels - 1}] for ${kind}`);
  }
  const threshold = m.threshold;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) {
    throw new ManifestError('threshold', 'must be a number in (0, 1)');
  }
  const sizeMultiple = m.sizeMultiple ?? 1;
  if (!Number.isInteger(sizeMultiple) || (sizeMultiple as number) < 1) throw new ManifestError('sizeMultiple', 'must be a positive integer');
  const windowSizeVoxels = positiveTriple(m, 'windowSizeVoxels', true);
  if (windowSizeVoxels.some((n) => n % (sizeMultiple as number))) {
    throw new ManifestError('windowSizeVoxels', `must be multiples of sizeMultiple (${sizeMultiple})`);
  }
  const spatialAxes = m.spatialAxes ?? 'zyx';
  if (spatialAxes !== 'zyx' && spatialAxes !== 'xyz') throw new ManifestError('spatialAxes', "must be 'zyx' or 'xyz'");
  const rf = m.receptiveFieldVoxels ?? null;
  if (rf !== null && !(typeof rf === 'number' && rf > 0)) throw new ManifestError('receptiveFieldVoxels', 'must be a positive number or null');
  const metrics = m.metrics ?? {};
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) throw new ManifestError('metrics', 'must be an object');
  const spacingMm = positiveTriple(m, 'spacingMm', false);
  const toXyz = (t: [number, number, number]): [number, number, number] => (spatialAxes === 'zyx' ? [t[2], t[1], t[0]] : [...t]);
  return {
    name: str(m, 'name'),
    format,
    file: str(m, 'file'),
    inputChannels: inputChannels as string[],
    normalisation: str(m, 'normalisation'),
    spacingMm,
    windowSizeVoxels,
    spacingMmXyz: toXyz(spacingMm),
    windowXyz: toXyz(windowSizeVoxels),
    sizeMultiple: sizeMultiple as number,
    spatialAxes,
    output: { kind, lesionChannel: lesionChannel as number },
    threshold,
    gradCamLayer: str(m, 'gradCamLayer'),
    receptiveFieldVoxels: rf as number | null,
    provenance: str(m, 'provenance'),
    metrics: metrics as Record<string, number | string>,
    intendedUse: str(m, 'intendedUse'),
  };
}
